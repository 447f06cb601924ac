"""The display registry: domain objects get rich views without importing presentation."""

from __future__ import annotations

import subprocess
import sys

import pytest

import cchc_tasks as ct
from cchc_tasks import _display


def test_a_task_shown_in_jupyter_loads_the_notebook_views_by_itself() -> None:
    """In a fresh process nobody imports cchc_tasks.notebook; the first _repr_html_
    finds it through the cchc_tasks.display entry point."""
    code = """
import datetime as dt, sys
import cchc_tasks as ct
task = ct.Task(id="t1", plan="kh", title="Rà soát <thủ tục>", unit="u", due=dt.date(2025, 6, 30))
assert "cchc_tasks.notebook" not in sys.modules
html = task._repr_html_()
assert "cchc_tasks.notebook" in sys.modules
print(html)
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "<table" in out
    assert "Rà soát &lt;thủ tục&gt;" in out


class Unshown:
    def __str__(self) -> str:
        return "a <b>bold</b> claim"


def test_an_object_without_a_view_shows_its_escaped_text() -> None:
    assert _display.to_html(Unshown()) == "<pre>a &lt;b&gt;bold&lt;/b&gt; claim</pre>"


def test_an_object_without_a_frame_view_is_refused_with_what_to_install() -> None:
    with pytest.raises(ct.CchcError, match=r"no DataFrame view of Unshown .*notebook"):
        _display.to_frame(Unshown(), "units")


def test_a_registered_view_wins() -> None:
    class Shown:
        pass

    _display.to_html.register(Shown, lambda obj: "<i>shown</i>")
    assert _display.to_html(Shown()) == "<i>shown</i>"
