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
every condition. The reasons, and the label of the recommendation kind
(``recommendation.commendation-collective``), are messages of the plugin's own catalogs
(domain ``cchc_emulation``), declared by ``cchc_message_catalogs``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cchc_tasks as ct
from cchc_tasks.i18n import Message

__version__ = "0.1.0"

SOURCE = "Luật Thi đua, khen thưởng 06/2022/QH15, Điều 27"
TITLE = "Tập thể lao động xuất sắc"
#: The gettext domain of the plugin's messages, and where its catalogs are.
DOMAIN = "cchc_emulation"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def _message(id: str, **params: Any) -> Message:
    return Message(id, params, domain=DOMAIN)


@ct.hookimpl
def cchc_message_catalogs() -> list[tuple[str, Path]]:
    return [(DOMAIN, LOCALE_DIR)]


@ct.hookimpl
def cchc_config() -> dict[str, Any]:
    return {"emulation": {"advanced_share": 0.7, "units": {}}}


def _member_conditions(section: dict[str, Any], unit: str) -> tuple[bool | None, list[Message]]:
    need = float(section.get("advanced_share", 0.7))
    counts = (section.get("units") or {}).get(unit)
    if not counts:
        return None, [_message("emulation.members-missing", need=need)]
    members, advanced, fighters = (
        int(counts.get(k, 0)) for k in ("members", "advanced", "fighters")
    )
    share = advanced / members if members else 0.0
    ok_c = members > 0 and share >= need
    ok_d = fighters >= 1
    return ok_c and ok_d, [
        _message(
            "emulation.advanced",
            advanced=advanced,
            members=members,
            share=share,
            need=need,
            met=ok_c,
        ),
        _message("emulation.fighters", fighters=fighters, met=ok_d),
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
            _message("emulation.rated", band=unit.band),
            _message("emulation.tasks", tasks=facts.counted, year=evaluation.year),
            *lines,
            _message("emulation.to-confirm"),
        ]
        text = _message("emulation.art27", title=TITLE, conditions=conditions)
        proposals.append(
            ct.Recommendation(
                "commendation-collective",
                uid,
                "unit",
                ct.Reason("emulation.art27", text, SOURCE),
            )
        )
    return proposals
