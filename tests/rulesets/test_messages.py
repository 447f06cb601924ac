"""The built-in rules speak in messages: every reason of the demo reads in Vietnamese, the
missed level is recognised by its message id, and a plugin's catalog labels its kinds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import cchc_tasks as ct
from cchc_tasks.i18n import Message, Text, render
from cchc_tasks.tables import deciding_reasons

from ..helpers import english_in


def demo_texts(demo: ct.Tracker) -> Iterator[tuple[int, str, Text]]:
    """(year, where, text) of every reason, criterion and recommendation of the demo's
    evaluations."""
    for year in range(2021, 2027):
        ev = demo.evaluate(year, as_of=dt.date(year, 12, 31))
        for r in ev.ratings:
            for reason in (*r.reasons, *(c.reason for c in r.caps)):
                yield year, reason.rule, reason.text
        for rec in ev.recommendations:
            yield year, rec.reason.rule, rec.reason.text
        for u in ev.units.values():
            for c in u.criteria:
                yield year, c.rule, c.name
                yield year, c.rule, c.reason


def test_the_tokens_keep_ids_whole_and_leave_the_citation_out() -> None:
    text = "không đạt HTTNV: cần 80% on time [decree90.good; Nghị định 90/2020/NĐ-CP Điều 9]"
    assert english_in(text) == ["on time"]
    assert english_in("tham số decree90.undecided chọn HTNV; p-thang") == []


def test_every_reason_of_the_demo_reads_in_vietnamese(demo: ct.Tracker) -> None:
    texts = list(demo_texts(demo))
    messages = [text for _, _, text in texts if isinstance(text, Message)]
    assert len(messages) == len(texts), "a built-in text is not a message"
    rules = {rule for _, rule, _ in texts}
    assert {"decree90.facts", "decree335.score", "recommend.urge", "cchc_link.band"} <= rules
    english = [
        (year, rule, found, render(text, "vi"))
        for year, rule, text in texts
        if (found := english_in(render(text, "vi")))
    ]
    assert english == []
    # Each reads differently in English: no message fell back to the other language.
    assert [m for m in messages if render(m, "vi") == render(m, "en")] == []


def test_the_missed_level_is_recognised_by_its_message_id(demo: ct.Tracker) -> None:
    ev = demo.evaluate(2021, as_of=dt.date(2021, 12, 31))
    htnv = next(r for r in ev.ratings if r.base is ct.Rating.COMPLETED and r.ruleset == "decree90")
    deciding = deciding_reasons(htnv)
    assert [x.rule for x in deciding] == ["decree90.good", "decree90.completed"]
    missed = deciding[0].text
    assert isinstance(missed, Message) and missed.id == "decree90.level.unmet"
    assert render(missed, "vi").startswith("không đạt HTTNV: cần ")


class WordyRule:
    """A plugin whose base rating gives two plain sentences, the first starting "not"."""

    @ct.hookimpl
    def cchc_leader_base_rating(self, head: ct.HeadFacts, ruleset: str) -> ct.RatingDecision:
        reasons = (
            ct.Reason("wordy.first", "not all of it, said in English"),
            ct.Reason("wordy.second", "HTNV"),
        )
        return ct.RatingDecision(ct.Rating.COMPLETED, reasons)


def test_a_plain_sentence_starting_with_not_is_no_missed_level() -> None:
    tr = ct.Tracker.memory(plugins=[WordyRule()], load_entrypoints=False)
    tr.add_unit(ct.Unit(id="u", name="Phòng Nội vụ", kind="agency"))
    tr.add_person(ct.Person(id="h", name="Nguyễn Văn A", unit="u"))
    tr.appoint_head("u", "h", dt.date(2020, 1, 1))
    rating = tr.evaluate(2024, as_of=dt.date(2024, 12, 31)).leaders["h"]
    assert [x.rule for x in deciding_reasons(rating)] == ["wordy.second"]
