"""The example plugins in plugins/, installed as distributions and loaded by entry point."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs
import pytest
from babel.messages.extract import extract_from_dir
from hypothesis import given
from hypothesis import strategies as st

import cchc_tasks as ct
from cchc_tasks import labels
from cchc_tasks.i18n import (
    Lang,
    Message,
    catalog_problems,
    has_message,
    register_catalog,
    render,
)

D = dt.date
PLUGINS = Path(__file__).resolve().parent.parent / "plugins"
#: The lines the overdue-alerts plugin appends to its file for :func:`alerted_store`, as
#: it wrote them when it rendered every reminder as soon as it made it.
REMINDER_LINES = Path(__file__).resolve().parent / "snapshots" / "overdue-reminders.jsonl"
EXAMPLES = ("cchc_dong_thap", "cchc_emulation", "cchc_overdue_alerts")


@pytest.fixture(autouse=True)
def _with_example_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CCHC_TASKS_DISABLE_PLUGINS", raising=False)


def plugin(tr: ct.Tracker, name: str) -> object:
    found = tr.plugin_manager.get_plugin(name)
    assert found is not None, f"{name} is not installed: run make test"
    return found


def demo(**kw: object) -> ct.Tracker:
    """The demo store with the example plugins enabled through its configuration."""
    tr = ct.Tracker.memory(**kw)  # type: ignore[arg-type]
    assert ct.examples.enable_example_plugins(tr) == ct.examples.EXAMPLE_PLUGINS
    ct.examples.tan_hong(tr)
    return tr


def test_all_three_load_through_the_entry_point_group() -> None:
    pm = ct.make_plugin_manager()
    versions = dict(ct.plugins.plugin_versions(pm))
    for name in ("cchc_dong_thap", "cchc_emulation", "cchc_overdue_alerts"):
        assert versions[name] == "0.1.0"


def test_they_can_be_disabled_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCHC_TASKS_DISABLE_PLUGINS", "cchc_dong_thap, cchc_emulation")
    pm = ct.make_plugin_manager()
    assert pm.get_plugin("cchc_dong_thap") is None
    assert pm.get_plugin("cchc_overdue_alerts") is not None


def test_dong_thap_preset_configures_and_ranks_communes_together() -> None:
    tr = demo()
    assert tr.config(2024).province == "Đồng Tháp"
    assert tr.config(2024).bands.excellent == 90
    ev = tr.evaluate(2024)
    communes = [u for u in ev.units.values() if u.unit.kind in ("commune", "town")]
    assert {u.of for u in communes if u.rank} == {len(communes)}  # one group of 9


def test_dong_thap_last_place_cap_reads_the_official_par_rank_as_province_policy() -> None:
    """The cap rests on the province's published PAR index rank, not on task completion
    among the units in the store, and cites province policy [I], not QĐ 1602."""
    tr = ct.Tracker.memory()
    tr.configure(plugins=["cchc_dong_thap"])
    tr.add_unit(ct.Unit(id="xa", name="UBND xã", kind="commune"))
    tr.add_person(ct.Person(id="h", name="Chủ tịch"))
    tr.appoint_head("xa", "h", dt.date(2020, 1, 1))
    tr.add_plan(
        ct.Plan(id="kh", title="KH", unit="xa", start=dt.date(2024, 1, 1),
                end=dt.date(2030, 12, 31))
    )  # fmt: skip
    tr.add_task(ct.Task(id="t", plan="kh", title="x", unit="xa", due=dt.date(2024, 3, 1)))
    tr.complete_task("t", on=dt.date(2024, 3, 1), exceeded=True)
    assert tr.evaluate(2024).leaders["h"].rating is ct.Rating.EXCELLENT
    tr.record_result(ct.Result(indicator="PAR_INDEX", unit="xa", year=2024, value=70.1,
                               rank=102, of=102, source="QĐ công bố (ví dụ)"))  # fmt: skip
    r = tr.evaluate(2024).leaders["h"]
    assert r.rating is ct.Rating.COMPLETED
    (cap,) = [c for c in r.caps if c.reason.rule == "dong_thap.last-place"]
    assert "official PAR index 2024 ranks last (102 of 102)" in str(cap.reason.text)
    assert render(cap.reason.text, "vi") == (
        "Chỉ số CCHC năm 2024 chính thức của đơn vị xếp cuối (102/102) (QĐ công bố (ví dụ)): "
        "chỉ được xếp loại tối đa HTNV, theo chính sách của tỉnh [I]"
    )
    assert "[I]" in cap.reason.source and "1602" not in cap.reason.source


def test_the_trackers_own_config_overrides_the_preset() -> None:
    tr = ct.Tracker.memory(config={"bands": {"excellent": 95}})
    tr.configure(plugins=["cchc_dong_thap"])
    assert tr.config(2024).bands.excellent == 95
    assert tr.config(2024).province == "Đồng Tháp"


def test_the_stores_config_sits_between_the_preset_and_the_trackers_own() -> None:
    tr = ct.Tracker.memory()
    tr.configure(plugins=["cchc_dong_thap"], config={"bands": {"excellent": 93}})
    assert tr.config(2024).bands.excellent == 93
    assert tr.config(2024).province == "Đồng Tháp"


def test_installed_plugins_take_no_part_until_the_store_enables_them() -> None:
    tr = ct.Tracker.memory()
    assert tr.config(2024).province == ""
    assert tr.plugin_manager.get_plugin("cchc_dong_thap") is None
    names = {p.name for p in ct.plugins.installed_plugins()}
    assert set(ct.examples.EXAMPLE_PLUGINS) <= names


def test_emulation_proposes_collectives_with_every_condition_listed() -> None:
    counts = {
        "years": {
            "2021": {
                "emulation": {
                    "units": {
                        "noi-vu": {"members": 10, "advanced": 8, "fighters": 1},
                    }
                }
            }
        }
    }
    tr = demo()
    tr.configure(config=counts)
    ev = tr.evaluate(2021)
    proposals = {r.subject: r for r in ev.recommendations if r.kind == "commendation-collective"}
    assert "noi-vu" in proposals
    text = str(proposals["noi-vu"].reason.text)
    assert "8 of 10 members" in text and "to confirm by the council" in text
    vi = render(proposals["noi-vu"].reason.text, "vi")
    assert vi.startswith("đề nghị tặng danh hiệu “Tập thể lao động xuất sắc”: (a) người đứng")
    assert "(c) 8/10 thành viên đạt danh hiệu Lao động tiên tiến (80%, yêu cầu 70%): Có" in vi
    assert labels.recommendation_label("commendation-collective", "vi") == (
        "Đề nghị tặng danh hiệu Tập thể lao động xuất sắc"
    )
    assert labels.recommendation_label("commendation-collective", "en") == (
        "Proposed title: Excellent Labour Collective"
    )
    assert "Luật Thi đua, khen thưởng 06/2022/QH15" in proposals["noi-vu"].reason.source
    for subject, rec in proposals.items():
        if subject != "noi-vu":
            assert "no member counts recorded" in str(rec.reason.text)


def test_overdue_alerts_write_reminders(tmp_path: Path) -> None:
    tr = demo()
    alerts = plugin(tr, "cchc_overdue_alerts")
    alerts.path = str(tmp_path / "reminders.jsonl")  # type: ignore[attr-defined]
    alerts.reminders.clear()  # type: ignore[attr-defined]
    task = (
        tr.tasks(unit="noi-vu", status="open")[0]
        if tr.tasks(unit="noi-vu", status="open")
        else tr.tasks(status="open")[0]
    )
    tr.update_task(task.id, due=task.due + dt.timedelta(days=10), note="Lùi thời hạn")
    ev = tr.evaluate(2022)
    kinds = [r["kind"] for r in alerts.reminders]  # type: ignore[attr-defined]
    assert "rescheduled" in kinds and "overdue" in kinds
    assert kinds.count("evaluation-overdue") == sum(u.overdue for u in ev.units.values())
    lines = (tmp_path / "reminders.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(kinds)
    assert json.loads(lines[0])["task"] == task.id
    moved = next(r for r in alerts.reminders if r["kind"] == "rescheduled")  # type: ignore[attr-defined]
    due = task.due + dt.timedelta(days=10)
    assert moved["text"] == (
        f"Thời hạn nhiệm vụ '{task.title}' được lùi từ {task.due:%d/%m/%Y} đến {due:%d/%m/%Y}"
    )
    assert moved["text_en"] == (
        f"The due date of task '{task.title}' moved from {task.due.isoformat()} to "
        f"{due.isoformat()}"
    )


def alerted_store(alerts: object) -> ct.Tracker:
    """A commune whose two tasks are saved open after their due dates (one by an actor,
    one with an assignee and a title with quotes), one moved later, and the year
    evaluated: reminders of each kind for the overdue-alerts plugin ``alerts``."""
    tr = ct.Tracker.memory(plugins=[alerts], load_entrypoints=False)
    tr.add_unit(ct.Unit(id="xa", name="UBND xã Tân Hộ Cơ", kind="commune"))
    tr.add_person(ct.Person(id="h", name="Chủ tịch", unit="xa"))
    tr.add_person(ct.Person(id="p", name="Công chức", unit="xa"))
    tr.appoint_head("xa", "h", D(2020, 1, 1))
    tr.add_plan(ct.Plan(id="kh", title="KH", unit="xa", start=D(2024, 1, 1), end=D(2030, 12, 31)))
    tr.add_task(
        ct.Task(id="t1", plan="kh", title="Rà soát thủ tục “một cửa”", unit="xa",
                due=D(2024, 3, 1), assignee="p"),
        actor="van-thu",
    )  # fmt: skip
    tr.add_task(ct.Task(id="t2", plan="kh", title="Số hoá hồ sơ", unit="xa", due=D(2024, 5, 15)))
    tr.update_task("t1", due=D(2024, 4, 10), actor="truong-phong")
    tr.evaluate(2024, as_of=D(2024, 12, 31))
    return tr


def as_lines(reminders: list[dict[str, object]]) -> list[str]:
    return [json.dumps(r, ensure_ascii=False, default=str) for r in reminders]


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The (message id, language) of every message of the overdue-alerts plugin rendered
    while the test runs."""
    from cchc_overdue_alerts import DOMAIN

    seen: list[tuple[str, str]] = []
    original = Message.render

    def render(self: Message, lang: Lang = "vi") -> str:
        if self.domain == DOMAIN:
            seen.append((self.id, lang))
        return original(self, lang)

    monkeypatch.setattr(Message, "render", render)
    return seen


def test_overdue_alerts_say_in_both_languages_what_they_said_when_rendered_at_once(
    tmp_path: Path,
) -> None:
    """With a file or without one, the reminders read (and the file's lines) are, key by
    key and in the same order, those the plugin made when it rendered every text at once:
    each kind in Vietnamese (``text``) and English (``text_en``)."""
    from cchc_overdue_alerts import OverdueAlerts

    expected = REMINDER_LINES.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["kind"] for line in expected] == (
        ["overdue"] * 3 + ["rescheduled"] + ["evaluation-overdue"] * 2
    )
    lazy = OverdueAlerts()
    alerted_store(lazy)
    assert as_lines(lazy.reminders) == expected
    written = OverdueAlerts(str(tmp_path / "reminders.jsonl"))
    alerted_store(written)
    assert (tmp_path / "reminders.jsonl").read_text(encoding="utf-8").splitlines() == expected
    assert as_lines(written.reminders) == expected
    moved = lazy.reminders[3]
    assert moved["text"] == (
        "Thời hạn nhiệm vụ 'Rà soát thủ tục “một cửa”' được lùi từ 01/03/2024 đến 10/04/2024"
    )
    assert moved["text_en"] == (
        "The due date of task 'Rà soát thủ tục “một cửa”' moved from 2024-03-01 to 2024-04-10"
    )


def test_overdue_alerts_render_a_reminder_when_it_is_read_and_only_once(
    renders: list[tuple[str, str]],
) -> None:
    from cchc_overdue_alerts import OverdueAlerts

    alerts = OverdueAlerts()
    alerted_store(alerts)
    # Registering the plugin with another tracker does not read its reminders either.
    ct.Tracker.memory(plugins=[alerts], load_entrypoints=False)
    assert renders == []
    first = alerts.reminders
    assert len(first) == 6
    assert sorted(renders) == sorted(
        (f"overdue_alerts.{r['kind']}", lang) for r in first for lang in ("vi", "en")
    )
    copy = [dict(r) for r in first]
    second = alerts.reminders
    assert second is first
    assert second == copy
    assert len(renders) == 12


def test_overdue_alerts_render_for_the_file_when_written_and_not_again_when_read(
    tmp_path: Path, renders: list[tuple[str, str]]
) -> None:
    from cchc_overdue_alerts import OverdueAlerts

    alerts = OverdueAlerts(str(tmp_path / "reminders.jsonl"))
    alerted_store(alerts)
    assert len(renders) == 12
    assert len(alerts.reminders) == 6
    assert len(renders) == 12


def test_overdue_alerts_reminders_may_be_appended_to_cleared_and_replaced() -> None:
    from cchc_overdue_alerts import OverdueAlerts

    alerts = OverdueAlerts()
    tr = alerted_store(alerts)
    alerts.reminders.clear()
    assert alerts.reminders == []
    alerts.reminders.append({"kind": "note"})
    tr.update_task("t2", due=D(2024, 6, 1))
    assert [r["kind"] for r in alerts.reminders] == ["note", "overdue", "rescheduled"]
    held = alerts.reminders
    tr.update_task("t2", title="Số hoá hồ sơ một cửa")
    assert alerts.reminders is held  # a list kept from before, with the newer one
    assert len(held) == 4
    tr.update_task("t2", title="Số hoá hồ sơ")
    alerts.reminders = []  # the one waiting goes with the list it would have joined
    assert alerts.reminders == []


@given(st.lists(st.sampled_from(["save", "move", "read", "clear", "append"]), max_size=25))
def test_overdue_alerts_read_late_equal_those_read_as_they_are_made(steps: list[str]) -> None:
    """Whenever the reminders are read, appended to or cleared, reading them late gives
    the list reading them after every reminder gives."""
    from cchc_overdue_alerts import DOMAIN, LOCALE_DIR, OverdueAlerts

    register_catalog(DOMAIN, LOCALE_DIR)
    late, early = OverdueAlerts(), OverdueAlerts()
    at = dt.datetime(2025, 1, 2, 8, 0)
    for n, step in enumerate(steps):
        task = ct.Task(id=f"t{n}", plan="kh", title=f"Nhiệm vụ {n}", unit="xa",
                       due=D(2024, 1 + n % 12, 10))  # fmt: skip
        for alerts in (late, early):
            if step == "save":
                alerts.cchc_task_changed(None, task, "van-thu", at)
            elif step == "move":
                later = attrs.evolve(task, due=task.due + dt.timedelta(days=n + 1))
                alerts.cchc_task_changed(task, later, None, at)
            elif step == "clear":
                alerts.reminders.clear()
            elif step == "append":
                alerts.reminders.append({"kind": "note", "n": n})
            elif step == "read":
                assert isinstance(alerts.reminders, list)
        assert isinstance(early.reminders, list)
    assert late.reminders == early.reminders


@pytest.mark.parametrize("name", EXAMPLES)
def test_each_plugins_catalogs_are_complete_and_cover_its_message_ids(name: str) -> None:
    """Each example plugin ships its own catalogs, declared by cchc_message_catalogs, in
    its package (package data), complete in both languages and compiled; every message id
    its code uses is in them."""
    tr = ct.Tracker.memory()
    tr.configure(plugins=[name])
    module = plugin(tr, name)
    answers = tr.plugin_manager.hook.cchc_message_catalogs()
    (domain, localedir) = next(pair for answer in answers for pair in answer if pair[0] == name)
    assert Path(localedir) == PLUGINS / name / name / "locale"
    assert catalog_problems(domain, localedir) == []
    keywords = {"Message": None, "_message": None, "_texts": None}
    used = {
        str(found[2])
        for found in extract_from_dir(str(PLUGINS / name), keywords=keywords, comment_tags=())
    }
    assert used, f"no message id found in {module}"
    for id in used:
        assert has_message(id, "vi", domain) and has_message(id, "en", domain), id
