"""Rule sets chosen by date, Decree 335/2025, the CCHC→head link and configuration."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cchc_tasks as ct
from cchc_tasks.config import load_settings
from cchc_tasks.i18n import render
from cchc_tasks.labels import band_label, number_text

D = dt.date


def office(
    letters: str, year: int = 2026, *, config: object = None, sub: str | None = None
) -> ct.Tracker:
    """One office (``u``, head ``h``) with tasks by letter as in test_evaluation, due in
    ``year``: o on time, x exceeded, l late (1 month), d overdue, e on time with 2 errors;
    optionally a subordinate unit ``s`` (head ``hs``) with the letters in ``sub``."""
    tr = ct.Tracker.memory(load_entrypoints=False, config=config)  # type: ignore[arg-type]
    tr.add_unit(ct.Unit(id="u", name="Phòng Nội vụ", kind="agency"))
    tr.add_person(ct.Person(id="h", name="Nguyễn Văn A", unit="u"))
    tr.appoint_head(unit="u", person="h", start=D(2020, 1, 1))
    tr.add_plan(
        ct.Plan(id="kh", title="Kế hoạch", unit="u", start=D(2021, 1, 1), end=D(2030, 12, 31))
    )
    units = [("u", letters)]
    if sub is not None:
        tr.add_unit(ct.Unit(id="s", name="Tổ một cửa", kind="public-service-unit", parent="u"))
        tr.add_person(ct.Person(id="hs", name="Trần Thị B", unit="s"))
        tr.appoint_head(unit="s", person="hs", start=D(2020, 1, 1))
        units.append(("s", sub))
    n = 0
    for uid, chars in units:
        for letter in chars:
            n += 1
            tid = f"t{n}"
            tr.add_task(ct.Task(id=tid, plan="kh", title="Nhiệm vụ", unit=uid, due=D(year, 6, 30)))
            if letter in "oxe":
                tr.complete_task(
                    tid, on=D(year, 6, 1), exceeded=letter == "x", errors=2 if letter == "e" else 0
                )
            elif letter == "l":
                tr.complete_task(tid, on=D(year, 7, 30))
    return tr


# --- effective dating ----------------------------------------------------------------------


def test_2025_uses_decree90_and_2026_decree335_and_each_says_so() -> None:
    tr = office("xxoo", 2025)
    for task in [ct.Task(id="n1", plan="kh", title="Nhiệm vụ", unit="u", due=D(2026, 3, 1))]:
        tr.add_task(task)
        tr.complete_task(task.id, on=D(2026, 2, 1))
    tr.record_assessment(person="h", year=2026, general_points=28)
    ev25, ev26 = tr.evaluate(2025), tr.evaluate(2026)
    assert ev25.ruleset is not None and ev25.ruleset.name == "decree90"
    assert ev26.ruleset is not None and ev26.ruleset.name == "decree335"
    assert "Nghị định 90/2020" in ev25.explain("h", "en")
    assert "Nghị định 335/2025" in ev26.explain("h", "en")


def test_the_rule_set_can_be_forced_per_call_or_per_tracker() -> None:
    tr = office("xxoo")
    assert tr.evaluate(2026, ruleset="decree90").leaders["h"].ruleset == "decree90"
    forced = ct.Tracker.memory(ruleset="decree90")
    assert forced.ruleset == "decree90"
    names = [rs.name for rs in tr.rulesets()]
    assert names == ["decree90", "decree335"]


# --- Decree 335/2025 -------------------------------------------------------------------------


def test_a_missing_assessment_is_never_invented() -> None:
    r = office("oooo").evaluate(2026).leaders["h"]
    assert r.rating is None
    assert r.reasons[0].rule == "decree335.not-assessed"


def test_a_configured_default_assessment_is_stated_in_the_reason() -> None:
    tr = office("oooo", config={"decree335": {"default_general_points": 25}})
    r = tr.evaluate(2026).leaders["h"]
    assert r.rating is ct.Rating.EXCELLENT  # 25 + 70 × 100% = 95
    assert "configured default 25" in str(r.reasons[0].text)
    assert "lấy theo mức mặc định đã cấu hình 25/30 điểm" in render(r.reasons[0].text, "vi")


@pytest.mark.parametrize(
    ("letters", "general", "points", "rating"),
    [
        ("oooo", 30, 100.0, ct.Rating.EXCELLENT),
        ("oooo", 19, 89.0, ct.Rating.GOOD),
        ("oool", 30, 30 + 70 * (1 + 1 + 0.9375) / 3, ct.Rating.EXCELLENT),  # 1 delay
        # 76.0 points is HTTNV, but the unit's band (62.5: Trung bình) caps it at HTNV
        ("oold", 25, 25 + 70 * (0.75 + 0.75 + (2 + 0.75) / 4) / 3, ct.Rating.COMPLETED),
        ("eeoo", 30, 30 + 70 * (1 + 0.75 + 1) / 3, ct.Rating.EXCELLENT),  # 2 errors: −50%
        ("dddo", 20, 20 + 70 * 0.25, ct.Rating.NOT_COMPLETED),
    ],
)
def test_decree335_score(letters: str, general: float, points: float, rating: ct.Rating) -> None:
    tr = office(letters)
    tr.record_assessment(person="h", year=2026, general_points=general, by="Chủ tịch UBND")
    r = tr.evaluate(2026).leaders["h"]
    score = r.reasons[-1].text
    assert f"= {points:.1f} points" in str(score)
    comma = f"{points:.1f}".replace(".", ",")
    assert r.base is not None
    assert render(score, "vi").startswith(f"{r.base.code}: tiêu chí chung {general:g} điểm + ")
    assert f"= {comma} điểm (HTXSNV từ 90 điểm, HTTNV từ 70 điểm, HTNV từ 50 điểm)" in render(
        score, "vi"
    )
    assert r.rating is rating


def test_the_unit_factor_halves_when_a_subordinate_head_fails() -> None:
    tr = office("oooo", sub="dddd")
    tr.record_assessment(person="h", year=2026, general_points=30)
    tr.record_assessment(person="hs", year=2026, general_points=20)
    ev = tr.evaluate(2026)
    assert ev.leaders["hs"].rating is ct.Rating.NOT_COMPLETED
    head = ev.leaders["h"]
    assert "unit factor 50%" in str(head.reasons[2].text)
    assert "= 82.5 points" in str(head.reasons[-1].text)  # 30 + 70 × (0.5 + 0.5 × 0.5)
    assert render(head.reasons[2].text, "vi").startswith(
        "hệ số kết quả hoạt động của đơn vị 50%, theo xếp loại cuối cùng đã biết của 1 công "
        "chức thuộc quyền quản lý (KHTNV: Trần Thị B)"
    )
    assert head.rating is ct.Rating.GOOD


def test_discipline_under_decree335_is_khtnv() -> None:
    tr = office("oooo")
    tr.record_assessment(person="h", year=2026, general_points=30)
    tr.discipline(person="h", on=D(2026, 5, 1), reason="Vi phạm", form="Khiển trách")
    r = tr.evaluate(2026).leaders["h"]
    # Case (c) needs a duty-related sanction at reprimand or above: not recorded here.
    assert r.rating is ct.Rating.EXCELLENT and not r.caps
    assert "duty relation not recorded [I]" in str(r.reasons[-1].text)
    assert render(r.reasons[-1].text, "vi") == (
        "quyết định kỷ luật ngày 01/05/2026 không tính vào trường hợp (c): chưa ghi nhận hình "
        "thức kỷ luật, chưa ghi nhận vi phạm có liên quan đến thực thi công vụ hay không [I]"
    )
    tr.discipline(
        person="h",
        on=D(2026, 6, 1),
        reason="Chậm giải quyết hồ sơ",
        level="khiển trách",
        duty_related=True,
    )
    r = tr.evaluate(2026).leaders["h"]
    assert r.rating is ct.Rating.NOT_COMPLETED
    assert r.caps[0].reason.rule == "decree335.discipline"
    cap = r.caps[0].reason.text
    assert "(khiển trách), for a violation related to official duties" in str(cap)
    assert render(cap, "vi") == (
        "bị kỷ luật ngày 01/06/2026 (hình thức khiển trách) do vi phạm liên quan đến thực thi "
        "nhiệm vụ, công vụ: Chậm giải quyết hồ sơ"
    )
    with pytest.raises(ct.ValidationError, match="Discipline.level"):
        tr.discipline(person="h", on=D(2026, 6, 1), reason="x", level="nhắc nhở")


def test_a_unit_sanctioned_for_corruption_makes_its_responsible_heads_khtnv() -> None:
    """Decree 335/2025, KHTNV case (d): a unit under the head's direct responsibility
    (their own, or one under it) sanctioned for embezzlement, corruption or waste."""
    tr = office("oooo", sub="oooo")
    for person in ("h", "hs"):
        tr.record_assessment(person=person, year=2026, general_points=30)
    assert tr.evaluate(2026).leaders["h"].rating is ct.Rating.EXCELLENT
    earlier = tr.record_sanction("s", D(2025, 12, 20), "waste", document="QĐ 12/QĐ-UBND")
    assert earlier.id == "s@2025-12-20#waste"  # of another year: nothing changes in 2026
    assert tr.evaluate(2026).leaders["h"].rating is ct.Rating.EXCELLENT
    tr.record_sanction("s", D(2026, 9, 1), "corruption", document="QĐ 7/QĐ-UBND")
    before = tr.evaluate(2026, as_of=D(2026, 8, 31))  # not decided yet on that day
    assert before.leaders["h"].rating is not ct.Rating.NOT_COMPLETED
    ev = tr.evaluate(2026)
    for person in ("h", "hs"):  # the head above and the unit's own head
        r = ev.leaders[person]
        assert r.rating is ct.Rating.NOT_COMPLETED
        (cap,) = [c for c in r.caps if c.reason.rule == "decree335.sanctioned-unit"]
        text = str(cap.reason.text)
        assert "unit Tổ một cửa" in text and "corruption on 2026-09-01" in text
        assert "QĐ 7/QĐ-UBND" in text
        assert "hành vi tham nhũng ngày 01/09/2026 (QĐ 7/QĐ-UBND)" in render(cap.reason.text, "vi")
        assert cap.reason.source.endswith("(KHTNV, trường hợp d)")
    assert [x.kind for x in tr.sanctions(unit="s")] == ["waste", "corruption"]
    assert [x.kind for x in tr.sanctions(year=2026)] == ["corruption"]


def test_a_sanction_is_checked_and_a_bad_one_changes_nothing() -> None:
    tr = office("oooo")
    for call, field in (
        (lambda: tr.record_sanction("u", D(2026, 3, 1), "bribery"), "UnitSanction.kind"),
        (lambda: tr.record_sanction("nowhere", D(2026, 3, 1)), "UnitSanction.unit"),
        (lambda: tr.record_sanction("u", D(2019, 3, 1)), "UnitSanction.on"),
    ):
        seq = tr.seq
        with pytest.raises(ct.CchcError, match=field):
            call()
        assert tr.seq == seq and tr.sanctions() == []


def test_a_sanction_does_not_touch_a_decree90_year() -> None:
    tr = office("oooo", 2024)
    tr.record_sanction("u", D(2024, 9, 1))
    r = tr.evaluate(2024).leaders["h"]
    assert not [c for c in r.caps if c.reason.rule == "decree335.sanctioned-unit"]


def test_a_violation_already_rated_khtnv_is_not_counted_twice() -> None:
    """Decree 48/2023: the year after a KHTNV rating for it, the decision does not count."""
    tr = office("xxoo", 2024)
    tr.record_rating("h", 2023, "KHTNV", by="UBND tỉnh")
    tr.discipline(person="h", on=D(2024, 2, 1), reason="Vi phạm 2023", violation_year=2023)
    assert tr.evaluate(2024).leaders["h"].rating is ct.Rating.EXCELLENT
    tr.discipline(person="h", on=D(2024, 3, 1), reason="Vi phạm mới")
    r = tr.evaluate(2024).leaders["h"]
    assert r.rating is ct.Rating.NOT_COMPLETED and len(r.caps) == 1
    assert r.caps[0].reason.source.endswith("sửa đổi bởi Nghị định 48/2023/NĐ-CP")
    # Before 15/9/2023 Decree 48 is not cited.
    early = office("xxoo", 2023)
    early.discipline(person="h", on=D(2023, 2, 1), reason="Vi phạm")
    cap = early.evaluate(2023, as_of=D(2023, 6, 30)).leaders["h"].caps[0]
    assert cap.reason.rule == "decree90.discipline" and "48/2023" not in cap.reason.source


def test_the_htxsnv_quota_is_reported_with_names_not_applied() -> None:
    tr = ct.Tracker.memory(load_entrypoints=False)
    tr.add_unit(ct.Unit(id="top", name="UBND tỉnh", kind="province"))
    tr.add_plan(
        ct.Plan(id="kh", title="Kế hoạch", unit="top", start=D(2026, 1, 1), end=D(2030, 12, 31))
    )
    for i in range(3):
        uid = f"s{i}"
        tr.add_unit(ct.Unit(id=uid, name=f"Sở {i}", kind="agency", parent="top"))
        tr.add_person(ct.Person(id=f"h{i}", name=f"Giám đốc {i}", unit=uid))
        tr.appoint_head(unit=uid, person=f"h{i}", start=D(2026, 1, 1))
        tr.add_task(ct.Task(id=f"t{i}", plan="kh", title="x", unit=uid, due=D(2026, 3, 1)))
        tr.complete_task(f"t{i}", on=D(2026, 3, 1))
        tr.record_assessment(person=f"h{i}", year=2026, general_points=30 if i < 2 else 10)
    ev = tr.evaluate(2026)
    assert [ev.leaders[f"h{i}"].rating for i in range(3)] == [
        ct.Rating.EXCELLENT,
        ct.Rating.EXCELLENT,
        ct.Rating.GOOD,
    ]
    quotas = [r for r in ev.recommendations if r.kind == "quota"]
    # Per agency (under "top") and per group with similar tasks (heads of agencies).
    assert [(q.subject, q.subject_kind) for q in quotas] == [("top", "unit"), ("agency", "group")]
    assert all("Giám đốc 0, Giám đốc 1" in str(q.reason.text) for q in quotas)
    assert "2 rated HTXSNV under UBND tỉnh, more than 20% of the 1 rated HTTNV" in str(
        quotas[0].reason.text
    )
    assert "rounding 'floor'" in str(quotas[0].reason.text)
    assert render(quotas[0].reason.text, "vi") == (
        "2 người được xếp loại HTXSNV thuộc UBND tỉnh, vượt tỷ lệ 20% so với số người được xếp "
        "loại HTTNV (1 người; tối đa 0 người, làm tròn xuống): Giám đốc 0, Giám đốc 1; cấp có "
        "thẩm quyền xem xét, quyết định"
    )
    assert "trong nhóm người đứng đầu cơ quan chuyên môn" in render(quotas[1].reason.text, "vi")


def test_record_assessment_checks_points_and_person() -> None:
    tr = office("o")
    with pytest.raises(ct.ValidationError, match="general_points"):
        tr.record_assessment(person="h", year=2026, general_points=31)
    with pytest.raises(ct.NotFoundError, match="Assessment.person"):
        tr.record_assessment(person="ghost", year=2026, general_points=20)
    tr.record_assessment(person="h", year=2026, general_points=20)
    tr.record_assessment(person="h", year=2026, general_points=22)  # a correction
    assert [a.general_points for a in tr.assessments(person="h")] == [22]


# --- the CCHC→head link ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("letters", "band", "cap"),
    [
        ("oooooooold", ct.Band.GOOD, None),
        ("ooold", ct.Band.FAIR, ct.Rating.GOOD),
        ("oold", ct.Band.AVERAGE, ct.Rating.COMPLETED),
        ("oddd", ct.Band.WEAK, ct.Rating.NOT_COMPLETED),
    ],
)
def test_the_units_band_caps_its_head(letters: str, band: ct.Band, cap: ct.Rating | None) -> None:
    ev = office(letters, 2024).evaluate(2024)
    assert ev.units["u"].band is band
    link_caps = [c for c in ev.leaders["h"].caps if c.reason.rule == "cchc_link.band"]
    base = ev.leaders["h"].base
    assert base is not None
    if cap is None or cap > base:
        assert link_caps == []
    else:
        assert [c.rating for c in link_caps] == [cap]
        text, score = link_caps[0].reason.text, ev.units["u"].score
        assert f"the unit's CCHC band is {band_label(band, 'en')}" in str(text)
        assert render(text, "vi") == (
            f"kết quả CCHC của đơn vị xếp loại {band_label(band, 'vi')} "
            f"({number_text(score, 'vi')} điểm): chỉ được xếp loại tối đa {cap.code}"
        )


def test_a_failed_target_caps_the_head_at_httnv() -> None:
    tr = office("xxoo", 2024)
    tr.add_target(
        ct.Target(
            id="sipas",
            plan="kh",
            unit="u",
            indicator="SIPAS",
            rule=ct.above(90),
            title="SIPAS trên 90%",
        )
    )
    tr.record_result(ct.Result(indicator="SIPAS", unit="u", year=2024, value=88.0))
    r = tr.evaluate(2024).leaders["h"]
    assert r.base is ct.Rating.EXCELLENT and r.rating is ct.Rating.GOOD
    assert "target SIPAS trên 90% failed in 2024" in str(r.caps[0].reason.text)
    assert render(r.caps[0].reason.text, "vi") == (
        "đơn vị không đạt mục tiêu “SIPAS trên 90%” năm 2024: chỉ được xếp loại tối đa HTTNV"
    )


# --- configuration ---------------------------------------------------------------------------


def test_configuration_from_a_toml_file_with_year_overrides(tmp_path: Path) -> None:
    path = tmp_path / "dong-thap.toml"
    path.write_text(
        'province = "Đồng Tháp"\n'
        "[bands]\nexcellent = 95\n"
        '[cchc_link.band_caps]\n"Khá" = "HTNV"\n"Yếu" = ""\n'
        "[years.2025.bands]\ngood = 85\n",
        encoding="utf-8",
    )
    tr = ct.Tracker.memory(config=path)
    assert tr.config(2024).bands.good == 80 and tr.config(2025).bands.good == 85
    assert tr.config(2024).bands.excellent == 95
    caps = tr.config(2024).cchc_link.band_caps
    assert caps[ct.Band.FAIR] is ct.Rating.COMPLETED
    assert caps[ct.Band.WEAK] is None  # "" lifts the cap
    assert caps[ct.Band.AVERAGE] is ct.Rating.COMPLETED  # the rest of the table stays
    assert tr.config(2024).province == "Đồng Tháp"


def test_configuration_from_json(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"decree90": {"good_on_time_share": 0.9}}), encoding="utf-8")
    assert ct.Tracker.memory(config=path).config(2024).decree90.good_on_time_share == 0.9


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ({"bandz": {"good": 80}}, ["bandz", "known section"]),
        ({"bands": {"godo": 80}}, ["bands.godo"]),
        ({"bands": {"good": "eighty"}}, ["bands.good", "eighty"]),
        ({"bands": {"good": 60, "fair": 70}}, ["falling"]),
        ({"decree90": {"good_on_time_share": 1.5}}, ["decree90.good_on_time_share", "1.5"]),
        ({"cchc_link": {"failed_target_cap": "GOOD-ish"}}, ["failed_target_cap"]),
        ({"years": {"next": {}}}, ["years.next"]),
        ({"years": {"2026": {"decree335": {"combine_weights": [1, 1]}}}}, ["combine_weights"]),
    ],
)
def test_bad_configuration_names_the_entry(config: dict[str, object], words: list[str]) -> None:
    with pytest.raises(ct.ValidationError) as info:
        ct.Tracker.memory(config=config)
    for word in words:
        assert word in str(info.value)


def test_bad_files_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "broken.toml"
    bad.write_text("[bands\n", encoding="utf-8")
    with pytest.raises(ct.ValidationError, match="broken.toml"):
        ct.Tracker.memory(config=bad)
    typo = tmp_path / "typo.toml"
    typo.write_text("[bands]\ngoood = 1\n", encoding="utf-8")
    with pytest.raises(ct.ValidationError, match=r"typo.toml: bands.goood"):
        ct.Tracker.memory(config=typo)
    with pytest.raises(ct.ValidationError, match="toml or .json"):
        ct.Tracker.memory(config=tmp_path / "x.yaml")


class Preset:
    """A province preset plugin: its numbers sit under the tracker's own file."""

    @ct.hookimpl
    def cchc_config(self) -> dict[str, object]:
        return {"bands": {"excellent": 90, "good": 75}, "my_province": {"quota": 3}}


def test_a_plugin_provides_configuration_under_the_trackers_own() -> None:
    tr = ct.Tracker.memory(plugins=[Preset()], config={"bands": {"good": 78}})
    cfg = tr.config(2024)
    assert (cfg.bands.excellent, cfg.bands.good) == (90, 78)
    assert cfg.section("my_province") == {"quota": 3}
    with pytest.raises(ct.ValidationError, match="known section"):
        ct.Tracker.memory(config={"my_province": {"quota": 3}})  # no plugin declares it


def test_configured_thresholds_change_the_evaluation() -> None:
    plain = office("oooooooold", 2024).evaluate(2024)  # 85 points
    strict = office("oooooooold", 2024, config={"bands": {"good": 90, "fair": 85}})
    assert plain.units["u"].band is ct.Band.GOOD
    assert strict.evaluate(2024).units["u"].band is ct.Band.FAIR
    assert strict.evaluate(2024).config.bands.good == 90


@given(
    st.lists(st.sampled_from("oxld"), min_size=1, max_size=6),
    st.integers(0, 30),
    st.sampled_from(["decree90", "decree335"]),
)
def test_more_overdue_never_improves_a_rating_under_either_rule_set(
    letters: list[str], general: int, ruleset: str
) -> None:
    """Property: replacing a task's result by 'overdue' never gives a better rating."""

    def rate(chars: str) -> tuple[ct.Rating, ct.Rating]:
        tr = office(chars)
        tr.record_assessment(person="h", year=2026, general_points=general)
        r = tr.evaluate(2026, ruleset=ruleset).leaders["h"]
        if r.undecided is not None:  # decree90 between the KHTNV and HTNV lines
            return r.undecided
        assert r.rating is not None
        return r.rating, r.rating

    better = rate("".join(letters))
    worse = rate("".join(letters[:-1]) + "d")
    assert worse[0] <= better[0] and worse[1] <= better[1]


def test_settings_are_reusable_across_trackers() -> None:
    settings = load_settings({"bands": {"good": 81}})
    assert ct.Tracker.memory(config=settings).config(2030).bands.good == 81


@given(
    st.lists(st.sampled_from("oxlde"), min_size=0, max_size=6),
    st.lists(st.sampled_from("oxlde"), min_size=0, max_size=4),
    st.integers(0, 30),
    st.sampled_from(["decree90", "decree335"]),
    st.booleans(),
)
def test_every_rating_below_htxsnv_names_the_rule_that_lowered_it(
    letters: list[str], sub: list[str], general: int, ruleset: str, disciplined: bool
) -> None:
    """Property: a head rated below HTXSNV always has a reason from the rule that put
    them there: the base rule's verdict on the higher levels, or a cap."""
    tr = office("".join(letters), sub="".join(sub))
    for person in ("h", "hs"):
        tr.record_assessment(person=person, year=2026, general_points=general)
    if disciplined:
        tr.discipline(person="h", on=D(2026, 2, 1), reason="Vi phạm")
    for r in tr.evaluate(2026, ruleset=ruleset).ratings:
        if r.rating is None or r.rating is ct.Rating.EXCELLENT:
            continue
        rules = [x.rule for x in r.reasons] + [c.reason.rule for c in r.caps]
        lowered_by_cap = any(c.rating == r.rating for c in r.caps)
        lowered_by_base = any(rule in ("decree90.excellent", "decree335.score") for rule in rules)
        assert lowered_by_cap or lowered_by_base, rules
        if r.base is not None and r.rating < r.base:
            assert r.caps and min(c.rating for c in r.caps) == r.rating


def test_assessments_survive_a_reopen(tmp_path: Path) -> None:
    with ct.Tracker.open(tmp_path / "s", load_entrypoints=False) as tr:
        tr.add_unit(ct.Unit(id="u", name="Phòng", kind="agency"))
        tr.add_person(ct.Person(id="h", name="Nguyễn Văn A", unit="u"))
        tr.record_assessment(person="h", year=2026, general_points=27.5, by="Chủ tịch")
    with ct.Tracker.open(tmp_path / "s", load_entrypoints=False) as tr:
        (a,) = tr.assessments(year=2026)
        assert (a.person, a.general_points, a.by) == ("h", 27.5, "Chủ tịch")


def test_failed_targets_can_cap_nothing() -> None:
    tr = office("xxoo", 2024, config={"cchc_link": {"failed_target_cap": ""}})
    tr.add_target(ct.Target(id="sipas", plan="kh", unit="u", indicator="SIPAS", rule=ct.above(90)))
    tr.record_result(ct.Result(indicator="SIPAS", unit="u", year=2024, value=88.0))
    assert tr.evaluate(2024).leaders["h"].rating is ct.Rating.EXCELLENT


def test_the_unit_factor_reads_final_ratings_and_recorded_staff_ratings() -> None:
    """Decree 335: the factor looks at the *final* rating of every managed civil servant
    known: a subordinate head capped at KHTNV counts, and so does a staff rating."""
    tr = office("oooo", sub="llld", config={"cchc_link": {"band_caps": {"Yếu": "KHTNV"}}})
    tr.record_assessment(person="h", year=2026, general_points=30)
    tr.record_assessment(person="hs", year=2026, general_points=30)
    ev = tr.evaluate(2026)
    sub = ev.leaders["hs"]
    assert sub.base is not ct.Rating.NOT_COMPLETED and sub.rating is ct.Rating.NOT_COMPLETED
    assert "unit factor 50%" in str(ev.leaders["h"].reasons[2].text)
    assert "weighing 50% of the task part [I]" in str(ev.leaders["h"].reasons[2].text)
    plain = office("oooo")
    plain.record_assessment(person="h", year=2026, general_points=30)
    plain.add_person(ct.Person(id="cv", name="Chuyên viên", unit="u"))
    assert "unit factor 100%" in str(plain.evaluate(2026).leaders["h"].reasons[2].text)
    plain.record_rating("cv", 2026, ct.Rating.NOT_COMPLETED, by="Trưởng phòng")
    assert "(KHTNV: Chuyên viên)" in str(plain.evaluate(2026).leaders["h"].reasons[2].text)


def test_a_recorded_official_rating_is_shown_next_to_the_computed_one() -> None:
    tr = office("oooo")
    tr.record_assessment(person="h", year=2026, general_points=30)
    tr.record_rating("h", 2026, "HTNV", by="Hội đồng")
    ev = tr.evaluate(2026)
    r = ev.leaders["h"]
    assert r.recorded is ct.Rating.COMPLETED and r.rating is not ct.Rating.COMPLETED
    assert "recorded official rating: HTNV (DIFFERS from the computed rating)" in ev.explain(
        "h", "en"
    )
    with pytest.raises(ct.ValidationError, match="PersonRating.rating"):
        tr.record_rating("h", 2026, "A+")
