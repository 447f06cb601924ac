"""The how-to "The office's week" runs as written: every ``$ cchc …`` line of its console
blocks, in order, in an empty folder, prints what the page shows after it.

Set ``CCHC_UPDATE_DOC_OUTPUTS=1`` to rewrite the page's outputs from what the commands
print (then review the diff).
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from ..doc_examples import ROOT, UPDATE, fenced_blocks
from ..helpers import run_cli

PAGE = ROOT / "docs" / "how-to" / "the-office-week.md"


def commands(body: str) -> list[tuple[str, list[str]]]:
    """The ``$ `` lines of a console block, each with the lines shown after it."""
    found: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            found.append((line[2:], []))
        elif found:
            found[-1][1].append(line)
    return found


def test_the_office_week_runs_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = PAGE.read_text(encoding="utf-8")
    rewritten = text
    ran = 0
    for block in fenced_blocks(text):
        if block.lang != "console":
            continue
        shown_lines = []
        for command, expected in commands(block.body):
            words = shlex.split(command)
            assert words[0] == "cchc", command
            _code, out, err = run_cli(capsys, *words[1:])
            printed = (out + err).rstrip("\n").splitlines()
            shown_lines += [f"$ {command}", *printed]
            if not UPDATE:
                assert printed == expected, command
            ran += 1
        if UPDATE:
            rewritten = rewritten.replace(block.body, "\n".join(shown_lines) + "\n", 1)
    if UPDATE and rewritten != text:
        PAGE.write_text(rewritten, encoding="utf-8")
    assert ran >= 20
