"""The store's rule configuration in the journal: installed plugins are inert until the
store enables them, a missing one stops the evaluation, every evaluation says what
produced it, and the same store gives the same evaluation everywhere."""

from __future__ import annotations

import datetime as dt
import importlib.metadata as md
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cchc_tasks as ct
from tests.helpers import unchanged

D = dt.date
EXAMPLES = ct.examples.EXAMPLE_PLUGINS


def district(tr: ct.Tracker, done: list[int]) -> ct.Tracker:
    """A district, two communes with heads, a plan for 2024 and a task each; the communes'
    tasks done ``done[i]`` days after they fall due (negative: early)."""
    tr.add_unit(ct.Unit(id="huyen", name="UBND huyện", kind="district"))
    tr.add_plan(
        ct.Plan(id="kh", title="KH", unit="huyen", start=D(2024, 1, 1), end=D(2024, 12, 31))
    )
    for i, late in enumerate(done):
        uid = f"xa-{i}"
        tr.add_unit(ct.Unit(id=uid, name=f"UBND xã {i}", kind="commune", parent="huyen"))
        tr.add_person(ct.Person(id=f"p-{i}", name=f"Người {i}", unit=uid))
        tr.appoint_head(uid, f"p-{i}", start=D(2023, 1, 1))
        due = D(2024, 6, 28)
        tr.add_task(ct.Task(id=f"t-{i}", plan="kh", title="Việc", unit=uid, due=due))
        tr.complete_task(f"t-{i}", on=due + dt.timedelta(days=late))
        tr.record_result(ct.Result("SIPAS", uid, 2024, 80.0 + i, rank=i + 1, of=len(done)))
    return tr


def summary(ev: ct.Evaluation) -> dict[str, object]:
    return {
        "ratings": {r.person: r.code for r in ev.ratings},
        "scores": {u: r.score for u, r in ev.units.items()},
        "recommendations": [r.text for r in ev.recommendations],
        "plugins": [list(p) for p in ev.plugins],
        "configuration_seq": ev.configuration_seq,
    }


# -- configure and configuration ---------------------------------------------------------


def test_a_new_store_has_no_configuration() -> None:
    now = ct.Tracker.memory().configuration()
    assert (dict(now.plugins), dict(now.config), now.seq, now.at) == ({}, {}, 0, None)


def test_configure_is_a_journal_line_with_its_actor_and_note() -> None:
    tr = ct.Tracker.memory()
    tr.configure(plugins=["cchc_dong_thap"], actor="so-noi-vu", note="QĐ 12")
    tr.configure(config={"bands": {"excellent": 92}}, note="ngưỡng mới")
    now = tr.configuration()
    assert dict(now.plugins) == {"cchc_dong_thap": "0.1.0"}  # kept: plugins=None
    assert (now.seq, now.note, dict(now.config)) == (2, "ngưỡng mới", {"bands": {"excellent": 92}})
    history = tr.history("configuration")
    assert [(h.seq, h.actor, h.change.op) for h in history] == [
        (1, "so-noi-vu", "add"),
        (2, None, "update"),
    ]
    assert tr.as_of(1).config(2024).bands.excellent == 90  # the preset alone, then
    assert tr.config(2024).bands.excellent == 92


def test_configure_takes_a_toml_file(tmp_path: Path) -> None:
    path = tmp_path / "tinh.toml"
    path.write_text('province = "Tỉnh"\n[years.2025.bands]\ngood = 85\n', encoding="utf-8")
    tr = ct.Tracker.memory()
    tr.configure(config=path)
    assert tr.config(2025).bands.good == 85 and tr.config(2025).province == "Tỉnh"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "configure"),
        ({"plugins": ["cchc_dong_thapp"]}, "configure.plugins"),
        ({"plugins": "cchc_dong_thap"}, "configure.plugins"),
        ({"config": {"bandz": {"excellent": 1}}}, "bandz"),
        ({"config": {"bands": {"excellent": float("nan")}}}, "StoreConfiguration.config"),
        ({"config": {"emulation": {}}}, "emulation"),  # a section of a plugin not enabled
        ({"config": 42}, "configure.config"),
    ],
)
def test_a_bad_configuration_is_refused_and_changes_nothing(
    tmp_path: Path, kwargs: dict[str, object], field: str
) -> None:
    with ct.Tracker.open(tmp_path / "s") as tr:
        tr.add_unit(ct.Unit(id="huyen", name="UBND huyện", kind="district"))
        error = unchanged(tr, lambda: tr.configure(**kwargs), ct.ValidationError)  # type: ignore[arg-type]
        assert isinstance(error, ct.ValidationError) and field in error.field


def test_a_misspelt_plugin_gets_the_nearest_name() -> None:
    with pytest.raises(ct.ValidationError, match="did you mean 'cchc_dong_thap'"):
        ct.Tracker.memory().configure(plugins=["cchc_dong_tap"])


# -- installed is not enabled --------------------------------------------------------------


def test_installed_plugins_take_part_only_when_enabled(tmp_path: Path) -> None:
    with ct.Tracker.open(tmp_path / "s") as tr:
        district(tr, [0, 20])
        plain = tr.evaluate(2024)
        assert [n for n, _ in plain.plugins if not n.startswith("cchc_tasks.")] == []
        tr.configure(plugins=["cchc_dong_thap"])
        preset = tr.evaluate(2024)
    assert ("cchc_dong_thap", "0.1.0") in preset.plugins
    assert preset.config.province == "Đồng Tháp" and plain.config.province == ""
    with ct.Tracker.open(tmp_path / "s") as again:  # another tracker, the same rating
        assert summary(again.evaluate(2024)) == summary(preset)


def test_plugins_given_in_code_apply_to_that_tracker_and_show(tmp_path: Path) -> None:
    class Quiet:
        __version__ = "9.9"

        @ct.hookimpl
        def cchc_recommendations(self, evaluation: ct.Evaluation) -> list[ct.Recommendation]:
            return []

    with ct.Tracker.open(tmp_path / "s", plugins=[Quiet()]) as tr:
        district(tr, [0])
        names = dict(tr.evaluate(2024).plugins)
    assert any(n.endswith("Quiet") and v == "9.9" for n, v in names.items())
    with ct.Tracker.open(tmp_path / "s") as other:
        assert not any(n.endswith("Quiet") for n, _ in other.evaluate(2024).plugins)


# -- missing means error ---------------------------------------------------------------------


def test_a_missing_plugin_stops_the_evaluation_not_the_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ct.Tracker.open(tmp_path / "s") as tr:
        district(tr, [0])
        tr.configure(plugins=["cchc_dong_thap"])
    monkeypatch.setenv("CCHC_TASKS_DISABLE_PLUGINS", "cchc_dong_thap")
    with ct.Tracker.open(tmp_path / "s") as tr:
        assert [u.id for u in tr.units()] == ["huyen", "xa-0"]  # it reads
        with pytest.raises(ct.RuleError, match=r"cchc_dong_thap \(version 0\.1\.0 recorded\)"):
            tr.evaluate(2024)
        error = unchanged(
            tr, lambda: tr.add_person(ct.Person(id="x", name="X", unit="huyen")), ct.RuleError
        )
        assert isinstance(error, ct.RuleError) and error.plugin == "cchc_dong_thap"
        tr.configure(plugins=[])  # the way out: a new configuration
        assert tr.evaluate(2024).config.province == ""
    monkeypatch.delenv("CCHC_TASKS_DISABLE_PLUGINS")
    with ct.Tracker.open(tmp_path / "s", load_entrypoints=False) as tr:
        assert tr.evaluate(2024).config.province == ""


def test_a_plugin_not_installed_here_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    tr = ct.Tracker.memory()
    district(tr, [0])
    tr.configure(plugins=["cchc_emulation"])
    real = md.entry_points
    monkeypatch.setattr(
        md,
        "entry_points",
        lambda group: [ep for ep in real(group=group) if ep.name != "cchc_emulation"],
    )
    view = tr.as_of(tr.seq)  # a new session: it looks at what is installed now
    with pytest.raises(ct.RuleError, match="cchc_emulation .*which is not installed"):
        view.evaluate(2024)


# -- what produced an evaluation ---------------------------------------------------------


def test_every_evaluation_says_what_produced_it() -> None:
    tr = district(ct.Tracker.memory(), [0])
    tr.configure(plugins=["cchc_dong_thap"], config={"bands": {"excellent": 95}})
    ev = tr.evaluate(2024)
    line = ev.provenance("en")
    assert line.startswith("rule set decree90; plugins built-in rules ")
    assert "cchc_dong_thap 0.1.0" in line and f"store configuration of seq {tr.seq}" in line
    assert ev.configuration_seq == tr.seq
    assert ev.explain("p-0", "en").endswith(f"\n\nProduced by: {line}")
    assert ev.explain("xa-0", "en").endswith(f"\n\nProduced by: {line}")


# -- the same store, the same ratings ------------------------------------------------------

_EVALUATE = """
import json, sys
import cchc_tasks as ct
with ct.Tracker.open(sys.argv[1]) as tr:
    ev = tr.evaluate(2024)
    print(json.dumps({
        "ratings": {r.person: r.code for r in ev.ratings},
        "scores": {u: r.score for u, r in ev.units.items()},
        "recommendations": [r.text for r in ev.recommendations],
        "plugins": [list(p) for p in ev.plugins],
        "configuration_seq": ev.configuration_seq,
    }, sort_keys=True))
"""

configurations = st.fixed_dictionaries(
    {
        "plugins": st.lists(st.sampled_from(EXAMPLES), unique=True, max_size=2),
        "excellent": st.none() | st.integers(85, 99),
        "done": st.lists(st.integers(-10, 60), min_size=1, max_size=3),
    }
)


def _build(folder: Path, drawn: dict[str, object]) -> None:
    with ct.Tracker.open(folder) as tr:
        district(tr, drawn["done"])  # type: ignore[arg-type]
        config = {} if drawn["excellent"] is None else {"bands": {"excellent": drawn["excellent"]}}
        tr.configure(plugins=drawn["plugins"], config=config)  # type: ignore[arg-type]


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(drawn=configurations)
def test_a_store_opened_in_two_processes_gives_identical_evaluations(
    tmp_path_factory: pytest.TempPathFactory, drawn: dict[str, object]
) -> None:
    folder = tmp_path_factory.mktemp("store")
    _build(folder, drawn)
    answers = [
        subprocess.run(
            [sys.executable, "-c", _EVALUATE, str(folder)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for _ in range(2)
    ]
    assert answers[0] == answers[1]
    with ct.Tracker.open(folder) as tr:
        here = json.dumps(summary(tr.evaluate(2024)), sort_keys=True)
    assert json.loads(answers[0]) == json.loads(here)


@settings(max_examples=15, deadline=None)
@given(drawn=configurations, hidden=st.sets(st.sampled_from(EXAMPLES)))
def test_installing_an_unrelated_plugin_never_changes_an_evaluation(
    drawn: dict[str, object], hidden: set[str]
) -> None:
    """The same store with some example plugins it does not enable uninstalled: the same
    evaluation, to the last reason."""
    tr = district(ct.Tracker.memory(), drawn["done"])  # type: ignore[arg-type]
    config = {} if drawn["excellent"] is None else {"bands": {"excellent": drawn["excellent"]}}
    tr.configure(plugins=drawn["plugins"], config=config)  # type: ignore[arg-type]
    everything = tr.evaluate(2024, as_of=D(2024, 12, 31))
    unrelated = hidden - set(drawn["plugins"])  # type: ignore[arg-type]
    real = md.entry_points
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            md,
            "entry_points",
            lambda group: [ep for ep in real(group=group) if ep.name not in unrelated],
        )
        fewer = tr.as_of(tr.seq).evaluate(2024, as_of=D(2024, 12, 31))
    assert fewer == everything
