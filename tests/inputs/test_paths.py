"""Paths given as input files that are not regular files: said what they are, never read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from corridor.errors import NetworkError
from corridor.inputs.network import load_network
from corridor.inputs.paths import file_problem
from tests.inputs.scenario_files import MINIMAL, error_text, write

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


def test_file_problem_names_each_kind(tmp_path: Path) -> None:
    (tmp_path / "empty").write_bytes(b"")
    (tmp_path / "full").write_bytes(b"x")
    assert file_problem(tmp_path / "absent") == "does not exist"
    assert file_problem(tmp_path) == "is a directory, not a file"
    assert file_problem("/dev/null") == "is not a regular file (a character device)"
    assert file_problem(tmp_path / "empty") == "is empty"
    assert file_problem(tmp_path / "empty", empty_ok=True) is None
    assert file_problem(tmp_path / "full") is None


@needs_fifo
def test_file_problem_names_a_fifo(fifo: Path) -> None:
    assert file_problem(fifo) == "is not a regular file (a FIFO)"


@pytest.mark.parametrize(
    ("target", "what"),
    [
        ("sub", "is a directory, not a file"),
        ("/dev/null", "is not a regular file (a character device)"),
        ("empty.geojson", "is empty"),
    ],
)
def test_network_that_is_not_a_file_says_what_it_is(folder: Path, target: str, what: str) -> None:
    (folder / "sub").mkdir()
    (folder / "empty.geojson").write_bytes(b"")
    path = write(folder, MINIMAL.replace("net.geojson", target))
    shown = target if target.startswith("/") else (folder / target).resolve()
    assert error_text(path) == (
        f"{path}: line 2: network: {shown} {what} (network names a GeoJSON file)"
    )


@needs_fifo
def test_network_that_is_a_fifo_says_so_and_does_not_block(folder: Path, fifo: Path) -> None:
    path = write(folder, MINIMAL.replace("net.geojson", str(fifo)))
    assert error_text(path) == (
        f"{path}: line 2: network: {fifo} is not a regular file (a FIFO) (network names a "
        "GeoJSON file)"
    )
    with pytest.raises(NetworkError) as info:
        load_network(fifo)
    assert str(info.value) == (
        f"{fifo}: is not a regular file (a FIFO) (give the path of the .geojson file)"
    )


@needs_fifo
def test_scenario_that_is_a_fifo_says_so(fifo: Path) -> None:
    assert error_text(fifo) == (
        f"{fifo}: is not a regular file (a FIFO) (give the path of the scenario .yaml file)"
    )


def test_scenario_that_is_dev_null_says_so() -> None:
    assert error_text(Path("/dev/null")) == (
        "/dev/null: is not a regular file (a character device) (give the path of the scenario "
        ".yaml file)"
    )


@needs_fifo
def test_extends_naming_a_fifo_says_so(folder: Path, fifo: Path) -> None:
    path = write(folder, f"extends: {fifo}\nname: v\n")
    assert error_text(path) == (
        f"{path}: line 1: extends: {fifo} is not a regular file (a FIFO) (extends names another "
        "scenario .yaml file)"
    )


def test_extends_naming_dev_null_says_so(folder: Path) -> None:
    path = write(folder, "extends: /dev/null\nname: v\n")
    assert error_text(path).endswith(
        "extends: /dev/null is not a regular file (a character device) (extends names another "
        "scenario .yaml file)"
    )


def test_extends_naming_an_empty_file_says_so(folder: Path) -> None:
    write(folder, "", "base.yaml")
    path = write(folder, "extends: base.yaml\nname: v\n")
    assert error_text(path) == (
        f"{path}: line 1: extends: {folder / 'base.yaml'}: the file is empty; expected a mapping "
        "of scenario fields"
    )
