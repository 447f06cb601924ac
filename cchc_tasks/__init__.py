"""cchc_tasks: track a Vietnamese administrative-reform (CCHC) plan.

Tasks assigned to units and people with deadlines, yearly targets on the PAR index,
PAPI, SIPAS and DTI, and the annual evaluation that ties each unit's results to the
rating of its head, with every number explained. Rules are pluggy plugins; the state
lives in a journal-backed TinyDB store.

    import cchc_tasks as ct
    with ct.Tracker.open("data/tan-hong") as tr:
        ...
"""

from . import examples
from ._version import __version__
from .config import Config
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
from .plans import Field, Indicator, Plan
from .plugins import PROJECT, hookimpl, make_plugin_manager
from .ratings import Band, Rating
from .results import Assessment, Discipline, Result
from .store import Change, Entry, VerifyReport
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
from .tasks import ProgressReport, Task, TaskOutcome, TaskStatus
from .tracker import HistoryEntry, ListenerWarning, Tracker
from .units import Headship, Person, Unit

__all__ = [
    "PROJECT",
    "Assessment",
    "Band",
    "Cap",
    "CchcError",
    "Change",
    "Config",
    "Criterion",
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
