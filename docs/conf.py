"""Sphinx configuration: MyST Markdown pages, autodoc for the API, the furo theme.

Build with ``make docs`` (warnings are errors), or by hand:
``sphinx-build -W --keep-going -b html docs docs/_build/html``.
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))
sys.path.insert(0, str(DOCS.parent))

from pygments.lexers.special import TextLexer  # noqa: E402
from sphinx.application import Sphinx  # noqa: E402

from cchc_tasks import __version__  # noqa: E402

project = "cchc_tasks"
author = "cchc_tasks developers"
copyright = "cchc_tasks developers"
version = release = __version__
language = "en"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "cchc_cli",
]

root_doc = "index"
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "_ext", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]

# MyST: ``#anchor`` links to headings down to level 4, as the pages use them.
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 4

# autodoc: members in source order; the package's ``__all__`` decides what is public.
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"members": True, "show-inheritance": True}

html_theme = "furo"
html_title = f"cchc_tasks {release}"
html_static_path: list[str] = []


def setup(app: Sphinx) -> None:
    """Fences of CSV files (```csv) are shown as plain text: Pygments has no CSV lexer."""
    app.add_lexer("csv", TextLexer)
