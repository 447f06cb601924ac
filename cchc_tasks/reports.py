"""Readable reports of an evaluation.

:func:`text_report` gives the plain-text annual report the demo prints: targets with
outcome and reason, unit scores and bands, each head's rating with reasons, and the
recommendations. Headings are bilingual; data and labels shown to officials stay
Vietnamese.
"""

from __future__ import annotations

from collections.abc import Sequence

from .evaluation import Evaluation

__all__ = ["text_report"]


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line.rstrip(), "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return out


def text_report(ev: Evaluation, *, reasons: bool = True) -> str:
    """The annual report "Kết quả thực hiện nhiệm vụ CCHC năm Y" as plain text."""
    rs = ev.ruleset.title if ev.ruleset else "none in force"
    lines = [
        f"KẾT QUẢ THỰC HIỆN NHIỆM VỤ CCHC NĂM {ev.year} / CCHC results {ev.year}",
        f"As of {ev.as_of.isoformat()}; rule set: {rs}",
        "",
        "Targets / Mục tiêu",
    ]
    for tid, t in ev.targets.items():
        lines.append(f"  [{t.outcome.value:<14}] {tid}: {t.target.title or t.target.indicator}")
        lines.append(f"      {t.reason}")
    lines += ["", "Units / Đơn vị"]
    rows = []
    for u in sorted(ev.units.values(), key=lambda u: (u.unit.kind, u.unit.id)):
        f = u.facts
        rows.append(
            [
                u.unit.name,
                str(f.counted),
                str(f.on_time),
                str(f.late),
                str(f.overdue),
                str(f.exceeded),
                "—" if u.score is None else f"{u.score:.1f}",
                "—" if u.band is None else str(u.band),
                "—" if u.rank is None else f"{u.rank}/{u.of}",
            ]
        )
    lines += [
        "  " + x
        for x in _table(
            ["Đơn vị", "Tasks", "On time", "Late", "Overdue", "Exceeded", "Score", "Band", "Rank"],
            rows,
        )
    ]
    lines += ["", "Heads / Người đứng đầu"]
    for r in sorted(ev.ratings, key=lambda r: (r.unit, r.headship.start)):
        rating = "not rated" if r.rating is None else f"{r.rating.code} ({r.rating.label_vi})"
        lines.append(
            f"  {ev.names.get(r.person, r.person)} — {ev.names.get(r.unit, r.unit)}"
            f" ({r.months:.1f} months): {rating}"
        )
        if reasons:
            decisive = [x for x in r.reasons if not x.rule.endswith(".facts")]
            lines += [f"      · {x}" for x in decisive[-1:]]
            lines += [f"      · cap {c.rating.code}: {c.reason}" for c in r.caps]
    if ev.recommendations:
        lines += ["", "Recommendations / Kiến nghị"]
        for rec in ev.recommendations:
            name = ev.names.get(rec.subject, rec.subject)
            lines.append(f"  {rec.kind}: {name} — {rec.reason.text}")
    return "\n".join(lines)
