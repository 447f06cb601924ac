"""Commendation proposals from a cchc_tasks evaluation: "Tập thể lao động xuất sắc".

Law 06/2022/QH15 on emulation and commendation, Art. 27 (regulation.md R16 [V]): a
collective earns the title when (a) it is rated HTXSNV; (b) it runs an active emulation
movement; (c) 100% of its members complete their tasks and at least 70% are "Lao động
tiên tiến"; (d) at least one member is "Chiến sĩ thi đua cơ sở"; (e) it is united.

What the evaluation knows is checked; what it cannot know is asked for, never assumed:

* (a) — the library rates heads, not collectives: the unit's head rated HTXSNV with the
  unit in band Tốt or better stands in for it [I], and the proposal says so;
* (c) first half — every task of the unit that counts in the year completed;
* (c) second half and (d) — from the ``emulation`` section of the configuration, per
  year: ``[years.2024.emulation.units.noi-vu] members = 12, advanced = 9, fighters = 1``;
  without those numbers the proposal lists them as missing;
* (b) and (e) — judgements of the emulation council, listed "to confirm".

Each eligible unit gets a ``commendation-collective`` recommendation whose reason lists
every condition.
"""

from __future__ import annotations

from typing import Any

import cchc_tasks as ct

__version__ = "0.1.0"

SOURCE = "Luật Thi đua, khen thưởng 06/2022/QH15, Điều 27"
TITLE = "Tập thể lao động xuất sắc"


@ct.hookimpl
def cchc_config() -> dict[str, Any]:
    return {"emulation": {"advanced_share": 0.7, "units": {}}}


def _member_conditions(section: dict[str, Any], unit: str) -> tuple[bool | None, list[str]]:
    counts = (section.get("units") or {}).get(unit)
    if not counts:
        return None, [
            "(c) ≥ 70% Lao động tiên tiến and (d) ≥ 1 Chiến sĩ thi đua cơ sở: "
            "no member counts recorded (emulation.units)"
        ]
    members, advanced, fighters = (
        int(counts.get(k, 0)) for k in ("members", "advanced", "fighters")
    )
    share = advanced / members if members else 0.0
    need = float(section.get("advanced_share", 0.7))
    ok_c = members > 0 and share >= need
    ok_d = fighters >= 1
    return ok_c and ok_d, [
        f"(c) {advanced} of {members} members Lao động tiên tiến ({share:.0%}, need "
        f"{need:.0%}): {'yes' if ok_c else 'no'}",
        f"(d) {fighters} Chiến sĩ thi đua cơ sở: {'yes' if ok_d else 'no'}",
    ]


@ct.hookimpl
def cchc_recommendations(evaluation: ct.Evaluation) -> list[ct.Recommendation]:
    section = dict(evaluation.config.section("emulation"))
    proposals = []
    for uid, unit in sorted(evaluation.units.items()):
        heads = [r for r in evaluation.ratings if r.unit == uid and r.rating is not None]
        excellent = bool(heads) and all(r.rating is ct.Rating.EXCELLENT for r in heads)
        good_band = unit.band is not None and unit.band >= ct.Band.GOOD
        facts = unit.facts
        all_done = facts.counted > 0 and facts.completed == facts.counted
        if not (excellent and good_band and all_done):
            continue
        members_ok, lines = _member_conditions(section, uid)
        if members_ok is False:
            continue
        conditions = [
            f"(a) head rated HTXSNV and unit band {unit.band} (stands in for the "
            "collective's rating)",
            f"(c) all {facts.counted} tasks of {evaluation.year} completed",
            *lines,
            "(b) emulation movement and (e) unity: to confirm by the council",
        ]
        proposals.append(
            ct.Recommendation(
                "commendation-collective",
                uid,
                "unit",
                ct.Reason("emulation.art27", f"propose {TITLE}: " + "; ".join(conditions), SOURCE),
            )
        )
    return proposals
