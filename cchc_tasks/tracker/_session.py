"""The session of a tracker: its store, plugins and settings, and the one write path.

Every write of every service goes the same way: :meth:`Session.writable` refuses a
read-only view before the arguments are looked at; :meth:`Session.write` opens the
store's transaction (a batch nests in it); inside it the service checks its input
against the current state and asks :meth:`Session.allow` (the ``cchc_authorize``
plugins) before it puts anything; when the outermost write commits, the
``cchc_task_changed`` listeners are told. Any error leaves the store as it was.

The session also decodes stored documents, remembering each decoded object while its
document is the same object: the store replaces documents, never changes them, but for
one the write in progress made itself, which only the session's own puts change in
place (and remember the object again).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import operator
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import pluggy

from .._codec import load_trusted, trusted_loader, unstructure, unstructure_changes
from .._collector import collector_deferred
from .._fields import check_actor
from ..calendar import WorkingCalendar
from ..config import CONFIGURATION_ID, Settings, StoreConfiguration, load_settings
from ..errors import (
    CchcError,
    DuplicateIdError,
    NotFoundError,
    RuleError,
    StoreError,
    ValidationError,
)
from ..i18n import register_catalog
from ..plugins import EnabledPlugins, Hooks, enable_entrypoints
from ..store import Store
from ..targets import register_rule_kind
from ..tasks import Task, TaskOutcome
from ._tables import TABLES, lookups

if TYPE_CHECKING:
    import os
    from collections.abc import Mapping

    from .reader import Reader

    ConfigSource = str | os.PathLike[str] | Mapping[str, Any] | Settings | None

__all__ = ["ListenerWarning", "Rules", "Service", "Session"]


#: The key of a stored document (every document carries it in ``"id"``), read in C.
_DOC_KEY = operator.itemgetter("id")


class ListenerWarning(RuntimeWarning):
    """A ``cchc_task_changed`` listener failed after the change was saved."""


# ListenerWarning is part of the public API as cchc_tasks.ListenerWarning.
ListenerWarning.__module__ = "cchc_tasks.tracker"

T = TypeVar("T")
#: (table, id or None, field that names it): something an object refers to.
Reference = tuple[str, str | None, str]


class Rules:
    """The plugins and settings in force for one configuration document of the store:
    the plugin manager (built-in rules, the tracker's own plugins, the installed ones
    the configuration enables), the settings, and the plugins it names that are missing
    (name → why), which make every evaluation refuse to run."""

    def __init__(
        self,
        doc: dict[str, Any] | None,
        configuration: StoreConfiguration,
        enabled: EnabledPlugins,
        settings: Settings | None,
        settings_error: CchcError | None,
    ) -> None:
        self.doc = doc
        self.configuration = configuration
        self.pm = enabled.pm
        self.missing = enabled.missing
        self.hooks = Hooks(enabled.pm)
        self.settings = settings
        self.settings_error = settings_error


class Session:
    """The state a tracker and its services share; see the module docstring."""

    def __init__(
        self,
        store: Store,
        pm: pluggy.PluginManager,
        config: ConfigSource = None,
        *,
        entrypoints: bool = True,
        actor: str | None = None,
        ruleset: str | None = None,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        check_actor(actor, "Tracker.actor")
        self.store = store
        #: The plugins given when the tracker was made; see :meth:`rules`.
        self.base_pm = pm
        self.config_source = config
        self.entrypoints = entrypoints
        self.actor = actor
        self.ruleset = ruleset
        self.today = today
        #: Why writes are refused (a read-only view), or ``None`` when writable.
        self.read_only: str | None = None
        #: The calendar last built, reused while the overrides are the same.
        self.calendar: WorkingCalendar | None = None
        # table → key → decoded object, and the document it was decoded from. Two maps,
        # not one of pairs: a pair per object is one more object for the collector to
        # walk (100,000 more when a 50,000-task store is read).
        self.cache: dict[str, dict[str, Any]] = {table: {} for table in TABLES}
        self.decoded_from: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in TABLES}
        # For each task the transaction in progress replaced, the task as it was before
        # (with its document), when it had been decoded: the listeners are told of each
        # change with the task as it was, which was decoded already (read to be
        # changed) but is no longer in the cache. Only the first version is kept: a
        # version the transaction wrote and replaced is freed. A task that was not
        # decoded, or did not exist, has no entry (a batch's 50,000 new tasks none).
        self.replaced: dict[str, tuple[dict[str, Any], Any]] = {}
        #: Today as the write in progress sees it (today_in_write()), or None.
        self.write_day: dt.date | None = None
        # (table, lookup, first value, last value) → (state, its version of the table,
        # objects): all_between().
        self.by_lookup: dict[tuple[str, str, Any, Any], tuple[Any, int, list[Any]]] = {}
        for table, name, key, field in lookups():
            store.state.add_lookup(table, name, key, field)
        self._rules: Rules | None = None

    # -- the rules in force -----------------------------------------------------------

    def rules(self) -> Rules:
        """The plugins and settings for the store's configuration as it is now, rebuilt
        only when its document changes (the store replaces documents; its table's are never
        changed in place: see TableSpec.changed_in_place)."""
        doc = self.store.state.get("configuration", CONFIGURATION_ID)
        rules = self._rules
        if rules is not None and rules.doc is doc:
            return rules
        configuration = StoreConfiguration() if doc is None else self.decode("configuration", doc)
        rules = self.rules_for(configuration)
        rules.doc = doc
        self._rules = rules
        return rules

    def rules_for(self, configuration: StoreConfiguration) -> Rules:
        """The plugins and settings ``configuration`` would put in force."""
        enabled = enable_entrypoints(
            self.base_pm, configuration.plugins, entrypoints=self.entrypoints
        )
        hooks = Hooks(enabled.pm)
        for kind in hooks.rule_kinds():
            register_rule_kind(kind)
        for domain, localedir in hooks.message_catalogs():
            register_catalog(domain, localedir)
        settings: Settings | None = None
        error: CchcError | None = None
        try:
            settings = load_settings(
                self.config_source, hooks.config_layers(), configuration.config
            )
        except CchcError as exc:
            if not enabled.missing:
                raise
            error = exc  # a missing plugin's section: the missing plugin is the news
        return Rules(None, configuration, enabled, settings, error)

    @property
    def pm(self) -> pluggy.PluginManager:
        return self.rules().pm

    @property
    def hooks(self) -> Hooks:
        return self.rules().hooks

    @property
    def settings(self) -> Settings:
        rules = self.rules()
        if rules.settings is None:
            self.require_plugins()
            assert rules.settings_error is not None
            raise rules.settings_error
        return rules.settings

    def require_plugins(self) -> None:
        """Refuse to go on when a plugin the store's configuration enables is missing:
        a rating without it would differ from the one the store was meant to give."""
        rules = self.rules()
        if not rules.missing:
            return
        for name, why in rules.missing.items():
            version = rules.configuration.plugins.get(name, "?")
            raise RuleError(
                f"the store's configuration enables the plugin {name} (version {version} "
                f"recorded), which is {why}; install it, or change the store's "
                "configuration (Tracker.configure, cchc config plugins)",
                plugin=name,
            )

    def view(self, store: Store, why: str) -> Session:
        """A read-only session over ``store`` with these plugins and settings."""
        view = Session(
            store,
            self.base_pm,
            self.config_source,
            entrypoints=self.entrypoints,
            actor=self.actor,
            ruleset=self.ruleset,
            today=self.today,
        )
        view.read_only = why
        return view

    # -- the write path ---------------------------------------------------------------

    def writable(self, *, configuring: bool = False) -> None:
        """Refuse any write on a read-only view, before looking at the arguments, and
        any write but a new configuration while an enabled plugin is missing (it may be
        one that authorizes writes)."""
        if self.read_only is not None:
            raise StoreError(
                f"expected a writable tracker, got a read-only view ({self.read_only}); "
                "write through the tracker the store was opened with"
            )
        if not configuring:
            self.require_plugins()

    @contextlib.contextmanager
    def write(self, actor: str | None, note: str | None) -> Iterator[None]:
        """The store's transaction; the listeners are told when the outermost commits."""
        outermost = not self.store.in_transaction
        seq = self.store.seq
        try:
            with self.store.transaction(actor or self.actor, note):
                yield
            if outermost and self.store.seq != seq:
                self.notify(self.store.seq)
        finally:
            if outermost:
                self.replaced.clear()
                self.write_day = None

    def today_in_write(self) -> dt.date:
        """Today, read once per outermost write: the checks of one write (a batch's
        50,000 completions) see one day, and the clock is not asked for each."""
        if not self.store.in_transaction:
            return self.today()
        if self.write_day is None:
            self.write_day = self.today()
        return self.write_day

    def allow(self, action: str, target: Any, reader: Reader) -> None:
        """Ask the ``cchc_authorize`` plugins (inside the write, before any change)."""
        rules = self.rules()
        if rules.pm.hook.cchc_authorize.get_hookimpls():
            rules.hooks.authorize(self.store.pending_actor, action, target, reader)

    def notify(self, seq: int) -> None:
        entry = self.store.last_entry
        if entry is None or entry.seq != seq or not self.pm.hook.cchc_task_changed.get_hookimpls():
            return
        changes = [change for change in entry.changes if change.table == "tasks"]
        replaced = self.replaced
        cache, decoded_from = self.cache["tasks"], self.decoded_from["tasks"]
        load = trusted_loader(TABLES["tasks"].cls)

        def pairs() -> Iterator[tuple[Task | None, Task | None]]:
            """Each change's task before and after: decoded already (the one before as
            the write first found it; the one after is the cache's), or decoded now
            (the one before without caching it: the cache holds the task as it is).
            In line, not by decode(): a batch's line is 50,000 changes."""
            for change in changes:
                key, doc, after = change.id, change.before, change.after
                was: Task | None = None
                if doc is not None:
                    found = replaced.get(key)
                    was = found[1] if found is not None and found[0] is doc else load(doc)
                if after is None:
                    yield was, None
                elif decoded_from.get(key) is after:
                    yield was, cache[key]
                else:
                    yield was, self.decode("tasks", after)

        failures = self.hooks.tasks_changed(pairs(), entry.actor, entry.note, entry.at)
        for n, exc in failures:
            # The change is durable; raising now would tell the caller it failed.
            warnings.warn(
                f"{exc} (the change to task {changes[n].id} was saved as journal entry "
                f"{entry.seq}; only the notification failed)",
                ListenerWarning,
                stacklevel=5,
            )

    def put(self, table: str, obj: Any) -> None:
        cache, decoded_from = self.cache[table], self.decoded_from[table]
        key = obj.id
        # The object this one replaces, if it was read before (cache and decoded_from
        # are set together): an update's document is the one it was read from with the
        # changed fields encoded again.
        spec = TABLES[table]
        # The object was validated when it was made: its texts are storable if its
        # class's validators bound them all (TableSpec.texts_bounded).
        vouched = spec.texts_bounded
        was = cache.get(key)
        if was is None:
            doc = unstructure(obj)
            before = None
        else:
            was_doc = decoded_from[key]
            changes = unstructure_changes(obj, was, was_doc, spec.derived_key)
            if changes is None:
                doc = unstructure(obj)
            elif spec.changed_in_place and self.store.change_in_place(
                table, was_doc, changes, texts_checked=vouched
            ):
                # The document this transaction wrote, changed itself (a task added and
                # completed in one batch): it was no change's version before, so the
                # listeners need nothing of it.
                cache[key] = obj
                return
            else:
                doc = was_doc.copy()
                doc.update(changes)
            before = (was_doc, was)
        doc["id"] = key  # a derived key is stored too, for TinyDB readers
        # The task as the write first found it, for the listeners (notify); one not
        # read before (a new one) they decode from the line, as they would from None.
        if before is not None and table == "tasks" and key not in self.replaced:
            self.replaced[key] = before
        self.store.put(table, doc, texts_checked=vouched)
        # The object is its document decoded: remember it so reads need not decode.
        cache[key] = obj
        decoded_from[key] = doc

    def delete(self, table: str, key: str) -> None:
        self.store.delete(table, key)

    # -- reading ----------------------------------------------------------------------

    def decode(self, table: str, doc: dict[str, Any]) -> Any:
        key = doc["id"]
        if self.decoded_from[table].get(key) is doc:
            return self.cache[table][key]
        spec = TABLES[table]
        data = {k: v for k, v in doc.items() if k != "id"} if spec.derived_key else doc
        obj = load_trusted(spec.cls, data)  # validated when written; see load_trusted
        self.cache[table][key] = obj
        self.decoded_from[table][key] = doc
        return obj

    def find(self, table: str, key: str) -> Any:
        """The object keyed ``key``, or ``None``."""
        doc = self.store.state.get(table, key) if isinstance(key, str) else None
        return None if doc is None else self.decode(table, doc)

    def get(self, table: str, key: str, field: str | None = None) -> Any:
        """The object keyed ``key``; :class:`NotFoundError` naming ``field`` if none."""
        found = self.find(table, key)
        if found is None:
            raise NotFoundError(TABLES[table].kind, key, field)
        return found

    def exists(self, table: str, key: str | None) -> bool:
        return key is not None and self.store.state.has(table, key)

    def require(self, table: str, key: str | None, field: str) -> None:
        """``key`` (unless ``None``) names an object of ``table``."""
        # The state asked straight, not through exists(): a batch's additions check
        # three references each.
        if key is not None and not self.store.state.has(table, key):
            raise NotFoundError(TABLES[table].kind, key, field)

    def require_new(self, table: str, obj: Any) -> None:
        if self.store.state.has(table, obj.id):
            raise DuplicateIdError(TABLES[table].kind, obj.id)

    def all(
        self,
        table: str,
        keys: Iterable[str] | None = None,
        doc_order: Callable[[dict[str, Any]], Any] | None = None,
    ) -> list[Any]:
        """Every object of ``table``, or those keyed ``keys`` (missing keys skipped), in
        the order of their documents by ``doc_order`` if given (documents sort faster
        than the objects they decode to: ``reader.due_order``), else in the order of
        ``keys``."""
        state = self.store.state
        if keys is not None and doc_order is None:
            return self.keyed(table, keys)
        docs: Iterable[dict[str, Any]]
        docs = state.docs(table) if keys is None else state.get_many(table, keys)
        if doc_order is not None:
            docs = sorted(docs, key=doc_order)
        return self._objects(table, zip(map(_DOC_KEY, docs), docs, strict=True))

    def keyed(self, table: str, keys: Iterable[str]) -> list[Any]:
        """The objects keyed ``keys``, in that order, missing keys skipped. The cache is
        checked by key, so a document is read only to be decoded: the year's 10,000
        documents lie all over the heap, and reading each one's key is a miss of the
        processor's cache."""
        docs = self.store.state.by_key.get(table)
        if docs is None:
            return []
        keys = keys if isinstance(keys, list) else list(keys)
        return self._objects(table, zip(keys, map(docs.get, keys), strict=True))

    def _objects(self, table: str, docs: Iterable[tuple[str, dict[str, Any] | None]]) -> list[Any]:
        """The objects of ``docs``, (key, document) pairs (``None``: none, skipped): from
        the cache when decoded from that very document, else decoded and cached. The hot
        path of every query."""
        cache, decoded_from = self.cache[table], self.decoded_from[table]
        spec = TABLES[table]
        # Reading a freshly opened store decodes most of these: the loader called
        # straight, not through decode(), which would look it up again for each one
        # (decode() leaves a derived key out of the object).
        load = None if spec.derived_key else trusted_loader(spec.cls)
        found = []
        with collector_deferred():  # a fresh store's year is 10,000 new objects
            for key, doc in docs:
                if doc is None:
                    continue
                if decoded_from.get(key) is doc:
                    found.append(cache[key])
                elif load is None:
                    found.append(self.decode(table, doc))
                else:
                    found.append(obj := load(doc))  # validated when written: load_trusted
                    cache[key], decoded_from[key] = obj, doc
        return found

    def keys_between(self, table: str, name: str, first: Any, last: Any) -> list[str]:
        """The keys of ``table`` whose lookup ``name`` gives a value from ``first`` to
        ``last`` (both included), by that value, then by key as text."""
        state = self.store.state
        keys: list[str] = []
        for value in sorted(v for v in state.lookup_values(table, name) if first <= v <= last):
            keys += sorted(state.lookup(table, name, value))
        return keys

    def all_between(self, table: str, name: str, first: Any, last: Any) -> list[Any]:
        """``keyed(table, keys_between(table, name, first, last))``, remembered while the
        table is unchanged: an evaluation reads the year's 10,000 tasks by due day, and
        a second evaluation of the same state need not check each one against the
        cache again."""
        state = self.store.state
        version = state.version(table)
        remembered = self.by_lookup.get((table, name, first, last))
        if remembered is not None and remembered[0] is state and remembered[1] == version:
            return list(remembered[2])
        found = self.keyed(table, self.keys_between(table, name, first, last))
        self.by_lookup[table, name, first, last] = (state, version, found)
        return list(found)

    def lookup(self, table: str, name: str, value: Any) -> set[str]:
        """Keys of the objects of ``table`` whose lookup ``name`` gives ``value``."""
        return self.store.state.lookup(table, name, value)

    def matching(self, table: str, **filters: Any) -> set[str] | None:
        """Keys matching every lookup filter that is not ``None`` (``None`` when no
        filter is given: every key): a set to read, not to change."""
        keys: set[str] | None = None
        for name, value in filters.items():
            if value is not None:
                found = self.store.state.lookup(table, name, value)
                # One filter: the lookup's own set, to be read and not changed, as
                # lookup() gives it (a unit's 400 keys are not copied for each query).
                keys = found if keys is None else keys & found
        return keys

    def task_outcomes(self, tasks: Sequence[Task], as_of: dt.date) -> dict[str, TaskOutcome]:
        """How each task counts on ``as_of``, by the ``cchc_task_outcomes`` plugins (the
        built-in rules and any that answer), as the evaluation counts them."""
        return self.hooks.task_outcomes(tasks, as_of) if tasks else {}

    def check_recorded_day(self, field: str, day: dt.date, plan: str | None = None) -> None:
        """A day something happened (a completion, a report, a decision, a visit): not
        after the end of the tracker's current year, nor before plan ``plan`` starts
        (or, with no plan named, before the earliest plan of the store starts).

        The bound is the year's end rather than today: the year's records (the demo's
        December reports among them) may be entered ahead of the last days of the year,
        while a typo of a later year is refused."""
        year = self.today_in_write().year
        if day.year > year:
            last = dt.date(year, 12, 31)
            raise ValidationError(field, f"a date up to {last.isoformat()}", day)
        if plan is not None:
            bound = self.get("plans", plan, field)
        else:
            plans = self.all("plans")
            if not plans:
                return
            bound = min(plans, key=lambda p: p.start)
        if day < bound.start:
            # Worded only now: a batch checks 50,000 days.
            what = (
                f"the start of plan {bound.id}"
                if plan is not None
                else f"the start of the earliest plan, {bound.id}"
            )
            raise ValidationError(
                field, f"a date from {bound.start.isoformat()} ({what}) to today", day
            )

    @staticmethod
    def check_type(obj: Any, cls: type, name: str) -> None:
        if not isinstance(obj, cls):
            raise ValidationError(name, f"a {cls.__name__}", obj)


class Service:
    """A part of the façade: one concept's writes (and the reads that need more than
    the state), over the shared :class:`Session` and the tracker's :class:`Reader`."""

    def __init__(self, session: Session, reader: Reader) -> None:
        self.session = session
        self.reader = reader

    def allow(self, action: str, target: Any) -> None:
        """Ask the ``cchc_authorize`` plugins; they receive the read side."""
        self.session.allow(action, target, self.reader)

    def record(
        self,
        action: str,
        table: str,
        obj: T,
        actor: str | None,
        note: str | None,
        *,
        refers_to: Callable[[Any], Iterable[Reference]] = lambda obj: (),
        new: bool = True,
        check: Callable[[Any], object] = lambda obj: None,
    ) -> T:
        """The write of one object as it comes: of the table's class (else an error
        naming the argument ``<action>.<kind>``), authorized, new unless ``new=False``
        (then it adds or replaces), every ``(table, id, field)`` of ``refers_to(obj)``
        existing (an id of ``None`` refers to nothing), then ``check(obj)`` (a rule of its
        own that reads the state); one journal line. Returns ``obj``."""
        s = self.session
        s.writable()
        spec = TABLES[table]
        s.check_type(obj, spec.cls, f"{action}.{spec.kind}")
        with s.write(actor, note):
            self.allow(action, obj)
            if new:
                s.require_new(table, obj)
            for other, key, field in refers_to(obj):
                s.require(other, key, field)
            check(obj)
            s.put(table, obj)
        return obj
