"""A Sphinx directive that prints the ``--help`` of a ``cchc`` command into the page.

    ```{cchc-help} tasks
    ```

renders ``cchc tasks --help`` as a literal block, at a fixed width of 88 columns, so the
page always says what the installed command says. Without an argument: ``cchc --help``.
"""

from __future__ import annotations

import os
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from cchc_tasks.cli import help_text

WIDTH = 88


class CchcHelp(SphinxDirective):
    """``{cchc-help} [COMMAND]``: the help of ``cchc [COMMAND]`` as a console block."""

    optional_arguments = 1
    final_argument_whitespace = True  # a command's action: ``{cchc-help} task complete``
    has_content = False

    def run(self) -> list[nodes.Node]:
        command = self.arguments[0] if self.arguments else None
        saved = os.environ.get("COLUMNS")
        os.environ["COLUMNS"] = str(WIDTH)
        try:
            text = help_text(command)
        except KeyError:
            raise self.error(f"cchc has no command {command!r}") from None
        finally:
            if saved is None:
                del os.environ["COLUMNS"]
            else:
                os.environ["COLUMNS"] = saved
        shown = f"$ cchc {command} --help" if command else "$ cchc --help"
        block = nodes.literal_block(text, f"{shown}\n{text}")
        block["language"] = "text"
        return [block]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("cchc-help", CchcHelp)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
