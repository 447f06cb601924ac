"""Issue 15: what ``cchc`` prints for people is Vietnamese by default. Every listing and
reading command, run in its text form on the Tân Hồng example store, prints no English
word (ids and the ``[rule; source]`` citations aside), and speaks English with
``--lang en`` or ``CCHC_LANG=en``."""

from __future__ import annotations

import pytest

import cchc_tasks as ct

from ..helpers import english_in
from ..helpers import run_cli as run


@pytest.fixture(scope="module")
def tan_hong(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("demo") / "tan-hong"
    with ct.Tracker.open(folder, load_entrypoints=False) as tr:
        ct.examples.tan_hong(tr)
    return str(folder)


#: The commands that read a store (or the installation) and print for people.
READING = [
    ["tasks"],
    ["tasks", "--status", "done"],
    ["units"],
    ["plugins"],
    ["log"],
    ["log", "--format", "table"],
    ["log", "--heads"],
    ["log", "--heads", "--format", "table"],
    ["history", "t-2021-0007"],
    ["history", "an-phuoc", "--format", "table"],
    ["verify"],
    ["config", "show"],
    ["overdue", "--as-of", "2025-10-01"],
    ["due-soon", "--as-of", "2025-09-01"],
    ["reminders", "--as-of", "2025-10-01"],
]


def _args(command: list[str], store: str) -> list[str]:
    """``command`` with the store in its place (after the command and its action)."""
    if command[0] == "plugins":
        return command
    if command[0] == "config":
        return [*command[:2], store, *command[2:]]
    return [command[0], store, *command[1:]]


@pytest.mark.parametrize("command", READING, ids=" ".join)
def test_reading_commands_print_no_english_word_in_vietnamese(
    tan_hong: str, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    code, out, err = run(capsys, *_args(command, tan_hong))
    assert (code, err) == (0, "")
    assert out.strip()
    assert english_in(out.replace(tan_hong, "")) == []


@pytest.mark.parametrize("command", [["tasks"], ["units"], ["log"], ["verify"]], ids=" ".join)
def test_english_on_request(
    tan_hong: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
) -> None:
    vi = run(capsys, *_args(command, tan_hong))[1]
    en = run(capsys, *_args(command, tan_hong), "--lang", "en")[1]
    assert en != vi and english_in(en)
    # CCHC_LANG is read when the parser is built: the default of --lang follows it.
    monkeypatch.setenv("CCHC_LANG", "en")
    assert run(capsys, *_args(command, tan_hong))[1] == en
    assert run(capsys, *_args(command, tan_hong), "--lang", "vi")[1] == vi


def test_every_command_that_prints_takes_lang() -> None:
    """Every command (and every action of a command group) has --lang."""
    from cchc_tasks.cli import commands, help_text

    groups = {"config": ["show", "set", "plugins"], "survey": []}
    for command in commands():
        texts = [help_text(f"{command} {action}") for action in groups.get(command, [])]
        texts = texts or [help_text(command)]
        for text in texts:
            if "ACTION" in text.split("\n", 1)[0] and command not in groups:
                continue  # write actions: each has --lang (see test_write_commands)
            assert "--lang" in text, command
