"""`import cchc_tasks` is cheap: public names load their modules on first use."""

from __future__ import annotations

import subprocess
import sys

import pytest

import cchc_tasks


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint('\\n'.join(sys.modules))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {m for m in out.split() if m.startswith("cchc_tasks")}


def test_import_loads_no_submodule_until_a_name_is_used() -> None:
    assert _modules_after("import cchc_tasks") == {"cchc_tasks", "cchc_tasks._version"}
    used = _modules_after("import cchc_tasks as ct\nct.Unit")
    assert "cchc_tasks.units" in used and "cchc_tasks.tracker" not in used


def test_every_public_name_resolves_and_unknown_names_fail() -> None:
    for name in cchc_tasks.__all__:
        assert getattr(cchc_tasks, name) is not None
    assert set(cchc_tasks.__all__) <= set(dir(cchc_tasks))
    with pytest.raises(AttributeError, match="no_such_name"):
        cchc_tasks.no_such_name  # type: ignore[attr-defined]  # noqa: B018
