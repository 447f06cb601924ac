"""The annual report: Markdown and HTML, Vietnamese and English, charts, files and the CLI."""

from __future__ import annotations

import ast
import base64
import datetime as dt
import html
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

import matplotlib
import openpyxl
import pytest

import cchc_tasks as ct
from cchc_tasks import labels, reports
from cchc_tasks.cli import main
from cchc_tasks.examples import NEW_COMMUNES, YEARS, demo_as_of, enable_example_plugins, tan_hong
from cchc_tasks.i18n import render

from .doc_examples import run_page_examples
from .helpers import english_in

matplotlib.use("Agg")

D = dt.date
ROOT = Path(__file__).resolve().parent.parent
PAGE = "docs/how-to/notebooks-and-reports.md"


@pytest.fixture(scope="module")
def ev(demo: ct.Tracker) -> ct.Evaluation:
    return demo.evaluate(2025)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "tan-hong"
    with ct.Tracker.open(path, load_entrypoints=False) as tr:
        ct.examples.tan_hong(tr)
    return path


def _shown(text: str, format: str) -> str:
    """``text`` as it appears in a report of ``format``."""
    if format == "html":
        return html.escape(text, quote=True)
    return reports.markdown_text(text)


TITLES = {
    "vi": "Báo cáo kết quả thực hiện nhiệm vụ CCHC năm 2025",
    "en": "Report on the CCHC tasks of year 2025",
}
HEADINGS = {
    "vi": ["Kết quả thực hiện các mục tiêu", "Xếp loại người đứng đầu", "Kiến nghị, đề xuất"],
    "en": ["Targets", "Ratings of the heads of units", "Overdue tasks", "Recommendations"],
}


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("format", ["md", "html"])
def test_the_report_has_every_target_unit_head_and_overdue_task(
    demo: ct.Tracker, ev: ct.Evaluation, format: str, lang: labels.Lang
) -> None:
    text = reports.annual_report(demo, 2025, format=format, lang=lang, plots=False)
    assert TITLES[lang] in text
    for heading in HEADINGS[lang]:
        assert heading in text
    for result in ev.targets.values():
        assert _shown(result.target.title, format) in text
        assert _shown(render(result.reason, lang), format) in text
        outcome = labels.outcome_label(result.outcome, lang)
        assert _shown(outcome, format) in text
    for u in ev.units.values():
        assert _shown(u.unit.name, format) in text
    for r in ev.ratings:
        assert _shown(ev.names[r.person], format) in text
        assert _shown(labels.rating_label(r.rating, lang), format) in text
    overdue = demo.overdue(D(2025, 12, 31))
    due_in_2025 = [t for t in overdue if t.year == 2025]
    assert due_in_2025
    for task in due_in_2025:
        days = (D(2025, 12, 31) - task.due).days
        assert task.id in text
        assert _shown(demo.person(task.assignee or "").name, format) in text
        assert labels.date_text(task.due, lang) in text
        row = next(line for line in text.splitlines() if task.id in line)
        assert re.search(rf"\b{days}\b", row)
    for rec in ev.recommendations:
        assert _shown(labels.recommendation_label(rec.kind, lang), format) in text
    assert "data:image/png" not in text


def test_markdown_is_a_well_formed_document(demo: ct.Tracker, ev: ct.Evaluation) -> None:
    text = reports.annual_report(demo, 2025, plots=False)
    assert text.startswith("# Báo cáo kết quả thực hiện nhiệm vụ CCHC năm 2025\n")
    assert "Số liệu tính đến ngày 31/12/2025" in text
    units = [line for line in text.splitlines() if line.startswith("| UBND") or "| Phòng" in line]
    assert units
    header = text.splitlines().index(
        "| Đơn vị | Số nhiệm vụ | Đúng hạn | Trễ hạn | Quá hạn | Chưa đến hạn | Đã hủy | Điểm "
        "| Xếp loại | Thứ hạng |"
    )
    assert text.splitlines()[header + 1] == "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|"
    rows = text.splitlines()[header + 2 : header + 2 + len(ev.units)]
    assert all(row.count(" | ") == 9 for row in rows)  # no cell breaks the table


def test_html_is_one_self_contained_page(demo: ct.Tracker, ev: ct.Evaluation) -> None:
    page = reports.annual_report(demo, 2025, format="html", lang="en")
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "<title>Report on the CCHC tasks of year 2025</title>" in page
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 2 + len(ev.targets)  # completion, ratings, one per target
    for data in images:
        png = base64.b64decode(data)
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    assert 'src="http' not in page and "<link" not in page and "<script" not in page
    assert "Charts" in page


def _workbook_column(path: Path, sheet: str, header: str) -> list[Any]:
    rows = list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))
    column = rows[0].index(header)
    return [row[column] for row in rows[1:]]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_kinds_and_ratings_are_worded_alike_in_every_output(
    demo: ct.Tracker, tmp_path: Path, lang: labels.Lang
) -> None:
    """The Markdown report, the HTML report and the evaluation workbook render the same
    tables: a recommendation kind or a rating reads the same in all three."""
    ev = demo.evaluate(2022)  # every kind of recommendation, every rating, and not rated
    written = reports.write_report(
        demo, 2022, tmp_path, formats=("md", "html", "xlsx"), lang=lang, plots=False
    )
    md, page, book = written[0].read_text("utf-8"), written[1].read_text("utf-8"), written[2]
    t = labels.t
    kinds = _workbook_column(book, t("sheet.recommendations", lang), t("col.kind", lang))
    assert kinds == [labels.recommendation_label(r.kind, lang) for r in ev.recommendations]
    ratings = _workbook_column(book, t("sheet.heads", lang), t("col.rating", lang))
    assert sorted(ratings) == sorted(reports.rating_cell(r.rating, lang).text for r in ev.ratings)
    assert {r.rating for r in ev.ratings} == {*ct.Rating, None}
    assert len(set(kinds)) == 3
    for text in {*kinds, *ratings}:
        assert f"| {reports.markdown_text(text)} |" in md
        assert f">{html.escape(text)}</td>" in page
    if lang == "vi":
        assert "Đề nghị khen thưởng" in kinds and "Khen thưởng" not in kinds
        assert "Không xếp loại" in ratings


def test_markdown_charts_are_written_next_to_it_and_linked(
    demo: ct.Tracker, tmp_path: Path
) -> None:
    text = reports.annual_report(demo, 2025, out_dir=tmp_path)
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    # completion, ratings, and one chart per target: the district's four and, from
    # 1 July 2025, one for each of the four new communes
    assert len(links) == 2 + 4 + len(NEW_COMMUNES)
    for name in links:
        assert (tmp_path / name).read_bytes().startswith(b"\x89PNG")
    assert "bao-cao-cchc-2025-completion.png" in links
    # Without a folder to write them into, Markdown has no charts.
    assert "![" not in reports.annual_report(demo, 2025)


def test_write_report_writes_each_format_once(demo: ct.Tracker, tmp_path: Path) -> None:
    written = reports.write_report(demo, 2025, tmp_path / "out", lang="en")
    names = [p.name for p in written]
    assert names[:2] == ["cchc-report-2025.md", "cchc-report-2025.html"]
    assert sorted(names[2:]) == sorted(
        f"cchc-report-2025-{x}.png"
        for x in [
            "completion",
            "ratings",
            "target-dti",
            "target-papi",
            "target-par",
            "target-sipas",
            *(f"target-par-{uid}" for uid, _, _ in NEW_COMMUNES),
        ]
    )
    assert all(p.exists() for p in written)
    md = written[0].read_text(encoding="utf-8")
    assert md.startswith("# Report on the CCHC tasks of year 2025")
    only_html = reports.write_report(demo, 2025, tmp_path / "h", formats=("html",), plots=False)
    assert [p.name for p in only_html] == ["bao-cao-cchc-2025.html"]


def test_as_of_changes_what_is_overdue(demo: ct.Tracker) -> None:
    midyear = D(2025, 7, 1)
    ev = demo.evaluate(2025, as_of=midyear)
    listed = reports.overdue_tasks(ev, {p.id: p.name for p in demo.persons()})
    assert {o.task for o in listed} == {t.id for t in demo.overdue(midyear) if t.year == 2025}
    assert all(o.days == (midyear - o.due).days > 0 for o in listed)
    assert [o.days for o in listed] == sorted((o.days for o in listed), reverse=True)
    text = reports.annual_report(demo, 2025, as_of=midyear, plots=False)
    assert "Số liệu tính đến ngày 01/07/2025" in text


def test_bad_arguments_are_refused(demo: ct.Tracker, tmp_path: Path) -> None:
    with pytest.raises(ct.ValidationError, match="'md' or 'html'"):
        reports.annual_report(demo, 2025, format="pdf")
    with pytest.raises(ct.ValidationError, match="'vi' or 'en'"):
        reports.annual_report(demo, 2025, lang="fr")  # type: ignore[arg-type]
    with pytest.raises(ct.ValidationError, match="'md', 'html' or 'xlsx'"):
        reports.write_report(demo, 2025, tmp_path, formats=("doc",))


def test_xlsx_needs_openpyxl(
    demo: ct.Tracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as hidden:
        hidden.setitem(sys.modules, "openpyxl", None)  # as if it were not installed
        assert not reports.xlsx_available()
        with pytest.raises(ct.CchcError, match=r"xlsx output is not available.*\[excel\]"):
            reports.write_report(demo, 2025, tmp_path, formats=("md", "xlsx"))
        assert not list(tmp_path.iterdir())  # refused before anything was written
    assert reports.xlsx_available()
    written = reports.write_report(demo, 2025, tmp_path, formats=("xlsx",), lang="en")
    assert written == [tmp_path / "cchc-report-2025.xlsx"]
    book = openpyxl.load_workbook(written[0])
    assert book.sheetnames == ["About", "Units", "Heads", "Targets", "Recommendations"]


def test_the_report_does_not_import_the_notebook() -> None:
    """Reports draw their charts with cchc_tasks.charts and their tables with
    cchc_tasks.tables: the notebook, which shows reports, is above them, not beside."""
    source = Path(reports.__file__).read_text(encoding="utf-8")
    imports = [
        ast.unparse(node)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    assert imports and not [line for line in imports if "notebook" in line]
    assert "import_module" not in source  # exports is imported as any module is


def test_the_text_report_speaks_one_language_at_a_time(ev: ct.Evaluation) -> None:
    text = reports.text_report(ev)
    assert text.startswith("BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ CCHC NĂM 2025")
    assert "Xếp loại người đứng đầu" in text and "Ratings of the heads" not in text
    english = reports.text_report(ev, lang="en")
    assert english.startswith("REPORT ON THE CCHC TASKS OF YEAR 2025")
    assert "Ratings of the heads of units" in english and "Người đứng đầu" not in english


# --- the command ------------------------------------------------------------------------------


def test_cchc_report_writes_the_files(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bao-cao"
    code = main(["report", str(store), "2025", "--format", "md", "--out", str(out), "--no-plots"])
    assert code == 0
    captured = capsys.readouterr()
    printed = captured.out.split()
    assert printed == [str(out / "bao-cao-cchc-2025.md")]
    assert "Báo cáo kết quả thực hiện nhiệm vụ CCHC năm 2025" in Path(printed[0]).read_text(
        encoding="utf-8"
    )
    # The progress goes to stderr, plain lines off a terminal, the last one complete.
    assert captured.err.splitlines()[-1] == "Đang lập báo cáo: bước 2/2"


def test_write_report_counts_every_step(store: Path, tmp_path: Path) -> None:
    """The evaluation, each target's chart, each file: the count ends at the total."""
    seen: list[tuple[int, int]] = []
    with ct.Tracker.open(store) as tr:
        written = reports.write_report(
            tr, 2025, tmp_path, ("md", "html"), progress=lambda d, n: seen.append((d, n))
        )
        targets = len(tr.evaluate(2025).targets)
    total = 1 + targets + 2
    assert seen == [(done, total) for done in range(1, total + 1)]
    assert len([p for p in written if p.suffix != ".png"]) == 2


def test_cchc_report_in_english_with_charts(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["report", str(store), "2024", "--lang", "en", "--format", "html", "--format", "md"]
    assert main([*args, "--out", str(tmp_path), "--as-of", "2024-12-31"]) == 0
    printed = capsys.readouterr().out.split()
    assert printed[:2] == [
        str(tmp_path / "cchc-report-2024.html"),
        str(tmp_path / "cchc-report-2024.md"),
    ]
    assert len(printed) == 8  # and six charts for the Markdown report
    assert "data:image/png;base64," in (tmp_path / "cchc-report-2024.html").read_text("utf-8")


def test_cchc_report_errors(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as hidden:
        hidden.setitem(sys.modules, "openpyxl", None)
        assert main(["report", str(store), "2025", "--format", "xlsx", "--out", str(tmp_path)]) == 1
        assert "xlsx output is not available" in capsys.readouterr().err
    assert main(["report", str(tmp_path / "none"), "2025"]) == 1
    assert "expected a store folder" in capsys.readouterr().err
    assert main(["report", str(store), "2025", "--lang", "fr"]) == 1
    assert "argument --lang: invalid choice: 'fr'" in capsys.readouterr().err


def test_cchc_report_xlsx_through_the_exports_module(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(store), "2025", "--format", "xlsx", "--out", str(tmp_path)]) == 0
    path = tmp_path / "bao-cao-cchc-2025.xlsx"
    assert capsys.readouterr().out.split() == [str(path)]
    assert path.read_bytes().startswith(b"PK")


# --- the how-to page --------------------------------------------------------------------------


def test_the_how_to_page_runs() -> None:
    """Every example of the page runs and prints what the page shows (the docs suite's
    runner; set CCHC_UPDATE_DOC_OUTPUTS=1 to rewrite the output blocks)."""
    run_page_examples(PAGE)


# --- Vietnamese first (issue 15) -------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_with_plugins() -> ct.Tracker:
    """The demo as ``cchc demo`` builds it: the example plugins enabled, so their reasons
    and recommendations are in the report too."""
    tr = ct.Tracker.memory()
    enable_example_plugins(tr)
    tan_hong(tr)
    return tr


@pytest.mark.parametrize("year", YEARS)
def test_a_vietnamese_report_of_the_demo_has_no_english_words(
    demo_with_plugins: ct.Tracker, year: int
) -> None:
    """Every word of the report (headings, reasons, targets, recommendations, the line
    that says what produced it) in Vietnamese; ids and the [rule; source] citations are
    cited as they are."""
    text = reports.annual_report(
        demo_with_plugins, year, lang="vi", as_of=demo_as_of(year), plots=False
    )
    assert english_in(text) == []
    assert unicodedata.is_normalized("NFC", text)
    english = reports.annual_report(
        demo_with_plugins, year, lang="en", as_of=demo_as_of(year), plots=False
    )
    assert {"the", "of"} <= set(english_in(english))  # the check sees English where it is
