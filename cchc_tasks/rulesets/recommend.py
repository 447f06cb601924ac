"""Built-in recommendations: proposals for people to decide on, never applied.

* ``commendation``: a head rated HTXSNV whose unit is in band Tốt or better (the seed
  plan: "coi trọng công tác thi đua, khen thưởng trong CCHC").
* ``discipline-review``: a head rated KHTNV ("đưa ra khỏi bộ máy hành chính những
  người không hoàn thành nhiệm vụ" calls for a review, not an automatic sanction).
* ``urge``: a unit with overdue tasks ("kiểm tra, đôn đốc").
"""

from __future__ import annotations

from .._markers import hookimpl
from ..ratings import Rating
from ..verdicts import Evaluation, Reason, Recommendation

# The seed plan's principle, not a legal rule: recommendations are proposals only.
SOURCE = "Kế hoạch CCHC: gắn kết quả CCHC với thi đua, khen thưởng, kỷ luật (đề xuất)"


class RecommendationRules:
    """The built-in ``cchc_recommendations``."""

    @hookimpl
    def cchc_recommendations(self, evaluation: Evaluation) -> list[Recommendation]:
        out = []
        for r in evaluation.ratings:
            unit = evaluation.units.get(r.unit)
            band = unit.band if unit else None
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
                            f"rated HTXSNV as head of {r.unit}, unit band {band}",
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
                            f"rated KHTNV as head of {r.unit}: review the head's responsibility",
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
                            f"{u.overdue} task(s) overdue as of {evaluation.as_of}: "
                            "inspect and urge",
                            SOURCE,
                        ),
                    )
                )
        return out
