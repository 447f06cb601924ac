"""Configuration numbers are finite and in range (issue 14, item 2), and a settings file
that cannot be read is one clear error (item 10)."""

from __future__ import annotations

import math
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cchc_tasks as ct
from cchc_tasks.config import load_settings

NUMERIC = [
    ("scoring", "maximum"),
    ("scoring", "late_credit"),
    ("bands", "good"),
    ("bands", "excellent"),
    ("decree90", "good_on_time_share"),
    ("decree90", "full_months"),
    ("decree335", "general_max"),
    ("decree335", "excellent"),
]


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize(("section", "key"), NUMERIC)
def test_a_non_finite_number_is_refused_naming_it(section: str, key: str, value: float) -> None:
    with pytest.raises(ct.ValidationError) as caught:
        load_settings({section: {key: value}})
    assert caught.value.field == f"{section}.{key}"


def test_booleans_and_text_are_not_numbers_to_check() -> None:
    settings_ = load_settings({"indices": {"rescale_without_survey": False}})
    assert settings_.for_year(2025).indices.rescale_without_survey is False


def test_numbers_of_a_plugin_section_are_finite_too() -> None:
    with pytest.raises(ct.ValidationError, match=r"alerts\.days\[1\]"):
        load_settings({"alerts": {"days": [1, math.nan]}}, [{"alerts": {"days": [3]}}])


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("[bands]\ngood = nan\n", "bands.good"),
        ("[scoring]\nmaximum = inf\n", "scoring.maximum"),
        ("[bands]\ngood = 101\n", "bands.good"),
        ("[decree90]\nfull_months = 13\n", "decree90.full_months"),
        ("[scoring]\nmaximum = 0\n", "scoring.maximum"),
    ],
)
def test_toml_nan_inf_and_out_of_range_are_refused(tmp_path: Path, text: str, field: str) -> None:
    path = tmp_path / "tinh.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ct.ValidationError) as caught:
        ct.Tracker.memory(load_entrypoints=False, config=path)
    assert caught.value.field == f"tinh.toml: {field}"


def test_json_nan_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tinh.json"
    path.write_text('{"bands": {"good": NaN}}', encoding="utf-8")
    with pytest.raises(ct.ValidationError, match="finite"):
        load_settings(path)


def test_a_utf16_file_is_a_validation_error(tmp_path: Path) -> None:
    for name in ("tinh.toml", "tinh.json"):
        path = tmp_path / name
        path.write_text("[bands]\ngood = 85\n", encoding="utf-16")
        with pytest.raises(ct.ValidationError, match="UTF-8"):
            load_settings(path)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(NUMERIC),
    st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**400), 10**400)),
)
def test_any_number_is_refused_or_gives_finite_parameters(
    field: tuple[str, str], value: float
) -> None:
    section, key = field
    try:
        settings_ = load_settings({section: {key: value}})
    except ct.ValidationError:
        return
    built = getattr(settings_.for_year(2025), section)
    number = getattr(built, key)
    assert math.isfinite(number)
    assert all(
        math.isfinite(v)
        for v in attrs.asdict(built).values()
        if isinstance(v, float | int) and not isinstance(v, bool)
    )
