"""Đồng Tháp province preset for cchc_tasks: bands, peer groups and caps.

Install it and every tracker loads it through the ``cchc_tasks`` entry point. It
provides:

* configuration (``cchc_config``): the province's name, its CCHC bands, the CCHC→head
  caps, and a section of its own, ``dong_thap``;
* peer groups (``cchc_peer_group``): Đồng Tháp ranks its district-level units together
  (12 before the 2025 reform) and, since 1 July 2025, its communes, wards and special
  zones together (102 units), whatever their parent;
* a cap (``cchc_leader_caps``), province policy [I]: the head of a unit whose
  *official* PAR index result of the year (``PAR_INDEX`` recorded with its rank among
  ``of`` units of the province's peer group) is last, in a group of at least
  ``dong_thap.last_place_min_group``, is rated at most ``dong_thap.last_place_cap``.
  No decree or provincial decision read for this library contains the rule, so the
  reason cites none: it says province policy [I]. (QĐ 1602/QĐ-UBND-HC is the PAR-index
  method decision; it is not cited for it.)

The numbers are placeholders to confirm with the province (regulation.md §1.1, [I]). A
province office edits them in its own configuration file, which overrides this preset.

The cap's reason is a message of the plugin's own catalogs (domain ``cchc_dong_thap``,
``locale/<lang>/LC_MESSAGES/cchc_dong_thap.po``), declared by ``cchc_message_catalogs``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cchc_tasks as ct
from cchc_tasks.i18n import Message
from cchc_tasks.ranking import source_text

__version__ = "0.1.0"

PROVINCE = "Đồng Tháp"
COMMUNE_LEVEL = frozenset({"commune", "ward", "town", "special-zone"})
SOURCE = "Chính sách của tỉnh Đồng Tháp (cấu hình dong_thap; chưa có văn bản xác nhận) [I]"
#: The gettext domain of the plugin's messages, and where its catalogs are.
DOMAIN = "cchc_dong_thap"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


@ct.hookimpl
def cchc_message_catalogs() -> list[tuple[str, Path]]:
    return [(DOMAIN, LOCALE_DIR)]


@ct.hookimpl
def cchc_config() -> dict[str, Any]:
    return {
        "province": PROVINCE,
        "bands": {"excellent": 90.0, "good": 80.0, "fair": 70.0, "average": 50.0},
        "cchc_link": {
            "band_caps": {"Khá": "HTTNV", "Trung bình": "HTNV", "Yếu": "KHTNV"},
            "failed_target_cap": "HTTNV",
        },
        "dong_thap": {"last_place_cap": "HTNV", "last_place_min_group": 3},
    }


@ct.hookimpl
def cchc_peer_group(unit: ct.Unit, year: int) -> str | None:
    if unit.kind in COMMUNE_LEVEL:
        return "dong-thap:commune-level"
    if unit.kind == "district":
        return "dong-thap:district-level"
    return None  # agencies: the built-in grouping (same kind, same parent)


@ct.hookimpl
def cchc_leader_caps(head: ct.HeadFacts, ruleset: str) -> list[ct.Cap]:
    section = head.config.section("dong_thap")
    official = head.unit.facts.results.get("PAR_INDEX")
    if official is None or official.rank is None or official.of is None:
        return []
    if official.of < int(section["last_place_min_group"]) or official.rank < official.of:
        return []
    cap = ct.Rating(section["last_place_cap"])
    source = (
        Message("dong_thap.result-source", {"source": source_text(official.source)}, domain=DOMAIN)
        if official.source
        else ""
    )
    params = {"year": head.year, "rank": official.rank, "of": official.of, "source": source}
    text = Message("dong_thap.last-place", {**params, "cap": cap.code}, domain=DOMAIN)
    return [ct.Cap(cap, ct.Reason("dong_thap.last-place", text, SOURCE))]
