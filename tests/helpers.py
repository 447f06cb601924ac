"""Helpers shared by the tests of every folder (fixtures are in ``conftest.py``)."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import re
from collections.abc import Callable
from pathlib import Path

import pytest

import cchc_tasks as ct
from cchc_tasks.cli import main
from cchc_tasks.testing import raw_state


def store_files(folder: Path) -> dict[str, bytes]:
    """Every file of a store folder except the lock, by name: for byte-for-byte checks."""
    return {
        p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.name != "lock"
    }


def unchanged(
    tr: ct.Tracker, call: Callable[[], object], error: type[BaseException]
) -> BaseException:
    """``call`` raises ``error`` and leaves the documents, the raw TinyDB state (every
    document in its place), the journal seq and every store file exactly as they were;
    returns the error."""
    documents = copy.deepcopy(tr.to_documents())
    raw = raw_state(tr)
    order = {table: list(docs) for table, docs in raw.items()}
    seq = tr.seq
    before = store_files(Path(tr.path)) if tr.path else {}
    with pytest.raises(error) as caught:
        call()
    assert tr.to_documents() == documents
    after = raw_state(tr)
    assert after == raw
    assert {table: list(docs) for table, docs in after.items()} == order
    assert tr.seq == seq
    assert (store_files(Path(tr.path)) if tr.path else {}) == before
    return caught.value


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``cchc ARGS`` in this process: its exit status, what it printed, its errors."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --- English words in Vietnamese texts (issue 15) ----------------------------------------------

#: Common English words, and the words of the library's English messages, that must not
#: appear in a text shown in Vietnamese.
ENGLISH_WORDS = frozenset({
    "the", "of", "and", "not", "needs", "tasks", "task", "unit", "units", "rated", "head",
    "heads", "score", "points", "capped", "target", "targets", "failed", "pending", "overdue",
    "late", "due", "exceeded", "own", "every", "under", "over", "by", "with", "rating",
    "completed", "value", "rank", "previous", "year", "change", "growth", "milestone",
    "milestones", "or", "no", "pass", "fail", "to", "judge", "before", "first", "any_of",
    "all_of", "recorded", "rule", "set", "plugins", "configuration", "store", "seq", "none",
    "months", "from", "until", "cap", "base", "final", "undecided", "computed", "reliable",
})  # fmt: skip
#: English phrases of two words.
ENGLISH_PHRASES = frozenset({("at", "most"), ("on", "time")})
#: A word, or an id whose parts are joined by dots, dashes or underscores
#: (``decree90.good``, ``p-thang``): an id is one token, never its English-looking parts.
_TOKEN = re.compile(r"[^\W\d]\w*(?:[.\-_]\w+)*")
#: The citations of rendered reasons, ``[rule; source]`` (Markdown escapes the bracket).
_CITATION = re.compile(r"\\?\[[^\[\]]*\]")


def english_in(text: str) -> list[str]:
    """The English words and phrases of ``text``, in order, leaving out ids and the
    ``[rule; source]`` citations (rule ids and legal sources are cited as they are)."""
    tokens = [t.lower() for t in _TOKEN.findall(_CITATION.sub(" ", text))]
    words = [t for t in tokens if t in ENGLISH_WORDS]
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(tokens) if (a, b) in ENGLISH_PHRASES]
    return words + pairs


def plan_of_2025(id: str) -> ct.Plan:
    """The district's CCHC plan of 2025 (unit ``huyen``), as the sheet tests seed it."""
    return ct.Plan(
        id=id,
        title="Kế hoạch CCHC năm 2025",
        unit="huyen",
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
    )
