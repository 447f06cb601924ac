"""The tutorial notebook ``docs/tutorial.ipynb`` runs top to bottom in a real Jupyter kernel.

The kernel is this interpreter (the project's venv), through a kernelspec written into a
temporary folder, so that no ``python3`` kernel installed elsewhere on the machine is used
by mistake. The notebook is stored without outputs, so that its diffs stay small.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

import cchc_tasks as ct

NOTEBOOK = Path(__file__).resolve().parent.parent / "docs" / "tutorial.ipynb"
KERNEL = "cchc-tasks-tests"
#: Seconds for one cell; the whole notebook takes a few seconds on a laptop.
CELL_TIMEOUT = 180


def _kernel_manager(folder: Path) -> KernelManager:
    """A kernel manager whose only kernel is this Python, with ipykernel."""
    spec = folder / "kernels" / KERNEL
    spec.mkdir(parents=True)
    kernel = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "cchc_tasks tests",
        "language": "python",
    }
    (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
    specs = KernelSpecManager(kernel_dirs=[str(folder / "kernels")])
    return KernelManager(kernel_name=KERNEL, kernel_spec_manager=specs)


def _outputs(cell: Any) -> list[Any]:
    return list(cell.get("outputs", []))


def _text(cell: Any) -> str:
    parts = []
    for out in _outputs(cell):
        if out.get("output_type") == "stream":
            parts.append(out["text"])
        elif "data" in out and "text/plain" in out["data"]:
            parts.append(out["data"]["text/plain"])
    return "".join(parts)


def _mime(cell: Any) -> set[str]:
    return {mime for out in _outputs(cell) for mime in out.get("data", {})}


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The notebook after a run in a fresh kernel, working in an empty folder."""
    folder = tmp_path_factory.mktemp("notebook")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    monkeypatch = pytest.MonkeyPatch()
    # IPython's profile and history go to the temporary folder, not the home folder.
    monkeypatch.setenv("IPYTHONDIR", str(folder / "ipython"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(folder / "runtime"))
    try:
        client = NotebookClient(
            notebook,
            km=_kernel_manager(folder),
            timeout=CELL_TIMEOUT,
            kernel_name=KERNEL,
            resources={"metadata": {"path": str(folder / "work")}},
        )
        (folder / "work").mkdir()
        client.execute()
    finally:
        monkeypatch.undo()
    return notebook


def _code_cells(notebook: Any) -> list[Any]:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def test_the_notebook_is_stored_without_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    for cell in _code_cells(notebook):
        assert cell.outputs == [], "strip the outputs before committing the notebook"
        assert cell.execution_count is None


def test_every_cell_runs_in_order(executed: Any) -> None:
    cells = _code_cells(executed)
    assert [cell.execution_count for cell in cells] == list(range(1, len(cells) + 1))
    for cell in cells:
        assert not [o for o in _outputs(cell) if o.get("output_type") == "error"]


def test_the_notebook_shows_the_demo_a_table_a_chart_and_an_explanation(executed: Any) -> None:
    cells = {cell.source.splitlines()[0]: cell for cell in _code_cells(executed)}
    demo = cells["import cchc_tasks as ct"]
    tr = ct.Tracker.memory(load_entrypoints=False)
    ct.examples.tan_hong(tr)
    counts = f"{len(tr.units())} units, {len(tr.persons())} people, {len(tr.tasks())} tasks"
    assert _text(demo).strip() == counts
    evaluation = cells["ev = tr.evaluate(2025)"]
    assert "text/html" in _mime(evaluation)
    table = cells['units = ev.to_dataframe("units")']
    assert "text/html" in _mime(table)
    assert "UBND huyện Tân Hồng" in _text(table)
    ratings = cells['leaders = ev.to_dataframe("leaders")']
    assert "HTXSNV" in _text(ratings)
    chart = cells['fig = nb.plot_completion(ev, lang="en")']
    assert "image/png" in _mime(chart)
    explained = _text(cells['weakest = leaders.sort_values(["rating", "name"]).iloc[0]'])
    leaders = tr.evaluate(2025).to_dataframe("leaders")
    weakest = leaders.sort_values(["rating", "name"]).iloc[0]
    assert explained.startswith(f"{weakest['name']}: head of ")
    assert f"final rating: {weakest['rating']} (" in explained
