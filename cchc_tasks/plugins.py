"""The plugin system: project name, ``hookimpl`` marker, manager factory, typed facade.

The project name, the marker and the entry-point group are one string,
``"cchc_tasks"``. The manager is built in :func:`make_plugin_manager` (never at
import): hookspecs, then the built-in rules (ordinary plugins from
``cchc_tasks.rulesets``), then installed entry points, then the caller's plugins, and
finally ``check_pending()`` so that a misspelt hook fails loudly.

Installed is not enabled: a tracker's manager holds the built-in rules, the plugins
given in code and only the installed entry points that the store's configuration names
(:func:`enable_entrypoints`); :func:`installed_plugins` lists what is installed.
"""

from __future__ import annotations

import functools
import importlib.metadata
import logging
import operator
import os
import re
import types
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pluggy

from ._markers import PROJECT, hookimpl
from .errors import PermissionDeniedError, RuleError

if TYPE_CHECKING:
    import datetime as dt

    from .ratings import Band
    from .tasks import Task, TaskOutcome
    from .tracker.reader import Reader
    from .units import Unit
    from .verdicts import (
        Cap,
        Criterion,
        Evaluation,
        HeadFacts,
        RatingDecision,
        Recommendation,
        RuleSet,
        UnitFacts,
    )

__all__ = [
    "PROJECT",
    "EnabledPlugins",
    "Hooks",
    "InstalledPlugin",
    "disabled_plugins",
    "enable_entrypoints",
    "hookimpl",
    "installed_plugins",
    "make_plugin_manager",
    "plugin_versions",
]


def _builtin_plugins() -> list[tuple[str, object]]:
    from .rulesets import BUILTIN_PLUGINS

    return [(name, factory()) for name, factory in BUILTIN_PLUGINS]


def _name_of(plugin: object) -> str:
    if isinstance(plugin, types.ModuleType):
        return plugin.__name__
    return f"{type(plugin).__module__}.{type(plugin).__qualname__}"


#: Comma-separated plugin names (built-in, entry-point or registered) not to load.
DISABLE_ENV = "CCHC_TASKS_DISABLE_PLUGINS"
#: Set to 1 to log every hook call (logger ``cchc_tasks.plugins``, level INFO).
TRACE_ENV = "CCHC_TASKS_TRACE_PLUGINS"

logger = logging.getLogger("cchc_tasks.plugins")


def _disabled(environ: Mapping[str, str]) -> list[str]:
    return [name.strip() for name in environ.get(DISABLE_ENV, "").split(",") if name.strip()]


def disabled_plugins(environ: Mapping[str, str] | None = None) -> list[str]:
    """The plugin names ``CCHC_TASKS_DISABLE_PLUGINS`` blocks (in ``environ``, default
    ``os.environ``)."""
    return _disabled(os.environ if environ is None else environ)


def _trace(pm: pluggy.PluginManager) -> None:
    def before(hook_name: str, impls: Sequence[pluggy.HookImpl], kwargs: Mapping[str, Any]) -> None:
        logger.info("call %s -> %s", hook_name, ", ".join(i.plugin_name for i in impls))

    def after(
        outcome: Any, hook_name: str, impls: Sequence[pluggy.HookImpl], kwargs: Mapping[str, Any]
    ) -> None:
        failed = outcome.exception is not None
        logger.info("done %s%s", hook_name, " (raised)" if failed else "")

    pm.add_hookcall_monitoring(before, after)


def make_plugin_manager(
    plugins: Iterable[object] = (),
    *,
    load_entrypoints: bool = True,
    builtins: bool = True,
    environ: Mapping[str, str] | None = None,
) -> pluggy.PluginManager:
    """Build a plugin manager with every ``cchc_*`` hook, the built-in rules, the
    ``cchc_tasks`` entry points and ``plugins``; raise :class:`RuleError` if any
    plugin implements a hook that does not exist or with wrong arguments.

    ``CCHC_TASKS_DISABLE_PLUGINS`` (in ``environ``, default ``os.environ``) blocks
    plugins by name; ``CCHC_TASKS_TRACE_PLUGINS=1`` logs every hook call.
    """
    environ = os.environ if environ is None else environ
    pm = _new_manager(environ)
    try:
        if builtins:
            for builtin_name, builtin in _builtin_plugins():
                if not pm.is_blocked(builtin_name):
                    pm.register(builtin, name=builtin_name)
        if load_entrypoints:
            _load_entrypoints(pm)
        for plugin in plugins:
            if pm.is_registered(plugin):
                continue  # e.g. a module passed in plugins= that is also installed
            name = _unique_name(pm, _name_of(plugin))
            if not pm.is_blocked(name):
                pm.register(plugin, name=name)
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise _validation_error(pm, exc) from exc
    except ValueError as exc:  # pluggy: a plugin or name registered twice
        raise RuleError(str(exc)) from exc
    return pm


def _load_entrypoints(pm: pluggy.PluginManager) -> None:
    """Load the installed ``cchc_tasks`` entry points; one that fails to import raises a
    :class:`RuleError` naming it and how to block it, not a bare ImportError."""
    try:
        pm.load_setuptools_entrypoints(PROJECT)
    except Exception as exc:
        name = "?"
        for ep in importlib.metadata.entry_points(group=PROJECT):
            if pm.is_blocked(ep.name) or pm.get_plugin(ep.name) is not None:
                continue
            try:
                ep.load()
            except Exception:
                name = ep.name
                break
        raise RuleError(
            f"the installed plugin could not be loaded ({type(exc).__name__}: {exc}); fix "
            f"or uninstall it, or block it with {DISABLE_ENV}={name}",
            plugin=name,
        ) from exc


@attrs.frozen
class InstalledPlugin:
    """A ``cchc_tasks`` entry point installed in this environment: its ``name`` (what a
    store's configuration enables), the ``distribution`` that provides it and its
    ``version``. Listing it does not import it."""

    name: str
    distribution: str
    version: str


def installed_plugins() -> list[InstalledPlugin]:
    """Every installed ``cchc_tasks`` entry point, by name (none of them is imported)."""
    found = {}
    for ep in importlib.metadata.entry_points(group=PROJECT):
        dist = ep.dist
        found[ep.name] = InstalledPlugin(
            ep.name,
            dist.name if dist is not None else "?",
            dist.version if dist is not None else "unknown",
        )
    return [found[name] for name in sorted(found)]


@attrs.frozen
class EnabledPlugins:
    """What :func:`enable_entrypoints` made: the manager, and for each name it could not
    enable, why (not installed, blocked by ``CCHC_TASKS_DISABLE_PLUGINS``, failed to
    load)."""

    pm: pluggy.PluginManager
    missing: Mapping[str, str]


def _builtin_names() -> frozenset[str]:
    from .rulesets import BUILTIN_PLUGINS

    return frozenset(name for name, _ in BUILTIN_PLUGINS)


def enable_entrypoints(
    base: pluggy.PluginManager,
    enabled: Iterable[str],
    *,
    entrypoints: bool = True,
    environ: Mapping[str, str] | None = None,
) -> EnabledPlugins:
    """A new manager with the plugins of ``base`` that did not come from an entry point
    (the built-in rules and the plugins given in code, under the same names) and the
    installed entry points named in ``enabled``, registered between the two as
    :func:`make_plugin_manager` does; none if ``entrypoints`` is false.

    A name that cannot be enabled is left out and reported in ``missing``: the caller
    decides (an evaluation refuses to run without it)."""
    environ = os.environ if environ is None else environ
    from_entrypoints = {id(plugin) for plugin, _ in base.list_plugin_distinfo()}
    kept = [
        (name, plugin)
        for name, plugin in base.list_name_plugin()
        if plugin is not None and id(plugin) not in from_entrypoints
    ]
    builtin = _builtin_names()
    pm = _new_manager(environ)
    missing: dict[str, str] = {}
    installed = {p.name for p in installed_plugins()} if entrypoints else set()
    try:
        for name, plugin in kept:
            if name in builtin:
                pm.register(plugin, name=name)
        for name in sorted(set(enabled)):
            if not entrypoints:
                missing[name] = "entry points are not loaded by this tracker"
            elif name not in installed:
                missing[name] = "not installed"
            elif pm.is_blocked(name):
                missing[name] = f"disabled by {DISABLE_ENV}"
            else:
                _load_one(pm, name, missing)
        for name, plugin in kept:
            if name not in builtin and not pm.is_registered(plugin):
                pm.register(plugin, name=name)
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise _validation_error(pm, exc) from exc
    return EnabledPlugins(pm, missing)


def _load_one(pm: pluggy.PluginManager, name: str, missing: dict[str, str]) -> None:
    try:
        pm.load_setuptools_entrypoints(PROJECT, name=name)
    except Exception as exc:  # a broken plugin: named, never half-registered
        missing[name] = f"could not be loaded ({type(exc).__name__}: {exc})"
        if pm.has_plugin(name):
            pm.unregister(name=name)


def _new_manager(environ: Mapping[str, str]) -> pluggy.PluginManager:
    from . import hookspecs

    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in _disabled(environ):
        pm.set_blocked(name)
    if environ.get(TRACE_ENV, "") not in ("", "0"):
        _trace(pm)
    return pm


def _validation_error(pm: pluggy.PluginManager, exc: pluggy.PluginValidationError) -> RuleError:
    culprit = pm.get_name(exc.plugin) if pm.is_registered(exc.plugin) else None
    found = re.search(r"hook '?(\w+)'?", str(exc))
    return RuleError(
        str(exc), plugin=culprit or _name_of(exc.plugin), hook=found.group(1) if found else None
    )


def _unique_name(pm: pluggy.PluginManager, name: str) -> str:
    """Two instances of one plugin class get ``name``, ``name#2``…"""
    candidate, n = name, 1
    while pm.has_plugin(candidate):
        n += 1
        candidate = f"{name}#{n}"
    return candidate


def plugin_versions(pm: pluggy.PluginManager) -> tuple[tuple[str, str], ...]:
    """``(name, version)`` of every registered plugin, for reproducible evaluations."""
    from ._version import __version__

    dists = {id(plugin): dist for plugin, dist in pm.list_plugin_distinfo()}
    rows = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        dist = dists.get(id(plugin))
        if dist is not None:
            version = dist.version
        elif name.startswith("cchc_tasks."):
            version = __version__
        else:
            version = str(getattr(plugin, "__version__", None) or _module_version(plugin))
        rows.append((name, version))
    return tuple(sorted(rows))


def _module_version(plugin: object) -> str:
    is_module = isinstance(plugin, types.ModuleType)
    top = plugin.__name__ if is_module else type(plugin).__module__  # type: ignore[attr-defined]
    return _installed_version(top.split(".")[0])


@functools.cache
def _installed_version(package: str) -> str:
    """The installed version of ``package``, looked up once a process: every evaluation
    records its plugins' versions, and finding a distribution searches every folder of
    ``sys.path``. The code that runs is the code imported, whatever is installed later."""
    try:
        return importlib.metadata.version(package)
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return "unknown"


def _culprit(exc: BaseException, hook: pluggy.HookCaller, pm: pluggy.PluginManager) -> str:
    """The name of the plugin whose implementation raised ``exc``."""
    codes = {
        impl.function.__code__: impl.plugin_name
        for impl in hook.get_hookimpls()
        if hasattr(impl.function, "__code__")
    }
    tb = exc.__traceback__
    culprit = "?"
    while tb is not None:
        name = codes.get(tb.tb_frame.f_code)
        if name is not None:
            culprit = name
        tb = tb.tb_next
    return culprit


def _picker(positions: list[int]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """A function giving the items at ``positions`` of a tuple, as a tuple."""
    if not positions:
        return lambda values: ()
    if len(positions) == 1:
        (only,) = positions
        return lambda values: (values[only],)
    pick: Callable[[tuple[Any, ...]], tuple[Any, ...]] = operator.itemgetter(*positions)
    return pick


class Hooks:
    """Typed calls of the hooks; any exception becomes a :class:`RuleError` that names
    the plugin and the hook."""

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self.pm = pm

    def _call(self, name: str, **kwargs: Any) -> Any:
        hook = getattr(self.pm.hook, name)
        try:
            return hook(**kwargs)
        except RuleError as exc:
            if exc.plugin is not None:
                raise
            raise RuleError(str(exc), plugin=_culprit(exc, hook, self.pm), hook=name) from exc
        except Exception as exc:
            plugin = _culprit(exc, hook, self.pm)
            raise RuleError(f"{type(exc).__name__}: {exc}", plugin=plugin, hook=name) from exc

    def config_layers(self) -> list[Mapping[str, Any]]:
        """``cchc_config`` answers, first registered first."""
        return [layer for layer in reversed(self._call("cchc_config")) if layer]

    def rulesets(self) -> list[RuleSet]:
        return [rs for answer in self._call("cchc_rulesets") for rs in answer or ()]

    def message_catalogs(self) -> list[tuple[str, str | Path]]:
        """``cchc_message_catalogs`` answers: (domain, localedir) pairs."""
        return [pair for answer in self._call("cchc_message_catalogs") for pair in answer or ()]

    def rule_kinds(self) -> list[type[Any]]:
        return [k for answer in self._call("cchc_rule_kinds") for k in answer or ()]

    def task_outcomes(self, tasks: Sequence[Task], as_of: dt.date) -> dict[str, TaskOutcome]:
        from .tasks import TaskOutcome

        merged: dict[str, TaskOutcome] = {}
        # Results come first-called first; the first answer for a task wins.
        for answer in reversed(self._call("cchc_task_outcomes", tasks=tasks, as_of=as_of)):
            if not answer:
                continue
            if set(map(type, answer.values())) == {TaskOutcome}:
                merged.update(answer)  # every value an outcome already: no loop in Python
                continue
            for task_id, outcome in answer.items():
                if type(outcome) is TaskOutcome:
                    merged[task_id] = outcome
                    continue
                try:
                    merged[task_id] = TaskOutcome(outcome)
                except ValueError:
                    raise RuleError(
                        f"task {task_id!r}: expected a TaskOutcome "
                        f"({', '.join(o.value for o in TaskOutcome)}), got {outcome!r}",
                        hook="cchc_task_outcomes",
                    ) from None
        return merged

    def unit_criteria(self, unit: UnitFacts, year: int) -> list[Criterion]:
        answers = self._call("cchc_unit_criteria", unit=unit, year=year)
        return [c for answer in reversed(answers) for c in answer or ()]

    def unit_band(self, unit: UnitFacts, score: float, year: int) -> Band | None:
        result: Band | None = self._call("cchc_unit_band", unit=unit, score=score, year=year)
        return result

    def leader_base_rating(self, head: HeadFacts, ruleset: str) -> RatingDecision | None:
        result: RatingDecision | None = self._call(
            "cchc_leader_base_rating", head=head, ruleset=ruleset
        )
        return result

    def leader_caps(self, head: HeadFacts, ruleset: str) -> list[Cap]:
        answers = self._call("cchc_leader_caps", head=head, ruleset=ruleset)
        return [c for answer in reversed(answers) for c in answer or ()]

    def recommendations(self, evaluation: Evaluation) -> list[Recommendation]:
        answers = self._call("cchc_recommendations", evaluation=evaluation)
        return [r for answer in reversed(answers) for r in answer or ()]

    def evaluation_finished(self, evaluation: Evaluation) -> None:
        self._call("cchc_evaluation_finished", evaluation=evaluation)

    def _each(
        self, name: str, kwargs: Mapping[str, Any]
    ) -> Iterator[tuple[pluggy.HookImpl, Callable[[], Any]]]:
        """The implementations of a hook, last registered first as pluggy calls them, each
        with a thunk that calls it alone (wrappers are not run): for hooks where every
        answer must be traced to its plugin, or one failure must not silence the rest."""
        for impl in reversed(getattr(self.pm.hook, name).get_hookimpls()):
            if impl.hookwrapper or impl.wrapper:
                continue
            args = tuple(kwargs[arg] for arg in impl.argnames)
            yield impl, functools.partial(impl.function, *args)

    def task_changed(
        self,
        before: Task | None,
        after: Task | None,
        actor: str | None,
        note: str | None,
        at: dt.datetime,
    ) -> list[RuleError]:
        """Notify every listener, each on its own: one failing listener must not keep
        the others from hearing of a change that is already saved. Returns the failures."""
        return [error for _, error in self.tasks_changed([(before, after)], actor, note, at)]

    def tasks_changed(
        self,
        changes: Iterable[tuple[Task | None, Task | None]],
        actor: str | None,
        note: str | None,
        at: dt.datetime,
    ) -> list[tuple[int, RuleError]]:
        """:meth:`task_changed` for each (before, after) of one journal line in turn,
        the listeners looked up once (a 50,000-task batch is 90,000 changes); returns
        the failures with the position of their change."""
        order = ("before", "after", "actor", "note", "at")
        # Each listener's arguments picked from (before, after, actor, note, at) by one
        # itemgetter, in C: the same five values, in the order the listener names them.
        listeners = [
            (impl, _picker([order.index(arg) for arg in impl.argnames]))
            for impl in reversed(self.pm.hook.cchc_task_changed.get_hookimpls())
            if not (impl.hookwrapper or impl.wrapper)
        ]
        failures = []
        for n, (before, after) in enumerate(changes):
            values = (before, after, actor, note, at)
            for impl, pick in listeners:
                try:
                    impl.function(*pick(values))
                except Exception as exc:
                    error = RuleError(
                        f"{type(exc).__name__}: {exc}",
                        plugin=impl.plugin_name,
                        hook="cchc_task_changed",
                    )
                    error.__cause__ = exc
                    failures.append((n, error))
        return failures

    def peer_group(self, unit: Unit, year: int) -> str:
        key: str | None = self._call("cchc_peer_group", unit=unit, year=year)
        return key if key is not None else f"{unit.kind}@{unit.parent}"

    def authorize(self, actor: str | None, action: str, target: Any, tracker: Reader) -> None:
        """Ask every ``cchc_authorize`` plugin; raise :class:`PermissionDeniedError` at the
        first refusal, naming the plugin.

        The implementations are called one by one (last registered first, as pluggy
        does; wrappers are not run) so that a ``False`` can be traced to its plugin.
        """
        hook = self.pm.hook.cchc_authorize
        kwargs = {"actor": actor, "action": action, "target": target, "tracker": tracker}
        for impl, call in self._each("cchc_authorize", kwargs):
            try:
                answer = call()
            except PermissionDeniedError as exc:
                if exc.plugin is None:
                    exc.plugin = impl.plugin_name
                raise
            except Exception as exc:
                raise RuleError(
                    f"{type(exc).__name__}: {exc}", plugin=impl.plugin_name, hook=hook.name
                ) from exc
            if answer is False:
                raise PermissionDeniedError(actor, action, target, plugin=impl.plugin_name)
            if answer is not None and answer is not True:
                raise RuleError(
                    f"expected True, False or None from {hook.name}, got {answer!r}",
                    plugin=impl.plugin_name,
                    hook=hook.name,
                )
