"""Built-in recommendations: proposals for people to decide on, never applied.

* ``commendation``: a head rated HTXSNV whose unit is in band Tốt or better (the seed
  plan: "coi trọng công tác thi đua, khen thưởng trong CCHC").
* ``discipline-review``: a head rated KHTNV ("đưa ra khỏi bộ máy hành chính những
  người không hoàn thành nhiệm vụ" calls for a review, not an automatic sanction).
* ``urge``: a unit with overdue tasks ("kiểm tra, đôn đốc").
"""

from __future__ import annotations

from .._markers import hookimpl
from ..i18n import Message
from ..ratings import Rating
from ..verdicts import Evaluation, Reason, Recommendation

# The seed plan's principle, not a legal rule: recommendations are proposals only.
SOURCE = "Kế hoạch CCHC: gắn kết quả CCHC với thi đua, khen thưởng, kỷ luật (đề xuất)"


class RecommendationRules:
    """The built-in ``cchc_recommendations``."""

    @hookimpl
    def cchc_recommendations(self, evaluation: Evaluation) -> list[Recommendation]:
        out = []
        names = evaluation.names
        for r in evaluation.ratings:
            unit = evaluation.units.get(r.unit)
            band = unit.band if unit else None
            who = {"person": names.get(r.person, r.person), "unit": names.get(r.unit, r.unit)}
            if (
                r.rating is Rating.EXCELLENT
                and band is not None
                and band >= evaluation.config.recommend.commend_min_band
            ):
                out.append(
                    Recommendation(
                        "commendation",
                        r.person,
                        "person",
                        Reason(
                            "recommend.commendation",
                            Message.of("recommend.commendation", **who, band=band),
                            SOURCE,
                        ),
                    )
                )
            if r.rating is Rating.NOT_COMPLETED:
                out.append(
                    Recommendation(
                        "discipline-review",
                        r.person,
                        "person",
                        Reason(
                            "recommend.discipline-review",
                            Message.of("recommend.discipline-review", **who),
                            SOURCE,
                        ),
                    )
                )
        for uid, u in sorted(evaluation.units.items()):
            if u.overdue:
                out.append(
                    Recommendation(
                        "urge",
                        uid,
                        "unit",
                        Reason(
                            "recommend.urge",
                            Message.of("recommend.urge", count=u.overdue, as_of=evaluation.as_of),
                            SOURCE,
                        ),
                    )
                )
        return out
