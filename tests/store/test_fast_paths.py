"""The store's quick paths agree with the thorough ones they stand in for: the length
check of a large line finds exactly the too-long texts :func:`check_texts` finds, the
commit skips walking exactly the documents vouched for, a document changed in place is
the document put anew (and is changed in place exactly when no one else can hold it),
a line written in parts is the line :func:`seal` makes, the snapshot's ASCII JSON is the
standard library's, and lookups moved on a replace are the lookups rebuilt."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cchc_tasks._json import dumps_ascii_parts
from cchc_tasks.errors import StoreError, ValidationError
from cchc_tasks.store import Store
from cchc_tasks.store.journal import (
    Change,
    check_text_lengths,
    check_texts,
    seal,
    seal_parts,
)
from cchc_tasks.store.state import State, copy_json

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


class Undone(Exception):
    """Raised to undo a nested transaction."""


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["t1", "t2", "t3"]),
            st.booleans(),  # a text too long
            st.booleans(),  # the writer vouches for the texts
            st.sampled_from(["put", "undone", "nested"]),
        ),
        max_size=10,
    )
)
def test_the_commit_walks_the_texts_of_exactly_the_documents_not_vouched_for(
    puts: list[tuple[str, bool, bool, str]],
) -> None:
    """A writer that vouches (``texts_checked``) made the document from an object whose
    validators bound its texts; the commit walks only the others, whatever replaced or
    undid what. A vouched text too long (which a real writer never sends) shows which
    were skipped: the commit refuses exactly when a document it writes was not vouched
    for and holds one."""
    store = Store(None)
    final: dict[str, tuple[bool, bool]] = {}  # key: (too long, vouched), as written
    try:
        with store.transaction():
            for key, too_long, vouched, how in puts:
                doc = {"id": key, "title": "á" * (LIMIT + 1) if too_long else "ok"}
                if how == "put":
                    store.put("tasks", doc, texts_checked=vouched)
                    final[key] = (too_long, vouched)
                    continue
                with contextlib.suppress(Undone), store.transaction():
                    store.put("tasks", doc, texts_checked=vouched)
                    if how == "undone":
                        raise Undone
                if how == "nested":
                    final[key] = (too_long, vouched)
    except ValidationError as exc:
        refused: str | None = str(exc.field)
    else:
        refused = None
    expected = [key for key, (too_long, vouched) in final.items() if too_long and not vouched]
    if expected:
        assert refused is not None and refused.removeprefix("tasks['").split("'")[0] in expected
        assert store.seq == 0
    else:
        assert refused is None
        assert store.seq == (1 if final else 0)


simple_ops = st.tuples(
    st.sampled_from(["put", "change", "read", "put again"]),
    st.sampled_from(["t1", "t2", "t3"]),
    st.sampled_from(["a", "b", "c"]),
)
nested_ops = st.tuples(st.just("nested"), st.booleans(), st.lists(simple_ops, max_size=4))


@settings(max_examples=200, deadline=None)
@given(st.lists(simple_ops | nested_ops, max_size=10), st.booleans(), st.booleans())
# The lookups read a document a nested transaction puts back when it is undone.
@example(
    ops=[
        ("nested", True, [("put", "t2", "a")]),
        ("nested", False, [("read", "t1", "a"), ("put", "t2", "a")]),
        ("change", "t2", "b"),
    ],
    existing=False,
    commits=False,
)
# A document put again as it is: the version to go back to if the nested one is undone.
@example(
    ops=[("put", "t1", "a"), ("nested", False, [("put again", "t1", "a"), ("change", "t1", "b")])],
    existing=False,
    commits=True,
)
def test_a_document_changed_in_place_is_the_document_put_anew(
    ops: list[Any], existing: bool, commits: bool
) -> None:
    """Changing in place is putting a changed copy, and happens exactly when the
    document is the one the innermost open transaction put (no savepoint before, nor
    anyone outside the transaction, holds it); otherwise nothing changes. The state,
    its lookups (read halfway or not), the line written and an undo all agree with a
    model that only ever puts copies."""
    store = Store(None)
    store.state.add_lookup("tasks", "v", lambda doc: doc["v"], "v")
    if existing:
        with store.transaction():
            store.put("tasks", {"id": "t1", "v": "a"})
    model = copy_json(store.state.raw.get("tasks", {}))
    start = {doc["id"]: doc for doc in model.values()}
    # The keys each open (nested) transaction put, innermost last, and whether the
    # document it put may be changed in place (not if it was there before, put again).
    put_in: list[dict[str, bool]] = [{}]
    current = dict(start)

    def run(op: Any) -> None:
        kind, key, value = op
        if kind == "put":
            store.put("tasks", {"id": key, "v": value})
            current[key] = {"id": key, "v": value}
            put_in[-1][key] = True
        elif kind == "put again":
            doc = store.state.get("tasks", key)
            if doc is not None:
                store.put("tasks", doc)
                put_in[-1].setdefault(key, False)
        elif kind == "change":
            doc = store.state.get("tasks", key)
            if doc is None:
                return
            changed = store.change_in_place("tasks", doc, {"v": value})
            assert changed == put_in[-1].get(key, False)
            if changed:
                current[key] = {"id": key, "v": value}
        else:
            for v in ("a", "b", "c"):
                expected = {k for k, doc in current.items() if doc["v"] == v}
                assert store.state.lookup("tasks", "v", v) == expected

    with contextlib.suppress(Undone), store.transaction():
        for op in ops:
            if op[0] != "nested":
                run(op)
                continue
            _, succeeds, inner = op
            saved = dict(current)
            put_in.append({})
            with contextlib.suppress(Undone), store.transaction():
                for each in inner:
                    run(each)
                if not succeeds:
                    raise Undone
            keys = put_in.pop()
            if succeeds:
                put_in[-1].update(keys)
            else:
                current = saved
        if not commits:
            raise Undone
    final = current if commits else start
    assert {doc["id"]: doc for doc in store.state.docs("tasks")} == final
    for v in ("a", "b", "c"):
        expected = {k for k, doc in final.items() if doc["v"] == v}
        assert store.state.lookup("tasks", "v", v) == expected
    # The line written holds the last version of every document put and not undone.
    written = set(put_in[0]) if commits else set()
    if written:
        assert store.last_entry is not None
        assert {c.id: c.after for c in store.last_entry.changes} == {
            key: final[key] for key in written
        }
    else:
        assert store.seq == (1 if existing else 0)


def test_a_document_is_changed_in_place_only_inside_a_transaction() -> None:
    store = Store(None)
    with store.transaction():
        store.put("tasks", {"id": "t1", "v": "a"})
    doc = store.state.get("tasks", "t1")
    assert doc is not None
    with pytest.raises(StoreError, match="inside Store.transaction"):
        store.change_in_place("tasks", doc, {"v": "b"})
    assert store.state.get("tasks", "t1") == {"id": "t1", "v": "a"}


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


# Any text: Vietnamese, Latin-1, beyond the BMP, backslashes before x and U, controls,
# DEL (which orjson writes as it is), letters x beside escapes and the byte that stands
# in for them while the text is escaped.
any_text = st.text(st.characters(exclude_categories=["Cs"])) | st.sampled_from(
    [
        *("Nhiệm vụ", "é", "\\xe9", "\\é", "\\U0001F600", "😀", '\n\t"', "a\\\\xb"),
        *("\x7f", "xã", "é\x01x", "\\xxé"),
    ]
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | any_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3),
    max_leaves=10,
)


@given(json_values)
@example("\x7f")  # ASCII already: the fast path
@example({"xã": ["\x7f", "é"]})  # escaped
@example(["é\\U0001f600", "😀"])  # a text's own \U, and an escape of one
def test_ascii_json_is_the_standard_librarys(value: Any) -> None:
    expected = json.dumps(value, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    assert b"".join(dumps_ascii_parts(value)) == expected
    # In parts cut anywhere (but inside a character): the same bytes once joined.
    for size in (1, 2, 5):
        parts = list(dumps_ascii_parts(value, size))
        assert b"".join(parts) == expected
        assert all(part.isascii() for part in parts)


lookup_docs = st.fixed_dictionaries(
    {"unit": st.sampled_from(["a", "b"]), "status": st.sampled_from(["open", "done"])}
)


@given(
    st.lists(st.tuples(st.sampled_from(["t1", "t2", "t3"]), lookup_docs), max_size=12),
    st.booleans(),
)
def test_lookups_moved_on_replace_are_the_lookups_rebuilt(puts: list[Any], fields: bool) -> None:
    live = State()
    for name in ("unit", "status"):
        # With its field named, a lookup is not asked for a replacing document whose
        # field is the very object the replaced one held (as an update re-encodes).
        live.add_lookup("tasks", name, lambda doc, name=name: doc[name], name if fields else None)
    for key, doc in puts:
        was = live.get("tasks", key)
        # An update as the tracker makes it: the old document with the changed fields.
        live.put("tasks", {"id": key, **doc} if was is None else {**was, **doc})
    rebuilt = State(copy_json(live.raw))
    for name in ("unit", "status"):
        rebuilt.add_lookup("tasks", name, lambda doc, name=name: doc[name])
        for value in ("a", "b", "open", "done"):
            assert live.lookup("tasks", name, value) == rebuilt.lookup("tasks", name, value)


state_ops = st.lists(
    st.tuples(
        st.sampled_from(["put", "delete", "undo"]),
        st.sampled_from(["tasks", "units"]),
        st.sampled_from(["k1", "k2", "k3"]),
        st.integers(0, 3),
    ),
    max_size=20,
)


@given(state_ops)
def test_a_document_read_by_key_is_the_one_its_doc_id_holds(ops: list[Any]) -> None:
    """``State.get`` and ``get_many`` read a key → document map kept beside TinyDB's doc
    ids: after any puts, deletes and undos (a rolled-back transaction) it holds exactly
    the documents of the tables, by key."""
    state = State()
    undone: list[tuple[str, str, Any, str]] = []
    for op, table, key, value in ops:
        if op == "put":
            before, doc_id = state.put_with_id(table, {"id": key, "n": value})
            undone.append((table, key, before, doc_id))
        elif op == "delete":
            doc_id = state.doc_id(table, key)
            before = state.delete(table, key)
            if before is not None and doc_id is not None:
                undone.append((table, key, before, doc_id))
        elif undone:
            table, key, before, doc_id = undone.pop()
            state.undo(table, key, before, doc_id)
        state.drop_empty_tables(keep=())
    for table in ("tasks", "units"):
        by_doc_id = {doc["id"]: doc for doc in state.docs(table)}
        for key in ("k1", "k2", "k3"):
            assert state.get(table, key) is by_doc_id.get(key)
            assert state.has(table, key) == (key in by_doc_id)
        assert state.get_many(table, ["k3", "k1", "k2"]) == [
            by_doc_id[k] for k in ("k3", "k1", "k2") if k in by_doc_id
        ]


lookup_ops = st.lists(
    st.tuples(
        st.sampled_from(["put", "delete", "undo", "read", "new lookup"]),
        st.sampled_from(["k1", "k2", "k3"]),
        lookup_docs,
    ),
    max_size=25,
)


def lookups_of(state: State, names: list[str]) -> dict[str, dict[str, set[str]]]:
    return {
        name: {v: state.lookup("tasks", name, v) for v in ("a", "b", "open", "done")}
        for name in names
    }


@given(lookup_ops, st.booleans())
def test_lookups_read_between_any_changes_are_the_lookups_rebuilt(
    ops: list[Any], fields: bool
) -> None:
    """Writes only note their changes; a lookup takes them in when it is next read. Read
    after any puts, deletes and undos (a rolled-back transaction), at any points, even
    one registered in between (a second session over the store), every lookup is the
    lookup built afresh from the documents."""
    live = State()
    names: list[str] = []

    def register(name: str) -> None:
        live.add_lookup("tasks", name, lambda doc: doc[name], name if fields else None)
        names.append(name)

    register("unit")
    undone: list[tuple[str, Any, str]] = []
    for op, key, doc in ops:
        was = live.get("tasks", key)
        if op == "put":
            before, doc_id = live.put_with_id(
                "tasks", {"id": key, **doc} if was is None else {**was, **doc}
            )
            undone.append((key, before, doc_id))
        elif op == "delete":
            doc_id = live.doc_id("tasks", key)
            if live.delete("tasks", key) is not None and doc_id is not None:
                undone.append((key, was, doc_id))
        elif op == "undo" and undone:
            key, before, doc_id = undone.pop()
            live.undo("tasks", key, before, doc_id)
        elif op == "read":
            assert_lookups_rebuilt(live, names)
        elif op == "new lookup" and "status" not in names:
            register("status")
    assert_lookups_rebuilt(live, names)


def assert_lookups_rebuilt(live: State, names: list[str]) -> None:
    rebuilt = State(copy_json(live.raw))
    for name in names:
        rebuilt.add_lookup("tasks", name, lambda doc, name=name: doc[name])
    assert lookups_of(live, names) == lookups_of(rebuilt, names)
