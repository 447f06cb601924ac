"""What ``cchc verify``, ``backup``, ``restore`` and ``copy`` print about a store's hash
chain, in the reader's language.

The store layer reports in a :class:`~cchc_tasks.store.VerifyReport` whose ``reason`` is
an English sentence (``str(report)`` starts with ``OK:`` or ``TAMPERED:``; programs and
logs read it as it is). The command words the report again from its fields, and the
reason from the phrases the store layer writes, each matched here and given its message;
a reason that matches none (a new one) is shown as the store wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..labels import Lang, t, table_label

if TYPE_CHECKING:
    from ..store import VerifyReport

__all__ = ["report_lines", "verify_text"]

_Words = Callable[[re.Match[str], Lang], str]


def _phrase(id: str, **named: Callable[[str, Lang], str]) -> _Words:
    """The message ``id`` with the groups of the match as its parameters; a group named
    in ``named`` is worded by the function given (itself a phrase, or a table's name)."""

    def words(found: re.Match[str], lang: Lang) -> str:
        params = {
            key: named[key](value, lang) if key in named else value
            for key, value in found.groupdict().items()
        }
        return t(id, lang, **params)

    return words


def _who(text: str, lang: Lang) -> str:
    """Where a reader stood in the journal: the snapshot, or the tracker that verifies."""
    return _reason(text, lang, _WHO)


def _difference(text: str, lang: Lang) -> str:
    """A difference between the snapshot's documents and the journal's."""
    return _reason(text, lang, _DIFFERENCES)


_WHO = {
    "the snapshot": _phrase("cli.verify.who_snapshot"),
    "this tracker": _phrase("cli.verify.who_tracker"),
}

_DIFFERENCES = {
    r"table '(?P<table>[^']*)' holds '(?P<id>[^']*)', which the journal never added": _phrase(
        "cli.verify.extra_document", table=table_label
    ),
    r"table '(?P<table>[^']*)' lacks '(?P<id>[^']*)', which the journal holds": _phrase(
        "cli.verify.missing_document", table=table_label
    ),
    r"table '(?P<table>[^']*)', document '(?P<id>[^']*)' differs from the journal": _phrase(
        "cli.verify.other_document", table=table_label
    ),
}

#: The phrases of a report's reason (its clauses are joined by "; ").
_CLAUSES = {
    r"(?P<lines>\d+) lines, the hash chain is intact": _phrase("cli.verify.intact"),
    r"(?P<lines>\d+) journal rows chained from the first": _phrase("cli.verify.rows_intact"),
    r"the documents match them": _phrase("cli.verify.rows_documents"),
    r"it passes through the recorded head \(line (?P<line>\d+)\)": _phrase("cli.verify.passes"),
    r"the snapshot \(line (?P<line>\d+)\) agrees with the journal": _phrase(
        "cli.verify.snapshot_agrees"
    ),
    r"an incomplete last line at byte (?P<byte>\d+) was not checked \(a write in progress, "
    r"or one that never returned\)": _phrase("cli.verify.torn"),
    r"hash does not match the line's content \(altered\)": _phrase("cli.verify.altered"),
    r"chain broken: the line before was altered, removed or reordered": _phrase(
        "cli.verify.chain_broken"
    ),
    r"sequence (?P<seq>\d+) follows (?P<previous>\d+)": _phrase("cli.verify.sequence"),
    r"expected the documents of the journal up to line (?P<line>\d+), got different ones: "
    r"(?P<difference>.*) \(the snapshot was edited\)": _phrase(
        "cli.verify.snapshot_edited", difference=_difference
    ),
    r"expected the chain to pass through the recorded head (?P<expect>\w+), got (?P<lines>\d+) "
    r"lines ending in head (?P<head>\w+)… without it: the journal was rewritten or cut before "
    r"that line": _phrase("cli.verify.not_through"),
    r"expected the journal to reach line (?P<line>\d+) \(byte (?P<byte>\d+)\), where "
    r"(?P<who>.*) stands; got (?P<lines>\d+) complete lines \((?P<size>\d+) bytes\): lines "
    r"after line \d+ were removed": _phrase("cli.verify.cut", who=_who),
    r"expected a line to end at byte (?P<byte>\d+), where (?P<who>.*) stands \(line "
    r"(?P<line>\d+)\); got the middle of a line: the journal was replaced or rewritten": _phrase(
        "cli.verify.mid_line", who=_who
    ),
    r"expected line (?P<line>\d+) with hash (?P<hash>\w+)… at byte (?P<byte>\d+), where "
    r"(?P<who>.*) stands; got line (?P<found>\d+) with hash (?P<found_hash>\w+)…: the journal "
    r"was replaced or rewritten \(lines altered and every hash after them recomputed\)": _phrase(
        "cli.verify.rewritten", who=_who
    ),
    r"cannot read the store \((?P<why>.*)\)": _phrase("cli.verify.unreadable"),
}


def _reason(text: str, lang: Lang, phrases: dict[str, _Words]) -> str:
    """``text`` in ``lang`` if one of ``phrases`` matches it whole, else as written."""
    if lang == "en":
        return text
    for pattern, words in phrases.items():
        found = re.fullmatch(pattern, text)
        if found is not None:
            return words(found, lang)
    return text


def verify_text(report: VerifyReport, lang: Lang) -> str:
    """The first line of a report: intact (what was checked, clause by clause), or where
    the tampering is, and why (one sentence, which may hold a "; " of its own)."""
    if report.ok:
        clauses = report.reason.split("; ")
        reason = "; ".join(_reason(clause, lang, _CLAUSES) for clause in clauses)
        return t("cli.verify.ok", lang, reason=reason)
    reason = _reason(report.reason, lang, _CLAUSES)
    where = report.file or "?"
    if report.first_bad_line is not None:
        where = t("cli.verify.at_line", lang, file=where, line=report.first_bad_line)
    return t("cli.verify.tampered", lang, where=where, reason=reason)


def report_lines(report: VerifyReport, lang: Lang) -> list[str]:
    """What ``cchc verify`` prints: the report, then how many lines checked out and the
    last good hash."""
    return [
        verify_text(report, lang),
        t("cli.verify.checked", lang, lines=report.lines, head=report.head),
    ]
