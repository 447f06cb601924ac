"""Helpers shared by the tests of every folder (fixtures are in ``conftest.py``)."""

from __future__ import annotations

import copy
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
