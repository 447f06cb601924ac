"""Running the examples of a documentation page, for the docs tests of every folder.

Every ```python block of a page runs, in order, in one namespace per page. A ```output
block right after a python block must equal what that block printed. Blocks marked ```py
(hook signatures) are highlighted as Python but not run.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

FENCE = re.compile(
    r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
# Set to 1 to rewrite the output blocks from what the examples print (then review the diff).
UPDATE_ENV = "CCHC_UPDATE_DOC_OUTPUTS"
UPDATE = os.environ.get(UPDATE_ENV) == "1"


class Block:
    """One fenced block of a Markdown page."""

    def __init__(self, match: re.Match[str], text: str) -> None:
        self.lang = match["info"].strip().split(" ")[0]
        self.body = match["body"]
        self.start = match.start()
        self.end = match.end()
        self.line = text.count("\n", 0, match.start()) + 1


def fenced_blocks(text: str) -> list[Block]:
    """Every fenced block of ``text``, in order."""
    return [Block(m, text) for m in FENCE.finditer(text)]


def _normalise(output: str) -> str:
    return "\n".join(line.rstrip() for line in output.strip("\n").splitlines())


def run_page_examples(page: str) -> None:
    """Run the examples of ``page`` (a path from the repository root) and compare what
    they print with the page's output blocks."""
    text = (ROOT / page).read_text(encoding="utf-8")
    blocks = fenced_blocks(text)
    python = [b for b in blocks if b.lang == "python"]
    assert python, f"{page} has no python examples"
    namespace: dict[str, Any] = {"__name__": f"docs_{Path(page).stem}"}
    updates: list[tuple[Block, str]] = []
    for i, block in enumerate(blocks):
        if block.lang != "python":
            continue
        code = compile(block.body, f"{page}:{block.line}", "exec")
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(code, namespace)
        following = blocks[i + 1] if i + 1 < len(blocks) else None
        if (
            following is not None
            and following.lang == "output"
            and not text[block.end : following.start].strip()
        ):
            if UPDATE and _normalise(printed.getvalue()) != _normalise(following.body):
                updates.append((following, _normalise(printed.getvalue()) + "\n"))
                continue
            assert _normalise(printed.getvalue()) == _normalise(following.body), (
                f"{page}:{following.line}: the output block differs from what the example "
                f"at line {block.line} prints (rerun with {UPDATE_ENV}=1 to rewrite it)"
            )
    for block, body in reversed(updates):
        fence = "```output\n"
        text = text[: block.start] + fence + body + "```" + text[block.end :]
    if updates:
        (ROOT / page).write_text(text, encoding="utf-8")
