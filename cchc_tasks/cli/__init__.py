"""The ``cchc`` command.

Exit status:

* 0 on success;
* 1 on a mistake of the user, with one line on stderr that names the problem: an error
  of the :class:`~cchc_tasks.CchcError` family (``cchc: <message>``, naming the option
  or argument it came from: ``cchc: --unit: …``, ``cchc: YEAR: …``), a command line that
  does not parse (``cchc tasks: argument --due-from: …``; a misspelt command gets the
  nearest one suggested), a file that cannot be read; an unexpected failure is one line
  too, with a hint to rerun with ``--debug`` (which lets the traceback through);
* 2 when ``cchc verify`` finds tampering (or ``cchc backup`` copied a store that has
  some), or a store cannot be opened because its journal was tampered with;
* 141 (as for SIGPIPE), silently, when the reader of the output goes away.

Every command has ``--help``, with examples. The list commands (``tasks``, ``units``,
``plugins``, ``log``, ``history``) take ``--format table|json|csv``: a table for people
(drawn with ``rich`` when it is installed and the output is a terminal, plain aligned text
otherwise), JSON or CSV for programs.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import textwrap
from collections.abc import Sequence

from .._version import __version__
from ..errors import CchcError, StoreCorruptError
from ..i18n import translate
from . import _common as common
from ._common import WIDE_COLUMN as WIDE_COLUMN  # importable from here, as it always was
from ._common import (
    BlockHelpFormatter,
    Command,
    Parser,
    UsageError,
    examples_block,
    one_line,
    plain_table,
)
from ._errors import LANG_ENV as LANG_ENV  # importable from here: the CLI's language variable
from ._errors import cli_lang, error_text

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_OK",
    "EXIT_TAMPERED",
    "EXIT_USER_ERROR",
    "FORMATS",
    "UsageError",
    "commands",
    "help_text",
    "main",
    "plain_table",
]

#: The command did what was asked.
EXIT_OK = common.EXIT_OK
#: A mistake of the user: a bad argument, no store there, a bad file, an error of the
#: ``CchcError`` family. One line on stderr names the problem.
EXIT_USER_ERROR = common.EXIT_USER_ERROR
#: ``cchc verify`` found tampering (or ``cchc backup`` copied a store that has some).
EXIT_TAMPERED = common.EXIT_TAMPERED
#: The reader of the output went away (``cchc log STORE | head``), as for SIGPIPE.
EXIT_BROKEN_PIPE = common.EXIT_BROKEN_PIPE
#: The former name of :data:`EXIT_TAMPERED`.
TAMPERED = EXIT_TAMPERED

#: The formats of the list commands.
FORMATS = common.FORMATS


def _all_commands() -> tuple[Command, ...]:
    """Every ``cchc`` command, in the order ``cchc --help`` lists them.

    Each module declares its commands: name, help texts, options and what runs them.
    They are imported when the parser is built, not with the package, so that
    ``import cchc_tasks.cli`` stays cheap.
    """
    from .config_commands import CONFIG, INIT
    from .copy_command import COPY
    from .demo_command import DEMO
    from .file_commands import EXPORT, IMPORT
    from .journal_commands import HISTORY, LOG
    from .list_commands import PLUGINS, TASKS, UNITS
    from .record_commands import (
        ABSENCE,
        ASSESSMENT,
        DISCIPLINE,
        HEAD,
        PERSON,
        PLAN,
        RESULT,
        TARGET,
        UNIT,
    )
    from .report_command import REPORT
    from .serve_command import ACCOUNT, SERVE
    from .store_commands import BACKUP, RESTORE, VERIFY
    from .survey_command import SURVEY
    from .task_commands import TASK
    from .urging_commands import DUE_SOON, EXPLAIN, OVERDUE, REMINDERS

    return (
        DEMO,
        INIT,
        CONFIG,
        UNIT,
        PERSON,
        HEAD,
        PLAN,
        TARGET,
        TASK,
        RESULT,
        ASSESSMENT,
        DISCIPLINE,
        ABSENCE,
        TASKS,
        UNITS,
        PLUGINS,
        OVERDUE,
        DUE_SOON,
        REMINDERS,
        EXPLAIN,
        VERIFY,
        HISTORY,
        LOG,
        BACKUP,
        RESTORE,
        COPY,
        REPORT,
        IMPORT,
        EXPORT,
        SERVE,
        SURVEY,
        ACCOUNT,
    )


# --- The parser -----------------------------------------------------------------------------

_DESCRIPTION = (
    "Track a CCHC (administrative-reform) plan: units and their heads, tasks and deadlines, "
    "targets, and the annual evaluation."
)

_EXIT_STATUS = textwrap.dedent(
    """\
    exit status:
      0  done
      1  a mistake: bad arguments, no store there, a bad file, invalid data (one line on
         stderr names the problem)
      2  cchc verify (or cchc backup) found tampering"""
)

_EPILOG = (
    examples_block(
        "cchc demo --store data/tan-hong",
        "cchc tasks data/tan-hong --status open --due-to 2025-06-30",
        "cchc report data/tan-hong 2025 --format html --out reports",
        "cchc verify data/tan-hong",
        "cchc COMMAND --help",
    )
    + "\n\n"
    + _EXIT_STATUS
)


def _build_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The ``cchc`` parser, and the parser of each command by name."""
    parser = Parser(
        prog="cchc",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=BlockHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"cchc {__version__}")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show the traceback of an unexpected failure (anywhere on the command line)",
    )
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    by_name: dict[str, argparse.ArgumentParser] = {}
    for command in _all_commands():
        by_name[command.name] = command.add_to(subcommands)
    return parser, by_name


# --- The entry points -----------------------------------------------------------------------


def commands() -> list[str]:
    """The names of the ``cchc`` subcommands, in the order ``cchc --help`` lists them."""
    return [command.name for command in _all_commands()]


def help_text(command: str | None = None) -> str:
    """What ``cchc --help`` (or ``cchc COMMAND --help``, or ``cchc COMMAND ACTION --help``
    for ``command="task complete"``) prints; ``KeyError`` for a command that does not
    exist. The width follows ``COLUMNS``, as argparse does."""
    parser, by_name = _build_parser()
    if command is None:
        return parser.format_help()
    words = command.split()
    if not words or words[0] not in by_name:
        raise KeyError(command)
    if len(words) == 1:
        return by_name[words[0]].format_help()
    shown = io.StringIO()
    try:
        with contextlib.redirect_stdout(shown):
            parser.parse_args([*words, "--help"])
    except SystemExit:
        return shown.getvalue()
    except UsageError:
        raise KeyError(command) from None
    raise KeyError(command)  # not reached: --help always exits


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``cchc`` command; returns the exit code (see the module's docstring)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args_list
    args_list = [a for a in args_list if a != "--debug"]
    try:
        return _run(args_list)
    except Exception as exc:
        if debug:
            raise
        # The command's --lang is not known here: the language of CCHC_LANG, else vi.
        problem = f"{type(exc).__name__}: {exc}"
        print(f"cchc: {translate('cli.unexpected', cli_lang(), problem=problem)}", file=sys.stderr)
        return EXIT_USER_ERROR


def _run(argv: Sequence[str]) -> int:
    """Parse and run; every error that is the user's to fix becomes one line."""
    args: argparse.Namespace | None = None
    try:
        parser, _ = _build_parser()
        args = parser.parse_args(argv)
        code: int = args.run(args)
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except UsageError as exc:
        print(one_line(exc.text(cli_lang(getattr(args, "lang", None)))), file=sys.stderr)
        return EXIT_USER_ERROR
    except StoreCorruptError as exc:
        print(f"cchc: {error_text(exc, cli_lang(getattr(args, 'lang', None)))}", file=sys.stderr)
        return EXIT_TAMPERED
    except CchcError as exc:
        line = one_line(error_text(exc, cli_lang(getattr(args, "lang", None))))
        print(f"cchc: {line}", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:
        # The reader stopped (``cchc log STORE | head``): nothing to say, nobody to say it to.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"cchc: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print(f"cchc: {translate('cli.interrupted', cli_lang(getattr(args, 'lang', None)))}",
              file=sys.stderr)  # fmt: skip
        return 130
    return code
