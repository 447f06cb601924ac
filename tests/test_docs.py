"""Tests for the documentation: the examples run, every hook and public name is documented.

* Every ```python block of the executed pages runs, in order, in one namespace per page.
  A ```output block right after a python block must equal what that block printed.
  Blocks marked ```py (hook signatures) are highlighted as Python but not run.
* Every ``cchc_*`` hook has a section in ``docs/reference/hooks.md`` whose heading is
  ``name(arg, ...)`` and whose code block holds the exact ``def`` line of the spec.
* Every name in ``cchc_tasks.__all__`` and every public ``Tracker`` method is in
  ``docs/reference/api.md``.
* Relative links between the pages point to files that exist.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

import cchc_tasks
from cchc_tasks import hookspecs

from .doc_examples import FENCE, run_page_examples

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXECUTED = [
    "README.md",
    "docs/tutorial.md",
    "docs/reference/hooks.md",
    "docs/reference/configuration.md",
    "docs/reference/configuration-in-the-journal.md",
    "docs/how-to/configure-a-province.md",
    "docs/reference/rules-decree335.md",
    "docs/reference/cchc-link.md",
    "docs/reference/plugins.md",
    "docs/how-to/write-a-rule-plugin.md",
    "docs/how-to/backup-and-verify.md",
]
HOOKS_PAGE = DOCS / "reference" / "hooks.md"
API_PAGE = DOCS / "reference" / "api.md"

_LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")


def _page_ids() -> list[str]:
    return [page.replace("/", "-") for page in EXECUTED]


@pytest.mark.parametrize("page", EXECUTED, ids=_page_ids())
def test_examples_run(page: str) -> None:
    run_page_examples(page)


def _hooks() -> list[tuple[str, Any]]:
    return [
        (name, getattr(hookspecs, name))
        for name in sorted(dir(hookspecs))
        if name.startswith("cchc_")
    ]


def _sections(text: str) -> dict[str, str]:
    """Level-2 sections of a page: heading line → the text up to the next one."""
    parts = re.split(r"^(## .*)$", text, flags=re.MULTILINE)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def _def_line(func: Any) -> str:
    """The spec's ``def`` line as the code has it, on one line, without the colon."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    node = tree.body[0]
    assert isinstance(node, ast.FunctionDef)
    returns = f" -> {ast.unparse(node.returns)}" if node.returns else ""
    return f"def {node.name}({ast.unparse(node.args)}){returns}"


def _squash(code: str) -> str:
    """Code without whitespace and without a trailing comma before ``)``, so that a
    signature wrapped over several lines compares equal to the same one on one line."""
    return re.sub(r",\)", ")", re.sub(r"\s+", "", code))


def _spec_is_firstresult(func: Any) -> bool:
    options = getattr(func, f"{cchc_tasks.PROJECT}_spec", None) or {}
    return bool(options.get("firstresult"))


def test_hooks_exist() -> None:
    assert len(_hooks()) >= 10


@pytest.mark.parametrize(("name", "func"), _hooks(), ids=[name for name, _ in _hooks()])
def test_hook_is_documented(name: str, func: Any) -> None:
    text = HOOKS_PAGE.read_text(encoding="utf-8")
    assert name in text
    args = list(inspect.signature(func).parameters)
    heading = f"## {name}({', '.join(args)})"
    sections = _sections(text)
    assert heading in sections, f"missing heading in hooks.md: {heading}"
    section = sections[heading]
    for arg in args:
        assert arg in section, f"{name}: argument {arg!r} is not described"
    assert _squash(_def_line(func)) in _squash(section), (
        f"{name}: the exact signature is missing: {_def_line(func)}"
    )
    firstresult = "yes" if _spec_is_firstresult(func) else "no"
    assert f"**firstresult:** {firstresult}" in section, (
        f"{name}: firstresult should be {firstresult}"
    )


@pytest.mark.parametrize("name", cchc_tasks.__all__)
def test_public_name_is_documented(name: str) -> None:
    text = API_PAGE.read_text(encoding="utf-8")
    assert re.search(rf"`{re.escape(name)}[`(]", text), f"{name} is missing from api.md"


def _tracker_members() -> list[str]:
    return sorted(name for name in vars(cchc_tasks.Tracker) if not name.startswith("_"))


@pytest.mark.parametrize("name", _tracker_members())
def test_tracker_member_is_documented(name: str) -> None:
    text = API_PAGE.read_text(encoding="utf-8")
    assert re.search(rf"`{re.escape(name)}[`(]", text), f"Tracker.{name} is missing from api.md"


def _pages() -> list[Path]:
    return [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted(DOCS.rglob("*.md"))]


@pytest.mark.parametrize("page", _pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(page: Path) -> None:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    for match in _LINK.finditer(text):
        target = match["target"].split("#")[0]
        if not target or re.match(r"^[a-z]+:", target):
            continue
        assert (page.parent / target).exists(), f"{page.relative_to(ROOT)}: broken link {target}"
