"""The CCHC→head link of the seed plan: "gắn việc đánh giá kết quả thực hiện nhiệm vụ
CCHC hàng năm với đánh giá trách nhiệm, năng lực lãnh đạo, quản lý của người đứng đầu".

Caps on a head's rating, under every rule set:

* from the unit's CCHC band (``cchc_link.band_caps``; default Xuất sắc/Tốt → no cap,
  Khá → HTTNV, Trung bình → HTNV, Yếu → KHTNV);
* for each failed target of the unit (``cchc_link.failed_target_cap``, default HTTNV).

No national rule fixes this table (regulation.md §5.5, R13 [I]); provinces configure it.
"""

from __future__ import annotations

from .._markers import hookimpl
from ..i18n import Message
from ..targets import Outcome
from ..verdicts import Cap, HeadFacts, Reason

SOURCE = (
    "Kế hoạch CCHC 2021–2030: gắn kết quả CCHC với đánh giá người đứng đầu "
    "(mức trần: tham số cấu hình cchc_link)"
)


class CchcLinkRules:
    """The built-in CCHC→head caps."""

    @hookimpl
    def cchc_leader_caps(self, head: HeadFacts, ruleset: str) -> list[Cap]:
        params = head.config.cchc_link
        caps = []
        band = head.unit.band
        if band is not None and params.band_caps.get(band) is not None:
            cap = params.band_caps[band]
            assert cap is not None
            caps.append(
                Cap(
                    cap,
                    Reason(
                        "cchc_link.band",
                        Message.of(
                            "cchc_link.band", band=band, score=head.unit.score, cap=cap.code
                        ),
                        SOURCE,
                    ),
                )
            )
        cap_for_target = params.failed_target_cap
        for target in head.targets:
            if cap_for_target is not None and target.outcome is Outcome.FAIL:
                text = Message.of(
                    "cchc_link.target",
                    # The target's title; an Indicator is shown by its label.
                    title=target.target.title or target.target.indicator,
                    year=head.year,
                    cap=cap_for_target.code,
                )
                caps.append(Cap(cap_for_target, Reason("cchc_link.target", text, SOURCE)))
        return caps
