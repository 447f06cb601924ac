"""Notebook helpers: DataFrames of the demo, HTML views (snapshot, colours, escaping), charts.

The HTML snapshots live in tests/snapshots/; after a deliberate change to a view, rewrite
them with CCHC_UPDATE_SNAPSHOTS=1 and review the diff. They are taken of a hand-built
evaluation, so a change to the rules (or the demo data) does not move them: they test the
view, and the tests on the demo check that it holds for a real evaluation.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import unicodedata
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import matplotlib
import pandas as pd
import pytest

import cchc_tasks as ct
from cchc_tasks import charts
from cchc_tasks import notebook as nb
from cchc_tasks.examples import COMMUNES, NEW_COMMUNES, OFFICES

from .helpers import english_in

matplotlib.use("Agg")

D = dt.date
SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE_ENV = "CCHC_UPDATE_SNAPSHOTS"
YEAR_END = D(2025, 12, 31)


@pytest.fixture(scope="module")
def ev(demo: ct.Tracker) -> ct.Evaluation:
    return demo.evaluate(2025)


@pytest.fixture(scope="module")
def ev2024(demo: ct.Tracker) -> ct.Evaluation:
    """The last whole year of the district: every rating occurs (2025 straddles the reform
    of 1 July, and the heads of the old units, in the post six months, are not rated)."""
    return demo.evaluate(2024)


# --- DataFrames -------------------------------------------------------------------------------


def test_units_frame_has_one_row_per_unit_with_the_evaluation_numbers(ev: ct.Evaluation) -> None:
    df = ev.to_dataframe("units")
    assert list(df.columns) == [
        "unit",
        "name",
        "kind",
        "parent",
        "tasks",
        "on_time",
        "late",
        "overdue",
        "pending",
        "cancelled",
        "exceeded",
        "score",
        "band",
        "rank",
        "of",
    ]
    # province, district, the 19 under it, and the 4 communes formed on 1 July 2025
    assert df.shape == (2 + len(OFFICES) + len(COMMUNES) + len(NEW_COMMUNES), 15)
    by_unit = df.set_index("unit")
    for uid, u in ev.units.items():
        row = by_unit.loc[uid]
        assert (row["tasks"], row["on_time"], row["late"], row["overdue"]) == (
            u.facts.counted,
            u.on_time,
            u.late,
            u.overdue,
        )
        assert row["band"] == (None if u.band is None else u.band.value) or pd.isna(row["band"])
    assert by_unit.loc["thong-binh", "overdue"] == 3
    assert [by_unit.loc[uid, "rank"] for uid in ev.units if ev.units[uid].rank] == [
        u.rank for u in ev.units.values() if u.rank
    ]
    assert pd.isna(by_unit.loc["tinh-dong-thap", "score"])  # the province has no tasks
    assert df["band"].cat.ordered
    assert list(df["band"].cat.categories) == ["Yếu", "Trung bình", "Khá", "Tốt", "Xuất sắc"]
    assert str(df["rank"].dtype) == "Int64"
    assert df["unit"].iloc[0] == "tinh-dong-thap"  # report order: down the tree
    assert df["unit"].iloc[1] == "huyen"


def test_leaders_frame_rates_every_head_with_ordered_ratings(
    demo: ct.Tracker, ev2024: ct.Evaluation
) -> None:
    df = ev2024.to_dataframe("leaders")
    assert df.shape == (20, 12)
    assert list(df.columns[:4]) == ["person", "name", "unit", "unit_name"]
    assert Counter(df["rating"].astype(str)) == Counter(str(r.code) for r in ev2024.ratings)
    assert list(df["rating"].cat.categories) == ["KHTNV", "HTNV", "HTTNV", "HTXSNV"]
    assert df["rating"].cat.ordered
    assert df.sort_values("rating")["rating"].iloc[0] == "KHTNV"
    assert str(df["start"].dtype).startswith("datetime64")
    # 2022: the head of Phòng Tư pháp served four months and is not rated.
    ev2022 = demo.evaluate(2022)
    frame = ev2022.to_dataframe("leaders")
    unrated = frame[frame["rating"].isna()]
    assert list(unrated["unit"]) == ["tu-phap"]
    assert unrated["months"].iloc[0] < 6
    labelled = ev2022.to_dataframe("leaders", labels="vi")
    assert "Không xếp loại" in set(labelled["Xếp loại"])
    assert "Hoàn thành tốt nhiệm vụ" in set(labelled["Xếp loại"])
    # Labelled in Vietnamese, the rule set is its title and the reasons are Vietnamese;
    # without labels, the codes and English a program reads.
    assert set(labelled["Quy định đánh giá"].dropna()) == {
        "Nghị định 90/2020/NĐ-CP, sửa đổi bởi Nghị định 48/2023/NĐ-CP"
    }
    assert set(frame["ruleset"].dropna()) == {"decree90"}
    reasons = " ".join(labelled["Lý do"])
    assert "nhiệm vụ" in reasons and english_in(reasons) == []
    assert "tasks" in " ".join(frame["reason"])


def test_targets_and_recommendations_frames(ev: ct.Evaluation) -> None:
    targets = ev.to_dataframe("targets").set_index("target")
    communes = [f"par-{uid}" for uid, _, _ in NEW_COMMUNES]
    assert sorted(targets.index) == sorted(["dti", "papi", "par", "sipas", *communes])
    assert dict(targets["outcome"]) == {k: r.outcome.value for k, r in ev.targets.items()}
    assert targets.loc["sipas", "value"] == 90.0
    assert targets.loc["sipas", "previous"] == 92.6
    assert targets.loc["dti", "rank"] == 3
    assert targets.loc["par", "indicator"] == "PAR_INDEX"
    recs = ev.to_dataframe("recommendations")
    assert len(recs) == len(ev.recommendations)
    # 2025 rates every head on the year worked: commendations, a decision asked for an
    # undecided head, the HTXSNV quota checked.
    assert set(recs["kind"]) == {"commendation", "decide", "discipline-review", "quota", "urge"}
    urged = recs[recs["kind"] == "urge"]
    assert "UBND xã Thông Bình" in set(urged["name"])
    english = ev.to_dataframe("recommendations", labels="en")
    assert "Inspect and urge" in set(english["Kind"])


def test_tasks_of_an_evaluation_carry_their_outcomes(ev: ct.Evaluation) -> None:
    df = ev.to_dataframe("tasks")
    assert len(df) == sum(len(u.facts.tasks) for u in ev.units.values())
    assert set(df["year"]) == {2025}
    counts = Counter(df["outcome"])
    assert counts["overdue"] == sum(u.overdue for u in ev.units.values()) == 15
    overdue = df[df["outcome"] == "overdue"]
    assert (overdue["days_overdue"] > 0).all()
    assert df[df["outcome"] != "overdue"]["days_overdue"].isna().all()


def test_an_unknown_part_is_refused(ev: ct.Evaluation) -> None:
    with pytest.raises(ct.ValidationError, match="units, leaders, targets"):
        ev.to_dataframe("people")
    with pytest.raises(ct.ValidationError, match="'vi' or 'en'"):
        ev.to_dataframe("units", labels="fr")  # type: ignore[arg-type]


def test_labels_give_headers_and_values_for_people(ev: ct.Evaluation) -> None:
    vi = ev.to_dataframe("units", labels="vi")
    en = ev.to_dataframe("units", labels="en")
    assert list(vi.columns[:2]) == ["Mã đơn vị", "Đơn vị"]
    assert list(en.columns[:2]) == ["Unit id", "Unit"]
    assert vi.shape == en.shape == ev.to_dataframe("units").shape
    assert "Good" in set(en["Band"])
    assert "Tốt" in set(vi["Xếp loại"])


def test_tasks_frame_from_a_tracker_with_filters(demo: ct.Tracker) -> None:
    df = nb.tasks_frame(demo, unit="noi-vu", as_of=YEAR_END)
    tasks = demo.tasks(unit="noi-vu")
    assert len(df) == len(tasks)
    assert list(df["id"]) == [t.id for t in tasks]
    assert set(df["unit_name"]) == {"Phòng Nội vụ"}
    assert str(df["due"].dtype).startswith("datetime64")
    assert df["assignee_name"].notna().all()
    assert set(df["outcome"]) <= {"on_time", "late", "overdue", "cancelled"}
    whole = nb.tasks_frame(demo)
    assert len(whole) == len(demo.tasks())
    assert whole["outcome"].isna().all()  # no as_of, no outcome
    year = nb.tasks_frame(demo, due_from=D(2024, 1, 1), due_to=D(2024, 12, 31))
    assert set(year["year"]) == {2024}


def test_tasks_frame_from_a_list(demo: ct.Tracker) -> None:
    tasks = demo.overdue(YEAR_END)
    df = nb.tasks_frame(tasks, as_of=YEAR_END, labels="en")
    assert len(df) == len(tasks)
    assert set(df["Outcome"]) == {"Overdue"}
    with pytest.raises(ct.ValidationError, match="a Tracker when filters are given"):
        nb.tasks_frame(tasks, unit="noi-vu")
    empty = nb.tasks_frame([])
    assert empty.shape == (0, 19)


def test_task_list_is_a_sequence_that_shows_itself(demo: ct.Tracker) -> None:
    listed = nb.TaskList.of(demo, unit="thong-binh", as_of=YEAR_END)
    assert len(listed) == len(demo.tasks(unit="thong-binh"))
    assert listed[0] == demo.tasks(unit="thong-binh")[0]
    assert isinstance(listed[:3], nb.TaskList)
    assert len(listed[:3]) == 3
    assert listed.to_dataframe().shape == (len(listed), 19)
    html = listed._repr_html_()
    assert html.count("<tr>") == min(len(listed), nb.HTML_TASK_LIMIT) + 1
    assert "Quá hạn" in html
    everything = nb.TaskList.of(demo)._repr_html_()
    assert f"và {len(demo.tasks()) - nb.HTML_TASK_LIMIT} nhiệm vụ khác" in everything


def test_history_frame_of_a_task_and_of_the_journal() -> None:
    tr = _tiny()
    tr.complete_task("t1", D(2024, 7, 2), actor="p1", note="Xong")
    df = nb.history_frame(tr.history("t1"))
    assert list(df["op"]) == ["add", "update"]
    assert df["changed"].iloc[1] == "status, completed_on"
    assert df["actor"].iloc[1] == "p1"
    assert str(df["at"].dtype).startswith("datetime64") and "UTC" in str(df["at"].dtype)
    assert df["after"].iloc[1]["status"] == "done"
    journal = nb.history_frame(tr.entries())
    assert len(journal) == sum(len(e.changes) for e in tr.entries())
    assert list(nb.history_frame(tr.history("t1"), labels="vi")["Thao tác"]) == [
        "Thêm mới",
        "Sửa đổi",
    ]


def test_without_pandas_a_clear_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, ev: ct.Evaluation
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ct.CchcError, match=r"pip install cchc-tasks\[notebook\]"):
        ev.to_dataframe("units")
    assert "<table" in ev._repr_html_()  # HTML needs no pandas
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ct.CchcError, match=r"Charts need matplotlib.*cchc-tasks\[notebook\]"):
        nb.plot_ratings(ev)


def test_importing_the_library_imports_neither_pandas_nor_matplotlib() -> None:
    code = (
        "import sys, cchc_tasks, cchc_tasks.notebook, cchc_tasks.reports;"
        "print('pandas' in sys.modules, 'matplotlib' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "False"]


# --- HTML -------------------------------------------------------------------------------------


class _Cells(HTMLParser):
    """Every table cell: its text and its inline style."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[tuple[str, str]] = []
        self._style: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "td":
            self._style = dict(attrs).get("style") or ""
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._style is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._style is not None:
            self.cells.append(("".join(self._text), self._style))
            self._style = None


def _cells(html: str) -> list[tuple[str, str]]:
    parser = _Cells()
    parser.feed(html)
    return parser.cells


def _check_snapshot(name: str, html: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get(UPDATE_ENV) == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(html, encoding="utf-8")
    assert path.exists(), f"no snapshot {path.name}; create it with {UPDATE_ENV}=1"
    expected = path.read_text(encoding="utf-8")
    assert html == expected, f"{path.name} differs (rerun with {UPDATE_ENV}=1 and review the diff)"


def _handmade() -> ct.Evaluation:
    """An evaluation built by hand: every rating and "not rated", every target outcome,
    and text that HTML must escape. No rule runs, so only the view can change it."""
    as_of = D(2025, 12, 31)
    units = {
        "huyen": ct.Unit(id="huyen", name="UBND huyện Tân Hồng", kind="district"),
        "noi-vu": ct.Unit(id="noi-vu", name="Phòng Nội vụ", kind="agency", parent="huyen"),
        "tu-phap": ct.Unit(id="tu-phap", name="Phòng Tư pháp", kind="agency", parent="huyen"),
        "xa-a": ct.Unit(id="xa-a", name='UBND xã <A> & "B"', kind="commune", parent="huyen"),
    }
    tasks = {
        "noi-vu": (
            ct.Task(id="t1", plan="kh", title="Rà soát TTHC", unit="noi-vu", due=D(2025, 6, 30)),
            ct.Task(id="t2", plan="kh", title="Báo cáo <năm>", unit="noi-vu", due=D(2025, 9, 30)),
        ),
        "xa-a": (ct.Task(id="t3", plan="kh", title="Số hóa", unit="xa-a", due=D(2025, 3, 31)),),
    }
    outcomes = {"t1": ct.TaskOutcome.ON_TIME, "t2": ct.TaskOutcome.OVERDUE}
    outcomes["t3"] = ct.TaskOutcome.LATE
    heads = [
        ("huyen", "p1", ct.Rating.EXCELLENT),
        ("noi-vu", "p2", ct.Rating.GOOD),
        ("tu-phap", "p3", ct.Rating.COMPLETED),
        ("xa-a", "p4", ct.Rating.NOT_COMPLETED),
        ("xa-a", "p5", None),
    ]
    results = {}
    scores = {"huyen": (95.0, ct.Band.EXCELLENT), "noi-vu": (50.0, ct.Band.AVERAGE)}
    for uid, unit in units.items():
        score, band = scores.get(uid, (None, None))
        facts = ct.UnitFacts(
            unit=unit,
            year=2025,
            as_of=as_of,
            tasks=tasks.get(uid, ()),
            outcomes={t.id: outcomes[t.id] for t in tasks.get(uid, ())},
            results={},
            previous_results={},
            heads=(),
            children=(),
        )
        criteria = ()
        if uid == "noi-vu":
            criteria = (ct.Criterion("c1", "Tiến độ", 1, 2, "1 of 2 on time", "test.c1"),)
        results[uid] = ct.UnitResult(facts, criteria, score, band, 1 if score else None, 2)
    ratings = tuple(
        ct.LeaderRating(
            person=person,
            unit=uid,
            headship=ct.Headship(unit=uid, person=person, start=D(2021, 1, 1)),
            months=12.0 if rating else 4.0,
            ruleset="decree90",
            base=rating,
            rating=rating,
            reasons=(ct.Reason("test.rule", f"rated {rating} <because>", "Điều 4"),),
        )
        for uid, person, rating in heads
    )
    targets = {}
    verdicts = {"a": ct.Outcome.PASS, "b": ct.Outcome.FAIL, "c": ct.Outcome.NOT_MEASURED}
    for tid, outcome in verdicts.items():
        target = ct.Target(
            id=tid,
            plan="kh",
            unit="huyen",
            indicator=ct.Indicator.SIPAS,
            rule=ct.above(90),
            title=f"SIPAS > 90% ({tid})",
        )
        targets[tid] = ct.TargetResult(target, outcome, f"value > 90: {outcome}", target.rule)
    names = {uid: u.name for uid, u in units.items()}
    names.update({f"p{i}": f"Nguyễn Văn {chr(64 + i)}" for i in range(1, 6)})
    return ct.Evaluation(
        year=2025,
        as_of=as_of,
        ruleset=ct.RuleSet("decree90", "Nghị định 90/2020/NĐ-CP", D(2020, 8, 1)),
        units=results,
        targets=targets,
        leaders={r.person: r for r in ratings},
        ratings=ratings,
        recommendations=(
            ct.Recommendation("urge", "noi-vu", "unit", ct.Reason("test.urge", "1 overdue")),
        ),
        plugins=(),
        store_seq=1,
        names=names,
    )


def test_evaluation_html_matches_its_snapshot() -> None:
    ev = _handmade()
    html = ev._repr_html_()
    _check_snapshot("evaluation.html", html)
    assert unicodedata.is_normalized("NFC", html)
    assert "Báo cáo kết quả thực hiện nhiệm vụ CCHC năm 2025" in html
    assert "UBND xã &lt;A&gt; &amp; &quot;B&quot;" in html
    assert "<A>" not in html
    colours = dict(_cells(html))
    assert "background:#2e7d32" in colours["HTXSNV — Hoàn thành xuất sắc nhiệm vụ"]
    assert "background:#a5d6a7" in colours["HTTNV — Hoàn thành tốt nhiệm vụ"]
    assert "background:#ffc107" in colours["HTNV — Hoàn thành nhiệm vụ"]
    assert "background:#c62828" in colours["KHTNV — Không hoàn thành nhiệm vụ"]
    assert "background:#d6d6d6" in colours["Không xếp loại"]
    assert "background:#ef9a9a" in colours["Không đạt"]


def test_full_evaluation_html_and_task_html_match_their_snapshots() -> None:
    ev = _handmade()
    _check_snapshot("evaluation-full-en.html", ev_html := nb.evaluation_html(ev, "en", full=True))
    assert "Báo cáo &lt;năm&gt; (t2)" in ev_html  # the overdue list
    task = ct.Task(
        id="t-1",
        plan="kh",
        title="Rà soát <TTHC> & công khai",
        unit="noi-vu",
        partners=("tu-phap",),
        assignee="p2",
        field=ct.Field.PROCEDURES,
        due=D(2025, 6, 30),
        status=ct.TaskStatus.DONE,
        completed_on=D(2025, 6, 2),
        exceeded=True,
        output="Quyết định",
        progress=(ct.ProgressReport(on=D(2025, 6, 2), percent=100, note="Xong"),),
    )
    _check_snapshot("task.html", task._repr_html_())
    named = nb.task_html(task, names=ev.names, lang="en")
    assert "Phòng Tư pháp" in named
    assert "Administrative procedures" in named


@pytest.mark.parametrize(
    ("code", "background"),
    [("HTXSNV", "#2e7d32"), ("HTTNV", "#a5d6a7"), ("HTNV", "#ffc107"), ("KHTNV", "#c62828")],
)
def test_ratings_are_coloured(ev2024: ct.Evaluation, code: str, background: str) -> None:
    cells = [
        (text, style)
        for text, style in _cells(ev2024._repr_html_())
        if text.startswith(f"{code} — ")
    ]
    assert len(cells) == sum(1 for r in ev2024.ratings if r.code == code) > 0
    assert all(f"background:{background}" in style for _, style in cells)


def test_not_rated_is_grey(demo: ct.Tracker) -> None:
    cells = _cells(demo.evaluate(2022)._repr_html_())
    unrated = [style for text, style in cells if text == "Không xếp loại"]
    assert len(unrated) == 1
    assert "background:#d6d6d6" in unrated[0]


def test_target_outcomes_are_coloured(ev: ct.Evaluation) -> None:
    cells = dict(_cells(ev._repr_html_()))
    assert "background:#a5d6a7" in cells["Đạt"]
    assert "background:#ef9a9a" in cells["Không đạt"]


def test_english_html(ev2024: ct.Evaluation) -> None:
    html = nb.evaluation_html(ev2024, lang="en")
    assert "Report on the CCHC tasks of year 2024" in html
    assert "Excellently completed duties" in html
    assert "Hoàn thành xuất sắc" not in html


def _tiny(name: str = "Phòng Nội vụ", title: str = "Rà soát thủ tục hành chính") -> ct.Tracker:
    tr = ct.Tracker.memory(load_entrypoints=False)
    tr.add_unit(ct.Unit(id="huyen", name="UBND huyện", kind="district"))
    tr.add_unit(ct.Unit(id="noi-vu", name=name, kind="agency", parent="huyen"))
    tr.add_person(ct.Person(id="p1", name="Nguyễn Văn <A>", unit="noi-vu"))
    tr.appoint_head(unit="noi-vu", person="p1", start=D(2021, 1, 1))
    tr.add_plan(
        ct.Plan(id="kh", title="Kế hoạch", unit="huyen", start=D(2021, 1, 1), end=D(2030, 12, 31))
    )
    tr.add_target(
        ct.Target(
            id="sipas",
            plan="kh",
            unit="huyen",
            indicator=ct.Indicator.SIPAS,
            rule=ct.above(90),
            title='SIPAS > 90% & "tốt"',
        )
    )
    tr.add_task(
        ct.Task(id="t1", plan="kh", title=title, unit="noi-vu", assignee="p1", due=D(2024, 6, 30))
    )
    return tr


def test_text_is_escaped() -> None:
    tr = _tiny(name='<script>alert("x")</script> & Co', title="<b>Rà soát</b> | TTHC")
    ev = tr.evaluate(2024)
    for html in (
        ev._repr_html_(),
        nb.evaluation_html(ev, full=True),
        ev.units["noi-vu"]._repr_html_(),
        ev.ratings[0]._repr_html_(),
        ev.targets["sipas"]._repr_html_(),
        tr.task("t1")._repr_html_(),
        nb.TaskList.of(tr, as_of=D(2024, 12, 31))._repr_html_(),
    ):
        assert "<script>" not in html
        assert "<b>" not in html
        assert "<A>" not in html
    html = nb.evaluation_html(ev, full=True)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in html
    assert "&lt;b&gt;Rà soát&lt;/b&gt; | TTHC" in html
    assert "SIPAS &gt; 90% &amp; &quot;tốt&quot;" in html


def test_parts_of_an_evaluation_show_themselves(ev: ct.Evaluation) -> None:
    unit = ev.units["thong-binh"]._repr_html_()
    assert "UBND xã Thông Bình — 2025" in unit
    assert "Tiêu chí" in unit
    rating = next(r for r in ev.ratings if r.code == "KHTNV")._repr_html_()
    assert "background:#c62828" in rating
    target = ev.targets["par"]._repr_html_()
    assert "Đạt" in target


# --- charts -----------------------------------------------------------------------------------


def _png_ok(fig: Any) -> bytes:
    png = nb.figure_png(fig)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 10_000  # a drawn chart, not a blank canvas
    return png


def test_plot_completion_stacks_each_units_tasks(ev: ct.Evaluation) -> None:
    fig = nb.plot_completion(ev)
    _png_ok(fig)
    (ax,) = fig.axes
    units = [u for u in ev.units.values() if u.facts.counted]
    assert len(ax.get_yticklabels()) == len(units)
    widths = Counter()
    for bar in ax.patches:
        widths[bar.get_facecolor()] += bar.get_width()
    assert sum(widths.values()) == sum(u.on_time + u.late + u.overdue for u in units)
    assert ax.get_title() == "Tiến độ thực hiện nhiệm vụ năm 2025"
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["Hoàn thành đúng hạn", "Hoàn thành trễ hạn", "Quá hạn"]
    english = nb.plot_completion(ev, lang="en")
    assert [t.get_text() for t in english.legends[0].get_texts()] == [
        "Done on time",
        "Done late",
        "Overdue",
    ]


def test_plot_ratings_counts_every_head(demo: ct.Tracker, ev2024: ct.Evaluation) -> None:
    fig = nb.plot_ratings(ev2024, lang="en")
    _png_ok(fig)
    (ax,) = fig.axes
    heights = [bar.get_height() for bar in ax.patches]
    assert heights == [sum(1 for r in ev2024.ratings if r.rating is x) for x in sorted(ct.Rating)]
    assert ax.get_title() == "Ratings of the heads of units, 2024"
    # A year with a head not rated has a fifth bar.
    assert len(nb.plot_ratings(demo.evaluate(2022)).axes[0].patches) == 5


def test_plot_indicator_draws_values_ranks_and_requirements(demo: ct.Tracker) -> None:
    fig = nb.plot_indicator(demo, "par", range(2021, 2026))
    _png_ok(fig)
    value_ax, rank_ax = fig.axes
    values = {r.year: r.value for r in demo.results(indicator="PAR_INDEX", unit="huyen")}
    line = value_ax.lines[0]
    assert list(line.get_xdata()) == list(range(2021, 2026))
    assert list(line.get_ydata()) == [values[y] for y in range(2021, 2026)]
    required = value_ax.lines[1]  # growth of 5% on the year before
    assert required.get_ydata()[0] == pytest.approx(values[2020] * 1.05)
    assert list(rank_ax.lines[1].get_ydata()) == [5] * 5
    assert rank_ax.yaxis_inverted()
    legend = [t.get_text() for t in value_ax.get_legend().get_texts()]
    assert legend[:2] == ["Đạt", "Không đạt"]  # 2022 failed


def test_plot_indicator_without_ranks_has_one_panel(demo: ct.Tracker) -> None:
    fig = nb.plot_indicator(demo, "sipas", lang="en")
    _png_ok(fig)
    (ax,) = fig.axes
    assert list(ax.lines[1].get_ydata()) == [90] * 5
    assert fig.get_suptitle() == "SIPAS hằng năm trên 90%"


def test_requirements_follow_the_rule_of_the_year() -> None:
    req = charts.rule_requirements
    assert req(ct.any_of(ct.growth(5), ct.rank_within(5)), 2024, 80.0) == (84.0, 5)
    assert req(ct.all_of(ct.above(90), ct.at_least(95)), 2024, None) == (95, None)
    assert req(ct.growth(5, mode="points"), 2024, 40.0) == (45.0, None)
    assert req(ct.growth(5), 2024, None) == (None, None)
    steps = ct.milestones({2025: ct.rank_within(5), 2030: ct.rank_within(3)})
    assert req(steps, 2024, None) == (None, None)
    assert req(steps, 2026, None) == (None, 5)
    assert req(steps, 2030, None) == (None, 3)


def test_sources_are_nfc() -> None:
    root = Path(nb.__file__).parent
    for name in ("labels.py", "notebook.py", "reports.py", "tables.py", "charts.py"):
        assert unicodedata.is_normalized("NFC", (root / name).read_text(encoding="utf-8")), name
