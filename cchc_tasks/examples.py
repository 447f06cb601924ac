"""The example store: the CCHC plan of Tân Hồng district (Đồng Tháp), 2021–2025.

The units are the real ones of the district before the 2025 reform: the district
People's Committee, its specialised offices, thị trấn Sa Rài and the eight communes.
People, headships, tasks and indicator results are synthetic but realistic, generated
deterministically from a seed: the same call always builds the same store. The four
targets are those of the seed plan (PAR INDEX +5% or top 5, PAPI +5 points or top 5,
SIPAS above 90%, DTI top 5 by 2025 and top 3 by 2030).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

import attrs

from .plans import Field, Indicator, Plan
from .results import Result
from .targets import Target, above, any_of, growth, milestones, rank_within
from .tasks import ProgressReport, Task, TaskStatus
from .units import Person, Unit

if TYPE_CHECKING:
    from .tracker import Tracker

__all__ = ["PLAN_ID", "YEARS", "tan_hong"]

PLAN_ID = "kh-cchc-2021-2030"
YEARS = range(2021, 2026)
ACTOR = "van-phong"  # the district office keeps the records

PROVINCE = Unit(id="tinh-dong-thap", name="UBND tỉnh Đồng Tháp", kind="province")
DISTRICT = Unit(id="huyen", name="UBND huyện Tân Hồng", kind="district", parent=PROVINCE.id)
OFFICES = [
    ("van-phong", "Văn phòng HĐND và UBND huyện"),
    ("noi-vu", "Phòng Nội vụ"),
    ("tu-phap", "Phòng Tư pháp"),
    ("tc-kh", "Phòng Tài chính - Kế hoạch"),
    ("tn-mt", "Phòng Tài nguyên và Môi trường"),
    ("ld-tbxh", "Phòng Lao động - Thương binh và Xã hội"),
    ("vh-tt", "Phòng Văn hóa và Thông tin"),
    ("gd-dt", "Phòng Giáo dục và Đào tạo"),
    ("kt-ht", "Phòng Kinh tế - Hạ tầng"),
    ("nn-ptnt", "Phòng Nông nghiệp và Phát triển nông thôn"),
]
COMMUNES = [
    ("sa-rai", "UBND thị trấn Sa Rài", "town"),
    ("tan-cong-chi", "UBND xã Tân Công Chí", "commune"),
    ("binh-phu", "UBND xã Bình Phú", "commune"),
    ("thong-binh", "UBND xã Thông Bình", "commune"),
    ("tan-thanh-a", "UBND xã Tân Thành A", "commune"),
    ("tan-thanh-b", "UBND xã Tân Thành B", "commune"),
    ("tan-ho-co", "UBND xã Tân Hộ Cơ", "commune"),
    ("an-phuoc", "UBND xã An Phước", "commune"),
    ("tan-phuoc", "UBND xã Tân Phước", "commune"),
]

_FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Huỳnh",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Trương",
    "Phan",
]
_MIDDLE = ["Văn", "Thị", "Minh", "Hoàng", "Thanh", "Ngọc", "Hữu", "Quốc"]
_GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hùng",
    "Khoa",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quang",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thắng",
    "Trang",
    "Tuấn",
    "Vinh",
    "Yến",
]

TASK_TEMPLATES: dict[Field, list[tuple[str, str]]] = {
    Field.DIRECTION: [
        ("Xây dựng, ban hành Kế hoạch CCHC năm {y}", "Kế hoạch"),
        ("Báo cáo kết quả thực hiện CCHC 6 tháng đầu năm {y}", "Báo cáo"),
        ("Kiểm tra công tác CCHC tại cơ quan, đơn vị năm {y}", "Biên bản kiểm tra"),
        ("Tuyên truyền CCHC năm {y}", "Báo cáo"),
    ],
    Field.INSTITUTIONS: [
        ("Rà soát, hệ thống hóa văn bản quy phạm pháp luật năm {y}", "Danh mục văn bản"),
        ("Tự kiểm tra văn bản quy phạm pháp luật đã ban hành", "Báo cáo"),
    ],
    Field.PROCEDURES: [
        ("Rà soát, đơn giản hóa thủ tục hành chính năm {y}", "Phương án đơn giản hóa"),
        ("Công khai thủ tục hành chính tại Bộ phận Một cửa", "Danh mục TTHC công khai"),
        ("Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", "Báo cáo số hóa"),
    ],
    Field.APPARATUS: [
        ("Rà soát chức năng, nhiệm vụ, cơ cấu tổ chức", "Báo cáo rà soát"),
        ("Cập nhật đề án vị trí việc làm", "Đề án"),
    ],
    Field.CIVIL_SERVICE: [
        ("Bồi dưỡng nghiệp vụ CCHC cho cán bộ, công chức năm {y}", "Danh sách học viên"),
        ("Đánh giá, xếp loại chất lượng cán bộ, công chức năm {y}", "Quyết định xếp loại"),
    ],
    Field.PUBLIC_FINANCE: [
        ("Công khai dự toán, quyết toán ngân sách năm {y}", "Thông báo công khai"),
        ("Thực hiện cơ chế tự chủ tài chính", "Báo cáo"),
    ],
    Field.DIGITAL_GOVERNMENT: [
        ("Xử lý văn bản trên hệ thống quản lý văn bản và điều hành", "Báo cáo thống kê"),
        ("Cung cấp dịch vụ công trực tuyến toàn trình", "Danh mục dịch vụ"),
        ("Triển khai chữ ký số cho cán bộ, công chức", "Báo cáo"),
    ],
}

# How a unit does in a year: share of tasks on time, late, overdue, and exceeded.
_PROFILES = {
    "excellent": (1.0, 0.0, 0.0, 0.6),
    "good": (0.85, 0.15, 0.0, 0.2),
    "fair": (0.7, 0.15, 0.15, 0.1),
    "weak": (0.4, 0.2, 0.4, 0.0),
}
# Fixed profiles that make the story: the office disciplined in 2023 and a commune that
# fell behind in 2022; everything else is drawn from the seed.
_FIXED = {
    ("tn-mt", 2023): "fair",
    ("tan-phuoc", 2022): "weak",
    ("noi-vu", 2021): "excellent",
    ("noi-vu", 2024): "excellent",
    ("van-phong", 2024): "excellent",
}
_DUE_DAYS = [(3, 31), (6, 15), (6, 30), (8, 31), (9, 30), (10, 31), (11, 30), (12, 15)]

# District results: value, rank (of 12 district-level units of the province).
_RESULTS: dict[Indicator, dict[int, tuple[float, int | None]]] = {
    Indicator.PAR_INDEX: {
        2020: (78.2, 7),
        2021: (82.5, 6),
        2022: (84.0, 6),
        2023: (86.9, 4),
        2024: (88.1, 3),
        2025: (89.0, 5),
    },
    Indicator.PAPI: {2022: (41.2, 5), 2023: (44.0, 6), 2024: (45.5, 4), 2025: (46.0, 7)},
    Indicator.SIPAS: {
        2021: (88.5, None),
        2022: (90.4, None),
        2023: (91.2, None),
        2024: (92.6, None),
        2025: (90.0, None),
    },
    Indicator.DTI: {
        2021: (0.41, 8),
        2022: (0.48, 6),
        2023: (0.55, 5),
        2024: (0.61, 4),
        2025: (0.66, 3),
    },
}
_SOURCES = {
    Indicator.PAR_INDEX: "Quyết định công bố Chỉ số CCHC của UBND tỉnh (số liệu minh họa)",
    Indicator.PAPI: "Khảo sát PAPI cấp huyện của tỉnh (số liệu minh họa)",
    Indicator.SIPAS: "Kết quả SIPAS cấp huyện của tỉnh (số liệu minh họa)",
    Indicator.DTI: "Bảng xếp hạng DTI cấp huyện của tỉnh (số liệu minh họa)",
}


class _People:
    """Synthetic names, unique and deterministic."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.count = 0

    def new(self, unit: str, title: str) -> Person:
        while True:
            name = " ".join(
                (self.rng.choice(_FAMILY), self.rng.choice(_MIDDLE), self.rng.choice(_GIVEN))
            )
            if name not in self.used:
                break
        self.used.add(name)
        self.count += 1
        return Person(id=f"p{self.count:03d}", name=name, unit=unit, title=title)


def _structure(tr: Tracker, people: _People) -> dict[str, str]:
    """Units, people and heads; returns unit id → id of its first head."""
    heads = {}
    tr.add_unit(PROVINCE)
    tr.add_unit(DISTRICT)
    chairman = tr.add_person(people.new(DISTRICT.id, "Chủ tịch UBND huyện"))
    heads[DISTRICT.id] = chairman.id
    for uid, name in OFFICES:
        tr.add_unit(Unit(id=uid, name=name, kind="agency", parent=DISTRICT.id))
        heads[uid] = tr.add_person(people.new(uid, "Trưởng phòng")).id
    for uid, name, kind in COMMUNES:
        tr.add_unit(Unit(id=uid, name=name, kind=kind, parent=DISTRICT.id))
        heads[uid] = tr.add_person(people.new(uid, "Chủ tịch UBND")).id
    start = dt.date(2021, 1, 1)
    for uid, person in heads.items():
        if uid == "tu-phap":
            # A change of head in 2022: four months for one, eight for the other.
            tr.appoint_head(unit=uid, person=person, start=start, end=dt.date(2022, 4, 30))
            successor = tr.add_person(people.new(uid, "Trưởng phòng"))
            tr.appoint_head(unit=uid, person=successor.id, start=dt.date(2022, 5, 1))
        else:
            tr.appoint_head(unit=uid, person=person, start=start)
    return heads


def _tasks_for(
    rng: random.Random,
    uid: str,
    year: int,
    profile: str,
    assignee: str,
    partners: list[str],
    counter: list[int],
) -> list[Task]:
    on_time, late, _overdue, exceeded_share = _PROFILES[profile]
    n = rng.randint(4, 7)
    n_on_time = round(n * on_time)
    n_late = round(n * late) if n_on_time < n else 0
    fields = rng.sample(list(TASK_TEMPLATES), k=min(n, len(TASK_TEMPLATES)))
    fields += rng.choices(list(TASK_TEMPLATES), k=n - len(fields))
    due_days = sorted(rng.sample(_DUE_DAYS, k=min(n, len(_DUE_DAYS))))
    due_days += [_DUE_DAYS[-1]] * (n - len(due_days))
    n_exceeded = round(n_on_time * exceeded_share + 0.49) if exceeded_share else 0
    tasks = []
    for i in range(n):
        counter[0] += 1
        title, output = rng.choice(TASK_TEMPLATES[fields[i]])
        month, day = due_days[i]
        due = dt.date(year, month, day)
        task = Task(
            id=f"t-{year}-{counter[0]:04d}",
            plan=PLAN_ID,
            title=title.format(y=year),
            unit=uid,
            due=due,
            assignee=assignee,
            field=fields[i],
            output=output,
            partners=tuple(p for p in rng.sample(partners, k=rng.randint(0, 2)) if p != uid),
        )
        if i < n_on_time:
            done = due - dt.timedelta(days=rng.randint(0, 20))
            task = _done(task, done, exceeded=i < n_exceeded)
        elif i < n_on_time + n_late:
            done = min(due + dt.timedelta(days=rng.randint(5, 40)), dt.date(year, 12, 31))
            task = _done(task, done, exceeded=False)
        tasks.append(task)
    return tasks


def _done(task: Task, on: dt.date, *, exceeded: bool) -> Task:
    report = ProgressReport(
        on=on,
        percent=100,
        note="Hoàn thành",
        evidence=(f"Báo cáo số {task.id.split('-')[-1]}/BC-{task.unit}",),
        by=task.assignee,
    )
    return attrs.evolve(
        task, status=TaskStatus.DONE, completed_on=on, exceeded=exceeded, progress=(report,)
    )


def tan_hong(tr: Tracker, *, seed: int = 2021) -> None:
    """Fill ``tr`` (normally empty) with the Tân Hồng example, 2021–2025.

    One batch per step, each with the district office as actor and a note, so the
    journal reads like the record a district would keep.
    """
    rng = random.Random(seed)
    people = _People(rng)
    with tr.batch(actor=ACTOR, note="Cơ cấu tổ chức huyện Tân Hồng"):
        heads = _structure(tr, people)
    with tr.batch(actor=ACTOR, note="Kế hoạch CCHC giai đoạn 2021-2030"):
        tr.add_plan(
            Plan(
                id=PLAN_ID,
                title="Kế hoạch cải cách hành chính huyện Tân Hồng giai đoạn 2021-2030",
                unit=DISTRICT.id,
                start=dt.date(2021, 1, 1),
                end=dt.date(2030, 12, 31),
                document="Kế hoạch CCHC huyện (ví dụ minh họa)",
            )
        )
        _targets(tr)
    units = [DISTRICT.id] + [u for u, _ in OFFICES] + [u for u, _, _ in COMMUNES]
    counter = [0]
    for year in YEARS:
        with tr.batch(actor=ACTOR, note=f"Nhiệm vụ CCHC năm {year}"):
            for uid in units:
                profile = (
                    _FIXED.get((uid, year))
                    or rng.choices(list(_PROFILES), weights=[25, 45, 22, 8])[0]
                )
                assignee = _head_on(tr, uid, dt.date(year, 12, 31)) or heads[uid]
                for task in _tasks_for(rng, uid, year, profile, assignee, units, counter):
                    tr.add_task(task)
        with tr.batch(actor=ACTOR, note=f"Kết quả các chỉ số năm {year}"):
            _results(tr, year)
    first_cancelled = tr.tasks(unit="vh-tt", due_from=dt.date(2022, 1, 1))[0]
    tr.cancel_task(
        first_cancelled.id,
        reason="Nhiệm vụ được lồng ghép vào kế hoạch khác",
        actor=ACTOR,
        note="Điều chỉnh kế hoạch",
    )
    tr.discipline(
        heads["tn-mt"],
        dt.date(2023, 9, 15),
        form="Khiển trách",
        reason="Chậm trễ trong giải quyết hồ sơ đất đai",
        actor="noi-vu",
        note="Quyết định kỷ luật (ví dụ)",
    )


def _head_on(tr: Tracker, unit: str, day: dt.date) -> str | None:
    heads = tr.heads(unit, day)
    return heads[0].id if heads else None


def _targets(tr: Tracker) -> None:
    tr.add_target(
        Target(
            id="par",
            indicator=Indicator.PAR_INDEX,
            rule=any_of(growth(5, mode="relative"), rank_within(5)),
            title="Chỉ số CCHC tăng 5% hoặc tốp 5 của tỉnh",
            plan=PLAN_ID,
            unit=DISTRICT.id,
        )
    )
    tr.add_target(
        Target(
            id="papi",
            indicator=Indicator.PAPI,
            rule=any_of(growth(5, mode="points"), rank_within(5)),
            title="PAPI tăng 5 điểm hoặc tốp 5 của tỉnh",
            plan=PLAN_ID,
            unit=DISTRICT.id,
        )
    )
    tr.add_target(
        Target(
            id="sipas",
            indicator=Indicator.SIPAS,
            rule=above(90),
            title="SIPAS hằng năm trên 90%",
            plan=PLAN_ID,
            unit=DISTRICT.id,
        )
    )
    tr.add_target(
        Target(
            id="dti",
            indicator=Indicator.DTI,
            ratchet=True,
            rule=milestones({2025: rank_within(5), 2030: rank_within(3)}),
            title="Chỉ số chuyển đổi số tốp 5 năm 2025, tốp 3 năm 2030",
            plan=PLAN_ID,
            unit=DISTRICT.id,
        )
    )


def _results(tr: Tracker, year: int) -> None:
    for indicator, by_year in _RESULTS.items():
        for y in (year - 1, year) if year == YEARS[0] else (year,):
            if y in by_year:
                value, rank = by_year[y]
                tr.record_result(
                    Result(
                        indicator=indicator,
                        unit=DISTRICT.id,
                        year=y,
                        value=value,
                        rank=rank,
                        of=12 if rank else None,
                        source=_SOURCES[indicator],
                    )
                )
