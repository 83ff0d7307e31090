"""Fixtures shared by the tests: paths to test data and temporary input files."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

DATA_DIR = Path(__file__).parent / "data"


@pytest.fixture
def data_dir() -> Path:
    """The folder of small input files kept with the tests (read only: copy before changing)."""
    return DATA_DIR


@pytest.fixture
def copy_data(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a file of ``tests/data`` into this test's temporary folder; return the copy."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copyfile(DATA_DIR / name, target)
        return target

    return copy


@pytest.fixture
def write_json(tmp_path: Path) -> Callable[..., Path]:
    """Write a JSON value to a file in this test's temporary folder; return its path."""

    def write(value: Any, name: str = "input.json") -> Path:
        target = tmp_path / name
        target.write_text(json.dumps(value, indent=1), encoding="utf-8")
        return target

    return write


@pytest.fixture
def write_text(tmp_path: Path) -> Callable[..., Path]:
    """Write text (or bytes) to a file in this test's temporary folder; return its path."""

    def write(content: str | bytes, name: str = "input.txt") -> Path:
        target = tmp_path / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        return target

    return write
