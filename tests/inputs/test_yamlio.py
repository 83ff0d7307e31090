"""Safe YAML reading: YAML that is not a scenario, refused before validation, with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridor.errors import ScenarioError
from corridor.inputs.scenario import load_scenario
from corridor.inputs.yamlio import MAX_YAML_NODES, line_of, read_yaml
from tests.inputs.scenario_files import MINIMAL, error_text, with_minimal, write


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


# --- numbers and what is not a scenario -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [("1e-9", 1e-9), ("1E5", 1e5), ("-2e+3", -2e3), ("1.5e9", 1.5e9), (".5e3", 500.0)],
)
def test_scientific_notation_without_a_dot_is_a_number(
    folder: Path, text: str, value: float
) -> None:
    path = write(folder, f"x: {text}\n")
    assert read_yaml(path, ScenarioError).data == {"x": value}


def test_numbers_are_read_the_same_way_everywhere(folder: Path) -> None:
    extra = "closures:\n  - {elements: ab, start_day: 1e-9, duration_h: 1e-9}\n"
    scenario = load_scenario(with_minimal(folder, extra))
    assert (scenario.closures[0].start_day, scenario.closures[0].duration_h) == (1e-9, 1e-9)


def test_ids_that_look_like_other_text_stay_text(folder: Path) -> None:
    path = write(folder, "a: 1e\nb: e5\nc: 12-15\nd: 1_000\n")
    assert read_yaml(path, ScenarioError).data == {"a": "1e", "b": "e5", "c": "12-15", "d": 1000}


def test_file_that_is_not_a_mapping_is_not_echoed(folder: Path) -> None:
    path = write(folder, "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin\n")
    message = error_text(path)
    assert message == f"{path}: the file holds text; expected a mapping of scenario fields"
    assert "root" not in message.replace(str(path), "")


def test_extends_of_a_system_file_shows_none_of_it(folder: Path) -> None:
    passwd = Path("/etc/passwd")
    if not passwd.is_file():
        pytest.skip("no /etc/passwd here")
    path = write(folder, f"extends: {'../' * 12}etc/passwd\nname: v\n")
    message = error_text(path)
    first_line = passwd.read_text(encoding="utf-8", errors="replace").splitlines()[0]
    assert first_line not in message
    assert message == (
        f"{path}: line 1: extends: /etc/passwd: the file holds text; expected a mapping of "
        "scenario fields"
    )


def test_mapping_with_no_scenario_field_is_not_echoed(folder: Path) -> None:
    write(folder, "password: hunter2\nuser: admin\n", "secrets.yaml")
    path = write(folder, "extends: secrets.yaml\nname: v\n")
    message = error_text(path)
    assert message == (
        f"{path}: line 1: extends: {folder / 'secrets.yaml'}: none of the file's 2 top-level "
        "keys is a scenario field (is this a scenario file? a scenario has name, network, "
        "start_date, horizon_days, flows, routes, ...)"
    )
    assert "hunter2" not in message
    assert "password" not in message
