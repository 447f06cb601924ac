"""One test per hook: a small plugin implements it and the test shows its effect.

``test_every_hook_has_a_test_here`` keeps it that way: a new hook without its own
``test_hook_<name>`` fails the suite.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Sequence
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

import cchc_tasks as ct
from cchc_tasks import hookspecs, labels
from cchc_tasks.i18n import Message, catalog_problems, find_message, registered_domains

D = dt.date


def tracker(*plugins: object) -> ct.Tracker:
    tr = ct.Tracker.memory(plugins=plugins, load_entrypoints=False)
    tr.add_unit(ct.Unit(id="top", name="UBND huyện", kind="district"))
    tr.add_unit(ct.Unit(id="a", name="Phòng A", kind="agency", parent="top"))
    tr.add_unit(ct.Unit(id="b", name="Phòng B", kind="agency", parent="top"))
    tr.add_plan(
        ct.Plan(id="kh", title="Kế hoạch", unit="top", start=D(2021, 1, 1), end=D(2030, 12, 31))
    )
    for uid, done in (("top", D(2024, 3, 1)), ("a", D(2024, 3, 1)), ("b", D(2024, 5, 1))):
        tr.add_person(ct.Person(id=f"h-{uid}", name=f"Trưởng {uid}", unit=uid))
        tr.appoint_head(unit=uid, person=f"h-{uid}", start=D(2020, 1, 1))
        tr.add_task(
            ct.Task(
                id=f"t-{uid}",
                plan="kh",
                title="Nhiệm vụ",
                unit=uid,
                due=D(2024, 3, 31),
                assignee=f"h-{uid}",
            )
        )
        tr.complete_task(f"t-{uid}", on=done, exceeded=True)
    return tr


def test_every_hook_has_a_test_here() -> None:
    hooks = [
        name
        for name, _ in inspect.getmembers(hookspecs, inspect.isfunction)
        if name.startswith("cchc_")
    ]
    tests = {name for name in globals() if name.startswith("test_hook_")}
    assert hooks, "no hooks found"
    missing = [h for h in hooks if f"test_hook_{h}" not in tests]
    assert missing == []
    assert sorted(hooks) == sorted(hookspecs.__all__)


class TwoYearRule:
    @ct.hookimpl
    def cchc_rulesets(self) -> list[ct.RuleSet]:
        return [
            ct.RuleSet(
                "pilot",
                "Thí điểm của tỉnh",
                effective_from=D(2024, 1, 1),
                effective_to=D(2024, 12, 31),
            )
        ]

    @ct.hookimpl
    def cchc_leader_base_rating(self, head: ct.HeadFacts, ruleset: str) -> ct.RatingDecision | None:
        if ruleset != "pilot":
            return None
        rating = ct.Rating.GOOD if head.unit.facts.on_time else ct.Rating.COMPLETED
        return ct.RatingDecision(rating, (ct.Reason("pilot.base", "pilot rule"),))


def test_hook_cchc_rulesets() -> None:
    """A newer rule set in force wins by effective date; others stay selectable."""
    tr = tracker(TwoYearRule())
    assert tr.evaluate(2024).ruleset.name == "pilot"  # type: ignore[union-attr]
    assert tr.evaluate(2023).ruleset.name == "decree90"  # type: ignore[union-attr]
    assert "pilot" in [rs.name for rs in tr.rulesets()]


def test_hook_cchc_leader_base_rating() -> None:
    ev = tracker(TwoYearRule()).evaluate(2024)
    assert ev.leaders["h-a"].rating is ct.Rating.GOOD
    assert ev.leaders["h-a"].reasons[0].rule == "pilot.base"
    assert tracker().evaluate(2024).leaders["h-a"].rating is ct.Rating.EXCELLENT


class NoExcellence:
    @ct.hookimpl
    def cchc_leader_caps(self, head: ct.HeadFacts, ruleset: str) -> list[ct.Cap]:
        return [ct.Cap(ct.Rating.GOOD, ct.Reason("province.no-excellence", "no HTXSNV"))]


def test_hook_cchc_leader_caps() -> None:
    r = tracker(NoExcellence()).evaluate(2024).leaders["h-a"]
    assert (r.base, r.rating) == (ct.Rating.EXCELLENT, ct.Rating.GOOD)
    assert r.caps[0].reason.rule == "province.no-excellence"


class CatalogedCap:
    """A province's cap whose reason is a message of the plugin's own catalogs."""

    def __init__(self, localedir: Path) -> None:
        self.localedir = localedir

    @ct.hookimpl
    def cchc_message_catalogs(self) -> list[tuple[str, Path]]:
        return [("province_rules", self.localedir)]

    @ct.hookimpl
    def cchc_leader_caps(self, head: ct.HeadFacts, ruleset: str) -> list[ct.Cap]:
        text = Message("no-excellence", {"share": 12.5}, domain="province_rules")
        return [ct.Cap(ct.Rating.GOOD, ct.Reason("province.no-excellence", text))]


def write_catalogs(folder: Path, domain: str, texts: dict[str, tuple[str, str]]) -> None:
    for index, lang in enumerate(("vi", "en")):
        catalog = Catalog(locale=lang, domain=domain)
        for id, words in texts.items():
            catalog.add(id, words[index])
        out = folder / lang / "LC_MESSAGES"
        out.mkdir(parents=True)
        with (out / f"{domain}.po").open("wb") as po, (out / f"{domain}.mo").open("wb") as mo:
            write_po(po, catalog)
            write_mo(mo, catalog)


def test_hook_cchc_message_catalogs(tmp_path: Path) -> None:
    texts = {
        "no-excellence": ("tỉnh chưa xét HTXSNV ({share}%)", "no HTXSNV this year ({share}%)"),
        "recommendation.province-review": ("Tỉnh rà soát", "Province review"),
    }
    write_catalogs(tmp_path, "province_rules", texts)
    assert catalog_problems("province_rules", tmp_path) == []
    cap = tracker(CatalogedCap(tmp_path)).evaluate(2024).leaders["h-a"].caps[0]
    assert cap.reason.render("vi") == "tỉnh chưa xét HTXSNV (12,5%) [province.no-excellence]"
    assert str(cap.reason) == "no HTXSNV this year (12.5%) [province.no-excellence]"
    # A kind of the plugin's own is labelled by its catalog, found among every domain.
    assert registered_domains()[0] == "cchc_tasks" and "province_rules" in registered_domains()
    assert find_message("recommendation.province-review", "vi") == Message(
        "recommendation.province-review", domain="province_rules"
    )
    assert labels.recommendation_label("province-review", "vi") == "Tỉnh rà soát"
    assert labels.recommendation_label("province-review", "en") == "Province review"
    assert labels.recommendation_label("urge", "vi") == "Kiểm tra, đôn đốc"
    assert labels.recommendation_label("nobodys-kind", "vi") == "nobodys-kind"
    assert find_message("recommendation.nobodys-kind") is None


def test_hook_cchc_rule_kinds() -> None:
    """Covered in depth by test_plugins.test_a_plugin_rule_kind_is_stored_and_judged;
    here: the built-in kinds come through the hook like a plugin's."""
    answers = tracker().plugin_manager.hook.cchc_rule_kinds()
    kinds = [kind for answer in answers for kind in answer]
    assert {k.kind for k in kinds} >= {
        "growth",
        "rank_within",
        "above",
        "at_least",
        "any_of",
        "all_of",
        "milestones",
    }


class AllOnTime:
    @ct.hookimpl
    def cchc_task_outcomes(
        self, tasks: Sequence[ct.Task], as_of: dt.date
    ) -> dict[str, ct.TaskOutcome]:
        return {t.id: ct.TaskOutcome.ON_TIME for t in tasks if t.unit == "b"}


def test_hook_cchc_task_outcomes() -> None:
    assert tracker().evaluate(2024).units["b"].late == 1
    assert tracker(AllOnTime()).evaluate(2024).units["b"].on_time == 1


class Survey:
    @ct.hookimpl
    def cchc_unit_criteria(self, unit: ct.UnitFacts, year: int) -> list[ct.Criterion]:
        return [ct.Criterion("survey", "Khảo sát", 10, 40, "satisfaction 25%", "survey")]


def test_hook_cchc_unit_criteria() -> None:
    u = tracker(Survey()).evaluate(2024).units["a"]
    assert [c.id for c in u.criteria] == ["task-completion", "survey"]
    assert u.score == (100 + 10) / (100 + 40) * 100


class Lenient:
    @ct.hookimpl
    def cchc_unit_band(self, score: float) -> ct.Band:
        return ct.Band.EXCELLENT


def test_hook_cchc_unit_band() -> None:
    assert tracker(Lenient()).evaluate(2024).units["b"].band is ct.Band.EXCELLENT


class OneGroup:
    @ct.hookimpl
    def cchc_peer_group(self, unit: ct.Unit) -> str:
        return "everyone"


def test_hook_cchc_peer_group() -> None:
    plain = tracker().evaluate(2024).units
    assert (plain["top"].of, plain["a"].of) == (1, 2)
    grouped = tracker(OneGroup()).evaluate(2024).units
    assert {grouped[u].of for u in ("top", "a", "b")} == {3}


class Preset:
    @ct.hookimpl
    def cchc_config(self) -> dict[str, object]:
        return {"bands": {"good": 95, "fair": 90}}


def test_hook_cchc_config() -> None:
    assert tracker(Preset()).evaluate(2024).units["b"].band is ct.Band.AVERAGE  # 50 → TB


class Commend:
    @ct.hookimpl
    def cchc_recommendations(self, evaluation: ct.Evaluation) -> list[ct.Recommendation]:
        return [
            ct.Recommendation(
                "bằng-khen", r.person, "person", ct.Reason("province.commend", "HTXSNV")
            )
            for r in evaluation.ratings
            if r.rating is ct.Rating.EXCELLENT
        ]


def test_hook_cchc_recommendations() -> None:
    recs = tracker(Commend()).evaluate(2024).recommendations
    assert {r.subject for r in recs if r.kind == "bằng-khen"} == {"h-a"}


class Archive:
    def __init__(self) -> None:
        self.years: list[int] = []

    @ct.hookimpl
    def cchc_evaluation_finished(self, evaluation: ct.Evaluation) -> None:
        self.years.append(evaluation.year)


def test_hook_cchc_evaluation_finished() -> None:
    archive = Archive()
    tr = tracker(archive)
    tr.evaluate(2024)
    tr.evaluate(2023)
    assert archive.years == [2024, 2023]


class Log:
    def __init__(self) -> None:
        self.seen: list[tuple[str, dt.datetime]] = []

    @ct.hookimpl
    def cchc_task_changed(self, after: ct.Task | None, at: dt.datetime) -> None:
        assert after is not None
        self.seen.append((after.id, at))


def test_hook_cchc_task_changed() -> None:
    log = Log()
    tr = tracker(log)
    assert [tid for tid, _ in log.seen][:2] == ["t-top", "t-top"]
    assert all(at.tzinfo is not None for _, at in log.seen)
    tr.reopen_task("t-a")
    assert log.seen[-1][0] == "t-a"


class OnlyHeadsCancel:
    @ct.hookimpl
    def cchc_authorize(self, actor: str | None, action: str, tracker: ct.Tracker) -> bool:
        if action != "cancel_task":
            return True
        return actor is not None and bool(tracker.headships(person=actor))


def test_hook_cchc_authorize() -> None:
    """A refusal (``False``) stops the write before anything changes and names the actor,
    the action, the target and the plugin; see test_authorize.py for the rest."""
    tr = tracker(OnlyHeadsCancel())
    seq = tr.seq
    with pytest.raises(ct.PermissionDeniedError) as caught:
        tr.cancel_task("t-a", reason="trùng", actor="chuyen-vien")
    exc = caught.value
    assert (exc.actor, exc.action, exc.target.id) == ("chuyen-vien", "cancel_task", "t-a")
    assert exc.plugin == f"{__name__}.OnlyHeadsCancel"
    assert tr.seq == seq
    assert tr.cancel_task("t-a", reason="trùng", actor="h-a").status is ct.TaskStatus.CANCELLED
