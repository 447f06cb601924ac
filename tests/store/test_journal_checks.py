"""The journal's quick checks agree with the thorough ones they stand in for: the
length check of a large line finds exactly the too-long texts :func:`check_texts`
finds, and a line written in parts is the line :func:`seal` makes."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_tasks.errors import ValidationError
from cchc_tasks.store.journal import (
    Change,
    check_text_lengths,
    check_texts,
    seal,
    seal_parts,
)
from cchc_tasks.store.state import copy_json

LIMIT = 20_000

# Texts around the limit are built, not drawn: drawing 20,000 characters is slow.
texts = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=8),
    st.integers(-2, 2).map(lambda k: "á" * (LIMIT + k)),
)
documents = st.recursive(
    st.none() | st.booleans() | st.integers() | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=12,
)


def outcome(check: Any, changes: tuple[Change, ...]) -> str | None:
    try:
        check(changes)
    except ValidationError as exc:
        return str(exc.field)
    return None


@settings(max_examples=150, deadline=None)
@given(st.lists(documents, min_size=1, max_size=4))
def test_the_length_check_finds_what_the_thorough_check_finds(docs: list[Any]) -> None:
    changes = tuple(
        Change("tasks", f"t{n}", None, {"id": f"t{n}", "x": doc}) for n, doc in enumerate(docs)
    )
    assert outcome(check_text_lengths, changes) == outcome(check_texts, changes)


def test_a_deleted_document_has_no_text_to_check() -> None:
    check_text_lengths((Change("tasks", "t", {"id": "t", "title": "x" * (LIMIT + 1)}, None),))


@given(documents)
def test_a_line_in_parts_is_the_sealed_line(doc: Any) -> None:
    fields = {"v": 1, "seq": 1, "changes": [copy_json(doc)]}
    parts, digest = seal_parts(fields, "0" * 64)
    assert (b"".join(parts), digest) == seal(fields, "0" * 64)
    assert b"".join(parts).endswith(f'"hash":"{digest}"}}\n'.encode())


@pytest.mark.parametrize("where", ["title", "evidence"])
def test_a_too_long_text_is_named_by_its_path(where: str) -> None:
    doc: dict[str, Any] = {"id": "t", "title": "ok", "evidence": ["ok"]}
    if where == "title":
        doc["title"] = "x" * (LIMIT + 1)
    else:
        doc["evidence"] = ["ok", "x" * (LIMIT + 1)]
    with pytest.raises(ValidationError) as caught:
        check_text_lengths((Change("tasks", "t", None, doc),))
    expected = "title" if where == "title" else "evidence[1]"
    assert caught.value.field == f"tasks['t'].{expected}"
