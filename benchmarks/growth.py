"""Whether the day's rows grow faster than the data (``make bench --curve``).

The curve runs the day at three sizes. Each row's floor is linear work over the same rows
(one ``json.dump``, one ``json.load``, one SQLite query per unit, one loop), so how much
the floor grows from one size to the next is how much the data grew, measured on the same
machine in the same run. A row grows faster than the data when our time grew by more than
:data:`TOLERANCE` times the floor's growth over the same step, or than the data itself
grew (the number of tasks), whichever is more: a floor is timed too, and one run measured
``json.dump`` growing ×3.1 for four times the rows. A per-item row (one durable
``complete_task``) has a floor that does not grow with the data, one SQLite update: our
time should stay flat, and is held to :data:`TOLERANCE` times 1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from .table import fmt, markdown_table
from .user_day import DayRow

#: How much more than the reference our time may grow (25%: the noise of a shared machine,
#: and work that is n log n rather than n) before a row grows faster than the data.
TOLERANCE = 1.25


@attrs.frozen
class Growth:
    """Our time's growth over one step of the curve, against what it is held to."""

    ours: float  # ours at the larger size / ours at the smaller
    reference: float  # the floor's growth over the same step, or 1 for a per-item row
    per_item: bool

    @property
    def faster(self) -> bool:
        """Our time grew by more than :data:`TOLERANCE` times the reference."""
        return self.ours > self.reference * TOLERANCE


def growth(
    ours: tuple[float, float],
    floor: tuple[float, float],
    *,
    per_item: bool = False,
    data: float | None = None,
) -> Growth:
    """The growth of ``ours`` (its times at the smaller and the larger size) against that
    of its ``floor`` (the same), or of the ``data`` (how many times more tasks) if that
    is more, or against staying flat for a ``per_item`` row."""
    if min(*ours, *floor) <= 0:
        raise ValueError(f"times must be positive: ours {ours}, floor {floor}")
    reference = 1.0 if per_item else max(floor[1] / floor[0], data or 0.0)
    return Growth(ours[1] / ours[0], reference, per_item)


def verdict(key: str, g: Growth, small: int, large: int) -> str:
    """One line: how ``key`` grew from ``small`` to ``large`` tasks, and whether that
    is faster than the data."""
    step = f"- {key}: ours ×{g.ours:.2f} from {small:,} to {large:,} tasks"
    if g.per_item:
        step += ", one item at any size (its floor is one SQLite update), held to flat"
    else:
        step += f", held to ×{g.reference:.2f} (the floor's growth or the data's, the more)"
    if g.faster:
        return f"{step}: GROWS FASTER THAN THE DATA (over {TOLERANCE}× the reference)"
    return f"{step}: {'stays flat' if g.per_item else 'grows with the data'}"


def growth_table(curve: Mapping[int, Sequence[DayRow]]) -> tuple[list[str], list[str]]:
    """The day's rows at every size (tasks → rows) as a table of ours / floor = ratio, and
    a verdict per operation over the last step (the two largest sizes). Returns the lines
    and the operations that grow faster than the data."""
    sizes = sorted(curve)
    by_size = {n: {r.key: r for r in curve[n]} for n in sizes}
    keys = list(dict.fromkeys(r.key for n in sizes for r in curve[n]))

    def cell(row: DayRow | None) -> str:
        if row is None:
            return "—"
        return f"{fmt(row.ours)} / {fmt(row.floor)} = {row.ours / row.floor:.2f}×"

    lines = markdown_table(
        ["day operation (ours / floor = ratio)", *(f"{n:,} tasks" for n in sizes)],
        [[k, *(cell(by_size[n].get(k)) for n in sizes)] for k in keys],
    )
    faster: list[str] = []
    if len(sizes) < 2:
        return lines, faster
    small, large = sizes[-2:]
    lines.append("")
    for k in keys:
        a, b = by_size[small].get(k), by_size[large].get(k)
        if a is None or b is None:
            continue
        g = growth((a.ours, b.ours), (a.floor, b.floor), per_item=a.per_item, data=large / small)
        lines.append(verdict(k, g, small, large))
        if g.faster:
            faster.append(k)
    return lines, faster
