"""The one store: atomic writes, checksums, and reading a results folder with every problem."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from corridor.errors import CorridorError, OutputError
from corridor.results import Results, ResultsFolderError
from corridor.results.store import (
    read_folder,
    sha256_of,
    write_atomic,
    write_folder,
    write_text_atomic,
)
from tests.small_runs import two_leg_run


@pytest.fixture(scope="module")
def run() -> Results:
    return two_leg_run()


@pytest.fixture
def saved(run: Results, tmp_path: Path) -> Path:
    return run.save(tmp_path / "run")


# --------------------------------------------------------------------------- single files


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "x.txt"
    target.write_text("old")

    def fail(tmp: str) -> None:
        Path(tmp).write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, fail)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]


def test_the_writer_gets_a_name_in_the_same_folder_that_does_not_exist_yet(
    tmp_path: Path,
) -> None:
    seen: list[Path] = []

    def write(tmp: str) -> None:
        seen.append(Path(tmp))
        assert not Path(tmp).exists()  # GDAL refuses to open an existing empty file
        Path(tmp).write_text("new")

    out = write_atomic(tmp_path / "sub" / "map.gpkg", write, suffix=".gpkg")
    assert out == tmp_path / "sub" / "map.gpkg"
    assert seen[0].parent == out.parent
    assert seen[0].name.startswith(".map.gpkg.")
    assert seen[0].suffix == ".gpkg"
    assert out.read_text() == "new"


def test_write_text_atomic_and_sha256(tmp_path: Path) -> None:
    path = write_text_atomic(tmp_path / "a.txt", "abc")
    assert path.read_text(encoding="utf-8") == "abc"
    # the SHA-256 of "abc" (FIPS 180-2, appendix B.1)
    assert sha256_of(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


# --------------------------------------------------------------------------- folders


def test_a_folder_lists_the_hash_of_every_file_it_holds(tmp_path: Path) -> None:
    table = pd.DataFrame({"a": [1, 2]})
    write_folder(tmp_path, {"t": table}, {"s": table}, {"seed": 3})
    run = json.loads((tmp_path / "run.json").read_text())
    assert run["seed"] == 3
    assert run["files"] == {
        "t.parquet": sha256_of(tmp_path / "t.parquet"),
        "s.csv": sha256_of(tmp_path / "s.csv"),
    }
    meta, tables = read_folder(tmp_path, ["t"], ["u"], ["seed"])
    assert meta == {"seed": 3}
    assert list(tables) == ["t"]  # "u" is optional and was never written
    pd.testing.assert_frame_equal(tables["t"], table)


def test_an_optional_table_that_run_json_lists_is_required(tmp_path: Path) -> None:
    table = pd.DataFrame({"a": [1]})
    write_folder(tmp_path, {"t": table, "u": table}, {}, {})
    (tmp_path / "u.parquet").unlink()
    with pytest.raises(ResultsFolderError, match=r"missing u\.parquet"):
        read_folder(tmp_path, ["t"], ["u"])


def test_load_gives_back_the_saved_tables(run: Results, saved: Path) -> None:
    back = Results.load(saved)
    for name in ("trips", "stages", "departures", "resources", "closures"):
        pd.testing.assert_frame_equal(getattr(back, name), getattr(run, name))
    assert back.horizon_h == run.horizon_h
    assert back.warmup_h == run.warmup_h
    assert back.start_date == run.start_date
    assert back.seed == run.seed
    assert back.meta["results_dir"] == str(saved)


def test_load_lists_every_missing_file(saved: Path) -> None:
    (saved / "stages.parquet").unlink()
    (saved / "run.json").unlink()
    with pytest.raises(ResultsFolderError, match=r"missing stages.parquet, run.json") as e:
        Results.load(saved)
    assert isinstance(e.value, CorridorError)
    assert isinstance(e.value, OutputError)
    assert isinstance(e.value, ValueError)


def test_load_reports_a_bad_run_json_and_a_damaged_table(saved: Path) -> None:
    (saved / "run.json").write_text(json.dumps({"scenario": "x"}))
    (saved / "trips.parquet").write_bytes(b"not parquet")
    with pytest.raises(ResultsFolderError) as e:
        Results.load(saved)
    text = str(e.value)
    assert "2 problems" in text
    assert "trips.parquet: cannot be read" in text
    assert "run.json: missing key(s) seed, start_date, horizon_h, warmup_h" in text


def test_load_of_a_file_is_an_error(tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("a")
    with pytest.raises(ResultsFolderError, match="is a file, not a results folder"):
        Results.load(f)


def test_load_of_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ResultsFolderError, match=r"nope: no such folder \(give a folder"):
        Results.load(tmp_path / "nope")
