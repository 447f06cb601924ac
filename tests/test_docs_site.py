"""The documentation site's structure, checked without building it (``make docs`` builds it
with warnings as errors; these are what a build would not notice).

* Every name in ``cchc_tasks.__all__`` has an autodoc entry in ``docs/reference/autodoc.md``.
* Every page is in a toctree of ``docs/index.md``, and every toctree entry is a page.
* The configuration loads the extensions the pages use.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import cchc_tasks

DOCS = Path(__file__).resolve().parent.parent / "docs"
AUTODOC = DOCS / "reference" / "autodoc.md"
_TOCTREE = re.compile(r"^```\{toctree\}\n(?P<body>.*?)^```", re.MULTILINE | re.DOTALL)


def _toctree_entries() -> list[str]:
    entries = []
    for match in _TOCTREE.finditer((DOCS / "index.md").read_text(encoding="utf-8")):
        for line in match["body"].splitlines():
            if line.strip() and not line.startswith(":"):
                entries.append(line.strip())
    return entries


def _pages() -> list[str]:
    found = []
    for page in sorted(DOCS.rglob("*.md")):
        relative = page.relative_to(DOCS)
        if relative.parts[0].startswith("_") or relative == Path("index.md"):
            continue
        found.append(relative.with_suffix("").as_posix())
    return found


@pytest.mark.parametrize("name", cchc_tasks.__all__)
def test_public_name_has_an_autodoc_entry(name: str) -> None:
    text = AUTODOC.read_text(encoding="utf-8")
    pattern = rf"^\.\. auto(class|exception|function|data|module):: cchc_tasks\.{re.escape(name)}$"
    assert re.search(pattern, text, re.MULTILINE), f"cchc_tasks.{name} is not in autodoc.md"


@pytest.mark.parametrize("page", _pages())
def test_every_page_is_in_a_toctree(page: str) -> None:
    assert page in _toctree_entries(), f"docs/{page}.md is in no toctree of docs/index.md"


def test_every_toctree_entry_is_a_page() -> None:
    assert sorted(_toctree_entries()) == sorted(_pages())


def test_the_tutorial_notebook_is_linked() -> None:
    assert "](tutorial.ipynb)" in (DOCS / "tutorial-notebook.md").read_text(encoding="utf-8")
