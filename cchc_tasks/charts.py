"""Charts of an evaluation and of a target's indicator, as matplotlib figures.

:func:`plot_completion` shows each unit's tasks of the year, :func:`plot_ratings` how
many heads got each rating, and :func:`plot_indicator` a target's indicator over the
years against what the target asked each year. The notebook shows them
(:mod:`cchc_tasks.notebook` re-exports them) and the annual report embeds them
(:mod:`cchc_tasks.reports`, through :func:`figure_png`).

matplotlib is an optional extra (``pip install cchc-tasks[notebook]``), imported only
when a chart is drawn; without it a chart raises a :class:`~cchc_tasks.CchcError` that
says what to install. Titles, axes and legends come from :mod:`cchc_tasks.labels`, in
Vietnamese unless ``lang="en"``.
"""

from __future__ import annotations

import importlib
import io
import sys
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from .errors import CchcError
from .labels import (
    OUTCOME_MARKERS,
    RATING_COLOURS,
    TASK_OUTCOME_COLOURS,
    Lang,
    check_lang,
    indicator_label,
    outcome_label,
    rating_label,
    t,
    task_outcome_label,
)
from .ratings import Rating
from .tables import ordered_units
from .targets import Above, AllOf, AnyOf, AtLeast, Growth, Milestones, Outcome, RankWithin, Rule
from .tasks import TaskOutcome
from .verdicts import Evaluation

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .tracker import Tracker

__all__ = [
    "figure_png",
    "plot_completion",
    "plot_indicator",
    "plot_ratings",
    "rule_requirements",
]


def _require_matplotlib() -> None:
    """Import matplotlib or say, as a :class:`CchcError`, what to install."""
    try:
        importlib.import_module("matplotlib")
    except ImportError as exc:
        raise CchcError(
            "Charts need matplotlib, which is not installed; install it with "
            "`pip install cchc-tasks[notebook]`"
        ) from exc


def _figure(width: float, height: float) -> Figure:
    """A figure that belongs to no pyplot state: it shows once in Jupyter (as the value of
    the cell, not again when pyplot flushes its figures), is never kept alive by a global
    registry, and renders without a display (Agg)."""
    _require_matplotlib()
    from matplotlib.figure import Figure

    _enable_notebook_display()
    return Figure(figsize=(width, height), layout="constrained")


def _enable_notebook_display() -> None:
    """Inside IPython, make sure a figure that ends a cell shows as an image. Loading pyplot
    no longer loads the notebook backend (which registers the image formatter) until a
    pyplot figure is made, and these figures are not pyplot's; so where no formatter for
    figures is registered yet, register IPython's own PNG one. Elsewhere nothing is
    loaded."""
    ipython = sys.modules.get("IPython")
    shell = getattr(ipython, "get_ipython", lambda: None)() if ipython is not None else None
    if shell is None:
        return
    import matplotlib.pyplot  # noqa: F401
    from matplotlib.figure import Figure

    formatters = getattr(getattr(shell, "display_formatter", None), "formatters", {})
    png = formatters.get("image/png")
    if png is None:
        return
    try:
        png.lookup_by_type(Figure)
    except KeyError:
        pylabtools: Any = importlib.import_module("IPython.core.pylabtools")
        pylabtools.select_figure_formats(shell, {"png"})


def figure_png(fig: Figure, *, dpi: int = 100) -> bytes:
    """``fig`` rendered as PNG bytes (with the Agg renderer; no display needed)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def _no_data(ax: Axes, lang: Lang) -> None:
    ax.text(0.5, 0.5, t("chart.no_data", lang), ha="center", va="center", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def plot_completion(ev: Evaluation, *, lang: Lang = "vi") -> Figure:
    """Each unit's tasks of the year as a stacked bar: on time, late, overdue (and not
    yet due, if any), in report order; units without tasks are left out."""
    lang = check_lang(lang)
    units = [u for u in ordered_units(ev) if u.facts.counted]
    outcomes = [TaskOutcome.ON_TIME, TaskOutcome.LATE, TaskOutcome.OVERDUE]
    if any(u.pending for u in units):
        outcomes.append(TaskOutcome.PENDING)
    fig = _figure(9, 1.6 + 0.32 * max(len(units), 1))
    ax = fig.add_subplot()
    ax.set_title(t("chart.completion", lang, year=ev.year))
    if not units:
        _no_data(ax, lang)
        return fig
    positions = list(range(len(units)))
    left = [0] * len(units)
    for outcome in outcomes:
        counts = [u.facts.count(outcome) for u in units]
        ax.barh(
            positions,
            counts,
            left=left,
            color=TASK_OUTCOME_COLOURS[outcome],
            label=task_outcome_label(outcome, lang),
        )
        left = [a + b for a, b in zip(left, counts, strict=True)]
    ax.set_yticks(positions, [u.unit.name for u in units])
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(_integer_locator())
    ax.set_xlabel(t("chart.tasks", lang))
    fig.legend(loc="outside lower center", ncols=len(outcomes))
    return fig


def plot_ratings(ev: Evaluation, *, lang: Lang = "vi") -> Figure:
    """How many heads got each rating, KHTNV to HTXSNV (and "not rated" if anyone was
    not), each bar in its rating's colour."""
    lang = check_lang(lang)
    scale: list[Rating | None] = [*sorted(Rating)]
    counts = {r: sum(1 for x in ev.ratings if x.rating is r) for r in [*scale, None]}
    if counts[None]:
        scale.append(None)
    fig = _figure(7, 4)
    ax = fig.add_subplot()
    ax.set_title(t("chart.ratings", lang, year=ev.year))
    ticks = [
        textwrap.fill(rating_label(r, lang), 18)
        if r is None
        else f"{r.code}\n" + textwrap.fill(rating_label(r, lang), 18)
        for r in scale
    ]
    bars = ax.bar(
        range(len(scale)),
        [counts[r] for r in scale],
        color=[_rating_colour(r) for r in scale],
        edgecolor="#555555",
    )
    ax.bar_label(bars)
    ax.set_xticks(range(len(scale)), ticks, fontsize=8)
    ax.yaxis.set_major_locator(_integer_locator())
    ax.set_ylabel(t("chart.people", lang))
    ax.set_ylim(0, max([*counts.values(), 1]) * 1.15)
    return fig


def _rating_colour(rating: Rating | None) -> str:
    return RATING_COLOURS[rating][0]


def rule_requirements(
    rule: Rule, year: int, previous: float | None
) -> tuple[float | None, int | None]:
    """The value and the rank a rule asks for in ``year``: for ``any_of`` the easiest on
    each scale, for ``all_of`` the hardest; ``None`` where it asks nothing (or it cannot
    be told, as for growth without the year before, or a plugin's own rule kind)."""
    if isinstance(rule, Milestones):
        chosen = rule.rule_for(year)
        return (None, None) if chosen is None else rule_requirements(chosen[1], year, previous)
    if isinstance(rule, AnyOf | AllOf):
        parts = [rule_requirements(r, year, previous) for r in rule.rules]
        values = [v for v, _ in parts if v is not None]
        ranks = [r for _, r in parts if r is not None]
        easiest = isinstance(rule, AnyOf)
        value = (min if easiest else max)(values) if values else None
        rank = (max if easiest else min)(ranks) if ranks else None
        return value, rank
    if isinstance(rule, Growth):
        if previous is None:
            return None, None
        if rule.mode == "points":
            return previous + rule.amount, None
        return previous * (1 + rule.amount / 100), None
    if isinstance(rule, Above | AtLeast):
        return rule.x, None
    if isinstance(rule, RankWithin):
        return None, rule.n
    return None, None


@attrs.frozen
class _Point:
    """One year of an indicator chart: what was reached, what was asked, the verdict."""

    year: int
    value: float | None
    rank: int | None
    outcome: Outcome | None
    value_needed: float | None
    rank_needed: float | None


def plot_indicator(
    tracker: Tracker,
    target_id: str,
    years: Iterable[int] | None = None,
    *,
    lang: Lang = "vi",
    evaluations: Mapping[int, Evaluation] | None = None,
) -> Figure:
    """A target's indicator over the years against what the target asked each year.

    The top panel shows the value and the required value (growth on the year before, or a
    threshold), the bottom one (when the target or the results involve a rank) the rank
    and the required rank, best at the top. Each point is coloured by the year's outcome
    (green achieved, red not, grey no data or not applicable). ``years`` defaults to the
    plan's years up to the last recorded result; each year is evaluated with
    :meth:`Tracker.evaluate` unless ``evaluations`` has it (reuse them for many charts).
    """
    lang = check_lang(lang)
    target = tracker.target(target_id)
    points = _indicator_points(tracker, target_id, years, evaluations)
    shown = [p.year for p in points]
    with_rank = any(p.rank is not None or p.rank_needed is not None for p in points)
    fig = _figure(8, 5.6 if with_rank else 3.4)
    axes = list(fig.subplots(2 if with_rank else 1, 1, sharex=True, squeeze=False)[:, 0])
    fig.suptitle(target.title or indicator_label(target.indicator, lang))
    _indicator_panel(
        axes[0],
        points,
        [(p.year, p.value) for p in points],
        [(p.year, p.value_needed) for p in points],
        t("chart.value", lang),
        t("chart.required_value", lang),
    )
    if with_rank:
        _indicator_panel(
            axes[1],
            points,
            [(p.year, p.rank) for p in points],
            [(p.year, p.rank_needed) for p in points],
            t("chart.rank", lang),
            t("chart.required_rank", lang),
        )
        axes[1].invert_yaxis()
        axes[1].yaxis.set_major_locator(_integer_locator())
    axes[-1].set_xticks(shown, [str(y) for y in shown])
    _outcome_legend(axes, points, lang)
    return fig


def _indicator_points(
    tracker: Tracker,
    target_id: str,
    years: Iterable[int] | None,
    evaluations: Mapping[int, Evaluation] | None,
) -> list[_Point]:
    """Each year of :func:`plot_indicator`: the recorded value and rank, the outcome of
    the year's evaluation, and what the rule in force asked."""
    target = tracker.target(target_id)
    recorded = {
        r.year: r for r in tracker.results(indicator=str(target.indicator), unit=target.unit)
    }
    if years is None:
        plan = tracker.plan(target.plan)
        last = min(plan.end.year, max(recorded, default=plan.start.year))
        years = range(plan.start.year, last + 1)
    cache = dict(evaluations or {})
    points = []
    for year in sorted(set(years)):
        if year not in cache:
            cache[year] = tracker.evaluate(year)
        verdict = cache[year].targets.get(target_id)
        rule = target.rule if verdict is None else verdict.rule
        result, before = recorded.get(year), recorded.get(year - 1)
        value_needed, rank_needed = rule_requirements(
            rule, year, None if before is None else before.value
        )
        points.append(
            _Point(
                year,
                None if result is None else result.value,
                None if result is None else result.rank,
                None if verdict is None else verdict.outcome,
                value_needed,
                rank_needed,
            )
        )
    return points


def _integer_locator() -> Any:
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)


def _indicator_panel(
    ax: Axes,
    points: Sequence[_Point],
    reached: Sequence[tuple[int, float | None]],
    needed: Sequence[tuple[int, float | None]],
    ylabel: str,
    needed_label: str,
) -> None:
    """One scale of an indicator chart: the line of what was reached, each point coloured
    by its year's outcome, and the dashed line of what was asked."""
    outcome = {p.year: p.outcome for p in points}
    got = [(x, y) for x, y in reached if y is not None]
    asked = [(x, y) for x, y in needed if y is not None]
    if got:
        xs, ys = [x for x, _ in got], [y for _, y in got]
        ax.plot(xs, ys, color="#1f4e79", linewidth=1.5, zorder=2)
        colours = [OUTCOME_MARKERS[outcome[x]] for x in xs]
        ax.scatter(xs, ys, c=colours, s=60, zorder=3, edgecolors="#333333")
    if asked:
        ax.plot(
            [x for x, _ in asked],
            [y for _, y in asked],
            linestyle="--",
            marker="_",
            markersize=14,
            color="#7f7f7f",
            label=needed_label,
            zorder=1,
        )
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    if not got and not asked:
        ax.text(0.5, 0.5, "—", ha="center", va="center", transform=ax.transAxes)


def _outcome_legend(axes: Sequence[Axes], points: Sequence[_Point], lang: Lang) -> None:
    """One legend on the top panel: the outcomes that occur, then the required lines."""
    from matplotlib.lines import Line2D

    present = [o for o in Outcome if any(p.outcome is o for p in points)]
    handles: list[Any] = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=8,
            markeredgecolor="#333333",
            markerfacecolor=OUTCOME_MARKERS[o],
            label=outcome_label(o, lang),
        )
        for o in present
    ]
    for ax in axes:
        handles += ax.get_legend_handles_labels()[0]
    if handles:
        axes[0].legend(handles=handles, fontsize=8, loc="best")
