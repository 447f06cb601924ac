"""The message catalogs: complete in both languages, compiled, and covering every id the
code uses (issue 15: every text shown to a person exists in Vietnamese and English)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

from cchc_tasks import i18n
from cchc_tasks.errors import ValidationError
from cchc_tasks.i18n import Message, catalog_problems, has_message, render, translate

ROOT = Path(__file__).resolve().parent.parent
#: The calls whose first argument is a message id of the library's domain.
KEYWORDS = {
    "t": None,
    "translate": None,
    "translate_or": None,
    "Message": None,
    "of": None,
    "has_message": None,
}


def catalog_ids(lang: str = "vi") -> set[str]:
    po = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "cchc_tasks.po"
    with po.open("rb") as handle:
        return {str(m.id) for m in read_po(handle) if m.id}


def test_the_catalogs_are_complete_and_compiled() -> None:
    assert catalog_problems() == []


def test_every_message_id_in_the_code_is_in_the_catalogs() -> None:
    used = {
        str(message)
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / "cchc_tasks"), keywords=KEYWORDS, comment_tags=()
        )
        if isinstance(message, str)
    }
    assert used, "the extractor found no message id"
    assert sorted(used - catalog_ids()) == []


@pytest.mark.parametrize("id", sorted(catalog_ids()))
def test_every_message_renders_in_both_languages(id: str) -> None:
    vi, en = translate(id, "vi"), translate(id, "en")
    assert vi and en
    assert has_message(id, "vi") and has_message(id, "en")


def test_parameters_are_shown_as_each_language_writes_them() -> None:
    line = Message.of(
        "urge.task_line",
        title="Rà soát",
        id="nv-1",
        due=dt.date(2024, 6, 15),
        person="Lan",
        head="Nam",
    )
    assert line.render("vi") == (
        "Rà soát (mã nv-1): hạn 15/06/2024; người thực hiện: Lan; người đôn đốc: Nam"
    )
    assert str(line) == "Rà soát (id nv-1): due 2024-06-15; responsible: Lan; urged by: Nam"
    assert Message.of("misc.cap", code=87.5).render("vi") == "giới hạn ở 87,5"
    assert Message.of("misc.cap", code=87.5).render("en") == "capped at 87.5"


def test_a_message_missing_from_the_catalogs_is_shown_as_written() -> None:
    assert render(Message("a plugin's own sentence"), "vi") == "a plugin's own sentence"
    assert render("words as typed", "en") == "words as typed"
    assert render(None, "vi") == ""


def test_the_librarys_domain_cannot_be_replaced(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="domain"):
        i18n.register_catalog(i18n.DOMAIN, tmp_path)


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False) | st.integers())
def test_vietnamese_numbers_swap_the_separators_of_english_ones(value: float) -> None:
    template = Message.of("misc.cap", code=value)
    en, vi = template.render("en"), template.render("vi")
    swapped = en.translate(str.maketrans({".": ",", ",": "."}))
    assert vi.removeprefix("giới hạn ở ") == swapped.removeprefix("capped at ")
