"""The index data of the Tân Hồng demo: criteria tables, scorecards and citizen surveys.

:func:`add_indices` runs at the end of :func:`cchc_tasks.examples.tan_hong`. For 2023
and 2024 it gives the district and its communes and town (for 2025, the four communes
formed by the reform, whose growth targets are judged on these values) a self-assessment with
evidence, the appraisal council's corrections, survey points and a few bonus and
penalty points, and a citizen survey exported as a survey tool would (CSV text); then
it computes their PAR-style index and SIPAS and records them. The district's own PAR
index and SIPAS were typed in from the province's decisions: those official results
keep priority, and the computed ones sit next to them for comparison.

Everything is synthetic but deterministic (its own seeded RNG): the same call always
writes the same records. Unit ids come from the tracker (the province, the district,
the communes and towns under it in each year), not from constants, so a restructured
demo keeps working.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .indices import (
    Appraisal,
    Bonus,
    CriteriaTree,
    Evidence,
    Penalty,
    SelfAssessment,
    UnitScorecard,
    default_criteria,
)

if TYPE_CHECKING:
    from .tracker import Tracker

__all__ = ["COMMUNE_CRITERIA", "YEARS", "add_indices"]

YEARS = (2023, 2024, 2025)
#: When each year's indices were computed (the province publishes in January).
COMPUTED_ON = {
    2023: dt.date(2024, 1, 22),
    2024: dt.date(2025, 1, 20),
    2025: dt.date(2026, 1, 19),
}
ACTOR = "noi-vu"  # Phòng Nội vụ keeps the CCHC index records
APPRAISER = "Hội đồng thẩm định Chỉ số CCHC huyện"
SEED = 2023


def _leaf(id: str, name: str, max: float, **extra: Any) -> dict[str, Any]:
    return {"id": id, "name": name, "max": max, **extra}


def _node(id: str, name: str, children: list[dict[str, Any]], key: str) -> dict[str, Any]:
    return {"id": id, "name": name, key: children}


#: The commune table of 2024 ("Bộ chỉ số CCHC cấp xã", illustrative numbers): 70
#: appraised points in seven fields and a 30-point survey, in the file format of
#: docs/reference/indices.md.
COMMUNE_CRITERIA: Mapping[str, Any] = {
    "id": "dt-xa-2024",
    "name": "Bộ chỉ số CCHC cấp xã (minh họa)",
    "province": "Đồng Tháp",
    "unit_kind": "commune",
    "year": 2024,
    "basis": "Quyết định ban hành Bộ chỉ số CCHC cấp xã (ví dụ minh họa)",
    "max": 100,
    "survey": {"max": 30},
    "bonus": {"max": 3},
    "penalty": {"max": 3},
    "fields": [
        _node(
            "direction",
            "Công tác chỉ đạo, điều hành CCHC",
            [
                _node(
                    "x1.1",
                    "Kế hoạch CCHC năm",
                    [
                        _leaf("x1.1.1", "Ban hành kế hoạch CCHC năm kịp thời", 2),
                        _leaf("x1.1.2", "Mức độ hoàn thành kế hoạch", 4, auto="on_time_share"),
                    ],
                    "sub_criteria",
                ),
                _leaf("x1.2", "Báo cáo CCHC định kỳ đúng hạn", 2),
                _leaf("x1.3", "Tuyên truyền CCHC", 2),
                _leaf("x1.4", "Sáng kiến, giải pháp CCHC", 2),
            ],
            "criteria",
        ),
        _node(
            "institutions",
            "Cải cách thể chế",
            [
                _leaf("x2.1", "Ban hành văn bản quy phạm pháp luật đúng quy định", 3),
                _leaf("x2.2", "Rà soát, kiểm tra văn bản", 3),
            ],
            "criteria",
        ),
        _node(
            "procedures",
            "Cải cách thủ tục hành chính",
            [
                _leaf("x3.1", "Công khai thủ tục hành chính", 4),
                _leaf("x3.2", "Thực hiện cơ chế một cửa, một cửa liên thông", 6),
                _node(
                    "x3.3",
                    "Kết quả giải quyết hồ sơ",
                    [
                        _leaf("x3.3.1", "Tỷ lệ hồ sơ giải quyết đúng hạn", 6),
                        _leaf("x3.3.2", "Xin lỗi người dân khi giải quyết hồ sơ trễ hạn", 2),
                    ],
                    "sub_criteria",
                ),
            ],
            "criteria",
        ),
        _node(
            "apparatus",
            "Cải cách tổ chức bộ máy",
            [
                _leaf("x4.1", "Sắp xếp, kiện toàn tổ chức bộ máy", 3),
                _leaf("x4.2", "Quản lý, sử dụng biên chế", 3),
            ],
            "criteria",
        ),
        _node(
            "civil-service",
            "Cải cách chế độ công vụ",
            [
                _leaf("x5.1", "Đánh giá, xếp loại cán bộ, công chức", 4),
                _leaf("x5.2", "Chấp hành kỷ luật, kỷ cương hành chính", 4),
            ],
            "criteria",
        ),
        _node(
            "public-finance",
            "Cải cách tài chính công",
            [
                _leaf("x6.1", "Quản lý, sử dụng ngân sách", 3),
                _leaf("x6.2", "Quản lý, sử dụng tài sản công", 3),
            ],
            "criteria",
        ),
        _node(
            "digital-government",
            "Xây dựng chính quyền điện tử, chính quyền số",
            [
                _leaf("x7.1", "Xử lý văn bản trên môi trường mạng", 4),
                _node(
                    "x7.2",
                    "Dịch vụ công trực tuyến",
                    [
                        _leaf("x7.2.1", "Dịch vụ công trực tuyến toàn trình", 3),
                        _leaf("x7.2.2", "Thanh toán trực tuyến", 3),
                    ],
                    "sub_criteria",
                ),
                _leaf("x7.3", "Số hóa hồ sơ, kết quả giải quyết", 4),
            ],
            "criteria",
        ),
    ],
}

_APPRAISAL_REASONS = (
    "tài liệu kiểm chứng chưa đầy đủ",
    "báo cáo gửi trễ hạn",
    "kết quả chưa đạt chỉ tiêu kế hoạch",
    "số liệu chưa khớp với hệ thống thông tin giải quyết TTHC",
)
_SERVICES = ("Chứng thực", "Hộ tịch", "Đất đai", "Đăng ký kinh doanh", "Bảo trợ xã hội")
_FACTORS = (
    "Tiếp cận dịch vụ",
    "Thủ tục hành chính",
    "Công chức",
    "Kết quả",
    "Tiếp nhận góp ý",
)
_ANSWERS = ("Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng")


def _units(tr: Tracker, year: int) -> list[str]:
    """The district and the communes and towns under it that existed in ``year``; from
    the 2025 reform, the communes directly under the province (their growth targets are
    judged on these computed values)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if year >= 2025:
        return [
            u.id
            for u in tr.units()
            if u.kind == "commune"
            and u.valid_from is not None
            and u.valid_from.year == 2025
            and u.exists_between(start, end)
        ]
    found = []
    for district in (u for u in tr.units() if u.kind == "district"):
        if not district.exists_between(start, end):
            continue
        found.append(district.id)
        found.extend(
            u.id
            for u in tr.units(parent=district.id)
            if u.kind in ("commune", "town") and u.exists_between(start, end)
        )
    return found


def _quarter_step(points: float) -> float:
    return round(points * 4) / 4


def _scorecard(rng: random.Random, tree: CriteriaTree, unit: str, year: int) -> UnitScorecard:
    quality = rng.uniform(0.72, 0.97)
    own: list[SelfAssessment] = []
    appraised: list[Appraisal] = []
    for number, leaf in enumerate(tree.leaves(), start=1):
        share = min(1.0, max(0.3, quality + rng.uniform(-0.15, 0.12)))
        points = min(leaf.max_points, _quarter_step(leaf.max_points * share))
        day = dt.date(year, 11, 1) + dt.timedelta(days=rng.randint(0, 45))
        evidence = Evidence(f"{number}/BC-UBND", day) if rng.random() < 0.85 else ()
        own.append(SelfAssessment(leaf.id, points, evidence))
        if points > 0 and rng.random() < 0.15:
            lower = _quarter_step(points * rng.uniform(0.5, 0.9))
            appraised.append(
                Appraisal(leaf.id, lower, by=APPRAISER, reason=rng.choice(_APPRAISAL_REASONS))
            )
    surveyed = rng.random() < 0.9
    survey = round(tree.survey_max * rng.uniform(0.78, 0.95), 2) if surveyed else None
    bonuses = [Bonus(1, "Sáng kiến CCHC được công nhận")] if rng.random() < 0.2 else []
    penalties = [Penalty(0.5, "Chậm gửi báo cáo CCHC định kỳ")] if rng.random() < 0.2 else []
    return UnitScorecard(unit, year, own, appraised, survey, bonuses, penalties)


def _survey_csv(rng: random.Random, names: Mapping[str, str], year: int) -> str:
    """A citizen survey of the ``names`` units as a survey tool exports it."""
    header = ["Mã phiếu", "Dấu thời gian", "Đối tượng", "Đơn vị", "Dịch vụ", *_FACTORS]
    rows = [",".join(header)]
    number = 0
    for name in names.values():
        satisfied = rng.uniform(0.9, 0.98)
        for _ in range(rng.randint(24, 70)):
            number += 1
            day = dt.date(year, 3, 1) + dt.timedelta(days=rng.randint(0, 250))
            kind = "Người dân" if rng.random() < 0.8 else "Tổ chức"
            answers = []
            for _factor in _FACTORS:
                if rng.random() < 0.03:
                    answers.append("Không ý kiến")
                elif rng.random() < satisfied:
                    answers.append(_ANSWERS[rng.choice((3, 4))])
                else:
                    answers.append(_ANSWERS[rng.choice((1, 2))])
            when = f"{day.strftime('%d/%m/%Y')} {rng.randint(7, 16):02d}:{rng.randint(0, 59):02d}"
            cells = [f"P{number:04d}", when, kind, name, rng.choice(_SERVICES), *answers]
            rows.append(",".join(f'"{c}"' if "," in c else c for c in cells))
    return "\n".join(rows) + "\n"


def add_indices(tr: Tracker, *, seed: int = SEED) -> None:
    """Criteria, scorecards and surveys of 2023–2025, then the computed indices."""
    rng = random.Random(seed)
    provinces = [u.id for u in tr.units() if u.kind == "province"]
    province = provinces[0] if provinces else None
    with tr.batch(actor=ACTOR, note="Bộ chỉ số xác định Chỉ số CCHC"):
        tr.set_criteria(default_criteria(), year=YEARS[0], province=province)
        tr.set_criteria(COMMUNE_CRITERIA, year=2024, unit_kind="commune", province=province)
    for year in YEARS:
        units = _units(tr, year)
        with tr.batch(actor=ACTOR, note=f"Tự đánh giá, thẩm định Chỉ số CCHC năm {year}"):
            for unit in units:
                tr.record_scorecard(_scorecard(rng, tr.criteria(unit, year), unit, year))
        names = {unit: tr.unit(unit).name for unit in units}
        tr.import_survey(
            _survey_csv(rng, names, year),
            survey=f"sipas-{year}",
            units={name: unit for unit, name in names.items()},
            actor=ACTOR,
            note=f"Kết quả khảo sát sự hài lòng năm {year}",
        )
        tr.record_computed_results(
            year,
            computed_on=COMPUTED_ON[year],
            actor=ACTOR,
            note=f"Tính Chỉ số CCHC và SIPAS năm {year} từ bộ chỉ số và khảo sát",
        )
