"""Safe YAML reading: YAML that is not a scenario, refused before validation, with its line."""

from __future__ import annotations

from pathlib import Path

from corridor.errors import ScenarioError
from corridor.inputs.scenario import load_scenario
from corridor.inputs.yamlio import MAX_YAML_NODES, line_of, read_yaml
from tests.inputs.scenario_files import MINIMAL, error_text, write


def test_duplicate_keys_are_reported_with_both_lines(folder: Path) -> None:
    path = write(folder, MINIMAL + "seed: 1\nseed: 2\n")
    assert error_text(path) == (
        f"{path}: line 10: seed: duplicate key (first on line 9) (keep one)"
    )


def test_every_duplicate_key_is_reported(folder: Path) -> None:
    path = write(folder, "name: a\nname: b\nflows:\n  - {id: x, id: y}\n")
    assert error_text(path) == (
        f"{path}: 2 problems\n"
        f"  - {path}: line 2: name: duplicate key (first on line 1) (keep one)\n"
        f"  - {path}: line 4: flows[0].id: duplicate key (first on line 4) (keep one)"
    )


def test_file_that_is_not_utf8_is_reported_with_its_line(folder: Path) -> None:
    path = folder / "s.yaml"
    path.write_bytes(b"name: s\ndescription: caf\xe9\n")
    assert error_text(path) == (
        f"{path}: line 2: the file is not valid UTF-8 (byte 0xe9 at offset 24) (save it as UTF-8)"
    )


def test_utf8_with_byte_order_mark_is_read(folder: Path) -> None:
    path = folder / "s.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert load_scenario(path).name == "s"


def test_empty_file_is_reported(folder: Path) -> None:
    path = write(folder, "# nothing but a comment\n")
    assert error_text(path) == f"{path}: the file is empty; expected a mapping of scenario fields"


def test_yaml_list_is_reported(folder: Path) -> None:
    path = write(folder, "- name: s\n- name: t\n")
    assert error_text(path) == (
        f"{path}: the file holds a list; expected a mapping of scenario fields"
    )


def test_invalid_yaml_syntax_is_reported_with_line_and_column(folder: Path) -> None:
    path = write(folder, "name: s\nflows: [1, 2\nseed: 3\n")
    assert error_text(path) == (
        f"{path}: line 3, column 5: invalid YAML: while parsing a flow sequence, "
        "expected ',' or ']', but got ':'"
    )


def test_tab_indentation_is_reported_with_line_and_column(folder: Path) -> None:
    path = write(folder, "name: s\nflows:\n\t- a\n")
    assert error_text(path).startswith(f"{path}: line 3, column 1: invalid YAML:")


def test_invalid_date_is_reported_with_line_and_column(folder: Path) -> None:
    path = write(folder, MINIMAL.replace("2025-01-01", "2025-13-01"))
    assert error_text(path) == (
        f"{path}: line 3, column 13: invalid YAML: '2025-13-01' is not a valid date "
        "(month must be in 1..12)"
    )


def test_alias_bomb_is_refused(folder: Path) -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    path = write(folder, "\n".join(lines) + "\n")
    assert error_text(path) == (
        f"{path}: aliases (*name) expand the document beyond {MAX_YAML_NODES:,} values; "
        "refusing to read it (write the values out, or use fewer nested aliases)"
    )


def test_alias_that_contains_itself_is_refused(folder: Path) -> None:
    path = write(folder, "a: &a [1, *a]\n")
    assert error_text(path) == (
        f"{path}: an alias (*name) refers to the value that contains it (remove it)"
    )


def test_small_anchors_and_aliases_are_fine(folder: Path) -> None:
    path = write(
        folder,
        MINIMAL + "legs:\n  ab: {service: &rail {capacity_teu: 90}}\n  bc: {service: *rail}\n",
    )
    assert load_scenario(path).legs["bc"].service == {"capacity_teu": 90.0}


def test_python_tags_are_refused(folder: Path) -> None:
    path = write(folder, "name: !!python/object/apply:os.system ['true']\n")
    assert error_text(path).startswith(
        f"{path}: line 1, column 7: invalid YAML: could not determine a constructor for the tag"
    )


def test_line_of_finds_the_nearest_enclosing_line(folder: Path) -> None:
    path = write(folder, MINIMAL)
    lines = read_yaml(path, ScenarioError).lines
    assert line_of(lines, ("flows", 0, "teu_per_day")) == 6
    assert line_of(lines, ("flows", 0, "not-there")) == 6
    assert line_of(path, ("routes", "r1")) == 8
    assert line_of(lines, ("nothing",)) is None
