"""The notebooks of ``notebooks/`` run top to bottom, and are committed without outputs.

Each notebook is executed in a fresh kernel of this interpreter (``python3``) with
``CORRIDOR_NOTEBOOK_QUICK=1``, which makes its first cell shorten the simulated periods and
the replications: the test checks that every cell still works with the package as it is, not
the numbers. The working folder is ``notebooks/``, as when a reader opens them, so paths like
``../scenarios/instc-baseline.yaml`` resolve.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from tests.paths import NOTEBOOKS

NOTEBOOK_DIR = NOTEBOOKS
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
CELL_TIMEOUT_S = 240
QUICK_SWITCH = 'os.environ.get("CORRIDOR_NOTEBOOK_QUICK") == "1"'


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def _read(path: Path) -> nbformat.NotebookNode:
    nb: nbformat.NotebookNode = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    return nb


def test_the_four_notebooks_are_there() -> None:
    names = {p.name for p in NOTEBOOKS}
    expected = {
        "01-quickstart.ipynb",
        "02-compare-routes.ipynb",
        "03-what-if.ipynb",
        "04-network-map.ipynb",
    }
    assert expected <= names, f"missing in {NOTEBOOK_DIR}: {sorted(expected - names)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    nb = _read(path)
    nbformat.validate(nb)
    with_outputs = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not with_outputs, f"{path.name}: cells {with_outputs} have outputs; strip them"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_first_code_cell_sets_quick(path: Path) -> None:
    nb = _read(path)
    first = next(cell for cell in nb.cells if cell.cell_type == "code")
    assert QUICK_SWITCH in first.source, f"{path.name}: the first code cell must set QUICK"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_runs_without_errors(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRIDOR_NOTEBOOK_QUICK", "1")
    nb = _read(path)
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    try:
        client.execute()
    except CellExecutionError as exc:
        pytest.fail(f"{path.name}: a cell failed:\n{exc}", pytrace=False)
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error"
    ]
    assert not errors, f"{path.name}: {errors}"
