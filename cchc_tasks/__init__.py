"""cchc_tasks: track a Vietnamese administrative-reform (CCHC) plan.

Tasks assigned to units and people with deadlines, yearly targets on the PAR index,
PAPI, SIPAS and DTI, and the annual evaluation that ties each unit's results to the
rating of its head, with every number explained. Rules are pluggy plugins; the state
lives in a journal-backed TinyDB store.

    import cchc_tasks as ct
    with ct.Tracker.open("data/tan-hong") as tr:
        ...
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:  # for type checkers and IDEs; at run time names load on first use
    from . import examples
    from .config import (
        Config,
    )
    from .errors import (
        CchcError,
        DuplicateIdError,
        NotFoundError,
        PermissionDeniedError,
        RuleError,
        StoreCorruptError,
        StoreError,
        StoreLockedError,
        StoreVersionError,
        ValidationError,
    )
    from .evaluation import (
        Cap,
        Criterion,
        Evaluation,
        HeadFacts,
        LeaderRating,
        RatingDecision,
        Reason,
        Recommendation,
        RuleSet,
        TargetResult,
        UnitFacts,
        UnitResult,
    )
    from .plans import (
        Field,
        Indicator,
        Plan,
    )
    from .plugins import (
        PROJECT,
        hookimpl,
        make_plugin_manager,
    )
    from .ratings import (
        Band,
        Rating,
    )
    from .results import (
        Assessment,
        Discipline,
        Result,
    )
    from .store import (
        Change,
        DailyHead,
        Entry,
        VerifyReport,
    )
    from .targets import (
        IndicatorFacts,
        Judgement,
        Levels,
        Outcome,
        Rule,
        Target,
        above,
        all_of,
        any_of,
        at_least,
        growth,
        milestones,
        rank_within,
    )
    from .tasks import (
        ProgressReport,
        Task,
        TaskOutcome,
        TaskStatus,
    )
    from .tracker import (
        HistoryEntry,
        ListenerWarning,
        Tracker,
    )
    from .units import (
        Headship,
        Person,
        Unit,
    )

# Public name → the submodule that defines it. `import cchc_tasks` loads none of them:
# a tool that only needs the version or one class does not pay for the rest, and the
# first use of a name imports its module (PEP 562). See docs/performance.md.
_LAZY: dict[str, str] = {
    "Assessment": "results",
    "Band": "ratings",
    "Cap": "evaluation",
    "CchcError": "errors",
    "Change": "store",
    "Config": "config",
    "Criterion": "evaluation",
    "DailyHead": "store",
    "Discipline": "results",
    "DuplicateIdError": "errors",
    "Entry": "store",
    "Evaluation": "evaluation",
    "Field": "plans",
    "HeadFacts": "evaluation",
    "Headship": "units",
    "HistoryEntry": "tracker",
    "Indicator": "plans",
    "IndicatorFacts": "targets",
    "Judgement": "targets",
    "LeaderRating": "evaluation",
    "Levels": "targets",
    "ListenerWarning": "tracker",
    "NotFoundError": "errors",
    "Outcome": "targets",
    "PROJECT": "plugins",
    "PermissionDeniedError": "errors",
    "Person": "units",
    "Plan": "plans",
    "ProgressReport": "tasks",
    "Rating": "ratings",
    "RatingDecision": "evaluation",
    "Reason": "evaluation",
    "Recommendation": "evaluation",
    "Result": "results",
    "Rule": "targets",
    "RuleError": "errors",
    "RuleSet": "evaluation",
    "StoreCorruptError": "errors",
    "StoreError": "errors",
    "StoreLockedError": "errors",
    "StoreVersionError": "errors",
    "Target": "targets",
    "TargetResult": "evaluation",
    "Task": "tasks",
    "TaskOutcome": "tasks",
    "TaskStatus": "tasks",
    "Tracker": "tracker",
    "Unit": "units",
    "UnitFacts": "evaluation",
    "UnitResult": "evaluation",
    "ValidationError": "errors",
    "VerifyReport": "store",
    "above": "targets",
    "all_of": "targets",
    "any_of": "targets",
    "at_least": "targets",
    "growth": "targets",
    "hookimpl": "plugins",
    "make_plugin_manager": "plugins",
    "milestones": "targets",
    "rank_within": "targets",
}
_SUBMODULES = frozenset({"examples"})

__all__ = [
    "PROJECT",
    "Assessment",
    "Band",
    "Cap",
    "CchcError",
    "Change",
    "Config",
    "Criterion",
    "DailyHead",
    "Discipline",
    "DuplicateIdError",
    "Entry",
    "Evaluation",
    "Field",
    "HeadFacts",
    "Headship",
    "HistoryEntry",
    "Indicator",
    "IndicatorFacts",
    "Judgement",
    "LeaderRating",
    "Levels",
    "ListenerWarning",
    "NotFoundError",
    "Outcome",
    "PermissionDeniedError",
    "Person",
    "Plan",
    "ProgressReport",
    "Rating",
    "RatingDecision",
    "Reason",
    "Recommendation",
    "Result",
    "Rule",
    "RuleError",
    "RuleSet",
    "StoreCorruptError",
    "StoreError",
    "StoreLockedError",
    "StoreVersionError",
    "Target",
    "TargetResult",
    "Task",
    "TaskOutcome",
    "TaskStatus",
    "Tracker",
    "Unit",
    "UnitFacts",
    "UnitResult",
    "ValidationError",
    "VerifyReport",
    "__version__",
    "above",
    "all_of",
    "any_of",
    "at_least",
    "examples",
    "growth",
    "hookimpl",
    "make_plugin_manager",
    "milestones",
    "rank_within",
]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        value: Any = importlib.import_module(f"{__name__}.{name}")
    elif name in _LAZY:
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
