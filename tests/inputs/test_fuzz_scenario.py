"""Bad scenario files, tried systematically: every one ends in a model or a CorridorError.

A valid scenario over a valid network (:func:`tests.strategies.base_scenario`) is mutated
(wrong types, missing and unknown keys, odd numbers, repeated and unicode ids, anchors and
aliases, YAML tags, truncated and non-UTF-8 bytes) and taken through ``load_scenario``,
``load_network`` and ``build_model``. Any other exception, or an input that takes longer than
its time limit, fails the test. ``bench/fuzz_long.py`` runs the same checks for longer.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corridor.errors import InputError, ScenarioError
from corridor.inputs import yamlio
from corridor.inputs.scenario import load_scenario
from corridor.inputs.yamlio import MAX_YAML_BYTES
from tests.strategies import (
    TIME_LIMIT_S,
    Outcome,
    RecordingServer,
    base_network,
    base_scenario,
    check_message,
    corrupted_bytes,
    dump_yaml,
    fuzz_settings,
    load_outcome,
    mutated,
    problem_places_are_named,
    recording_server,
    time_limit,
    write_pair,
    yaml_text_tricks,
)

# Examples per test in CI; bench/fuzz_long.py takes these tests' checks further.
DOC_EXAMPLES = 700
BYTES_EXAMPLES = 250
TRICK_EXAMPLES = 150


def try_scenario(folder: Path, raw: bytes) -> Outcome:
    """Write ``raw`` as the scenario beside a valid network, load it, check the outcome."""
    path, net = write_pair(folder, raw, base_network())
    with time_limit(TIME_LIMIT_S):
        outcome = load_outcome(path)
    if outcome.kind != "model":
        check_message(outcome.message, (path, folder / "base.yaml", net))
        assert isinstance(outcome.error, InputError)
        assert problem_places_are_named(outcome.error), outcome.message
    return outcome


def scenario_doc_check(folder: Path, outcomes: Counter[str]) -> Callable[..., None]:
    """The check of mutated scenario documents, for this test and bench/fuzz_long.py."""

    @given(case=mutated(base_scenario()), unicode=st.booleans())
    def check(case: tuple[Any, list[str]], unicode: bool) -> None:
        doc, _done = case
        outcomes[try_scenario(folder, dump_yaml(doc, unicode=unicode)).kind] += 1

    return check


def scenario_bytes_check(folder: Path, outcomes: Counter[str]) -> Callable[..., None]:
    """The check of scenario files damaged byte by byte."""

    @given(case=corrupted_bytes(dump_yaml(base_scenario())))
    def check(case: tuple[bytes, str]) -> None:
        raw, _what = case
        outcomes[try_scenario(folder, raw).kind] += 1

    return check


def scenario_trick_check(folder: Path, outcomes: Counter[str]) -> Callable[..., None]:
    """The check of scenario files with YAML tags, aliases and odd scalars."""

    @given(case=mutated(base_scenario(), max_mutations=1), data=st.data())
    def check(case: tuple[Any, list[str]], data: st.DataObject) -> None:
        raw, _what = data.draw(yaml_text_tricks(dump_yaml(case[0])))
        outcomes[try_scenario(folder, raw).kind] += 1

    return check


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    with recording_server() as running:
        yield running


@pytest.fixture
def folder() -> Iterator[Path]:
    # one folder for all examples of a test (hypothesis and function-scoped tmp_path differ)
    with tempfile.TemporaryDirectory(prefix="corridor-fuzz-") as name:
        yield Path(name)


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_mutated_scenario_documents_load_or_raise_corridor_error(folder: Path) -> None:
    outcomes: Counter[str] = Counter()
    fuzz_settings(DOC_EXAMPLES)(scenario_doc_check(folder, outcomes))()
    print(f"mutated scenario documents: {dict(outcomes)}")
    assert sum(outcomes.values()) >= DOC_EXAMPLES
    # the mutations are not all fatal: some still load and compile, the rest fail at each stage
    assert outcomes["model"] > 0
    assert outcomes["scenario_error"] > 0
    assert outcomes["compile_error"] > 0


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_damaged_scenario_bytes_load_or_raise_corridor_error(folder: Path) -> None:
    outcomes: Counter[str] = Counter()
    fuzz_settings(BYTES_EXAMPLES)(scenario_bytes_check(folder, outcomes))()
    print(f"damaged scenario bytes: {dict(outcomes)}")
    assert sum(outcomes.values()) >= BYTES_EXAMPLES
    assert outcomes["scenario_error"] > 0


@pytest.mark.timeout(300)
def test_yaml_tricks_load_or_raise_corridor_error(folder: Path) -> None:
    outcomes: Counter[str] = Counter()
    fuzz_settings(TRICK_EXAMPLES)(scenario_trick_check(folder, outcomes))()
    print(f"YAML tricks: {dict(outcomes)}")
    assert sum(outcomes.values()) >= TRICK_EXAMPLES
    assert outcomes["scenario_error"] > 0


# ----------------------------------------------------------------------------- examples


def scenario_error(path: Path) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return str(info.value)


def write_scenario(folder: Path, raw: bytes | str) -> Path:
    data = raw.encode() if isinstance(raw, str) else raw
    return write_pair(folder, data, base_network())[0]


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
        "!!python/name:os.system",
        "!!python/module:os",
    ],
)
def test_python_tags_are_refused_and_run_nothing(folder: Path, tag: str) -> None:
    marker = folder / "created-by-yaml"
    text = dump_yaml(base_scenario()).decode().replace("name: fuzz base", "name: " + tag)
    path = write_scenario(folder, text.format(marker=marker))
    message = scenario_error(path)
    assert message.startswith(f"{path}: line 1, column 7: invalid YAML: could not determine a ")
    assert "constructor for the tag 'tag:yaml.org,2002:python/" in message
    assert not marker.exists()


def test_python_tag_deep_in_the_file_is_refused_at_its_line(folder: Path) -> None:
    text = dump_yaml(base_scenario()).decode()
    text = text.replace("teu_per_day: 30", "teu_per_day: !!python/object/apply:len [[1]]")
    path = write_scenario(folder, text)
    line = text.splitlines().index("  teu_per_day: !!python/object/apply:len [[1]]") + 1
    assert scenario_error(path).startswith(f"{path}: line {line}, column 16: invalid YAML: ")


@pytest.mark.parametrize("prefix", ["", "/vsicurl/"])
def test_extends_given_as_an_address_is_reported_not_fetched(
    folder: Path, server: RecordingServer, prefix: str
) -> None:
    path = write_scenario(folder, f"extends: {prefix}{server.url}/base.yaml\nname: v\n")
    message = scenario_error(path)
    assert message.startswith(f"{path}: line 1: extends: file ")
    assert message.endswith("/base.yaml does not exist (the path is relative to this file)")
    assert server.requests == []


def test_extends_naming_a_directory_says_so(folder: Path) -> None:
    (folder / "sub").mkdir()
    path = write_scenario(folder, "extends: sub\nname: v\n")
    assert scenario_error(path) == (
        f"{path}: line 1: extends: {folder / 'sub'} is a directory, not a scenario file"
    )


def test_scenario_path_that_is_a_directory_says_so(folder: Path) -> None:
    assert scenario_error(folder) == (
        f"{folder}: is a directory, not a file (give the path of the scenario .yaml file)"
    )


def test_unreadable_scenario_is_reported(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_scenario(folder, dump_yaml(base_scenario()))

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)
    assert scenario_error(path) == f"{path}: cannot read the file: Permission denied"


def test_file_over_the_size_limit_is_refused_before_parsing(folder: Path) -> None:
    raw = dump_yaml(base_scenario()) + b"# " + b"x" * MAX_YAML_BYTES + b"\n"
    path = write_scenario(folder, raw)
    started = time.perf_counter()
    message = scenario_error(path)
    assert time.perf_counter() - started < 1.0
    assert message == (
        f"{path}: the file is {len(raw):,} bytes; YAML inputs are limited to "
        f"{MAX_YAML_BYTES:,} (is this the right file?)"
    )


def test_document_of_too_many_values_says_so_not_aliases(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the limit made small, so that this takes milliseconds (200,000 values take 10 s)
    monkeypatch.setattr(yamlio, "MAX_YAML_NODES", 1000)
    raw = dump_yaml(base_scenario()) + b"seeds: [" + b"0, " * 1000 + b"0]\n"
    path = write_scenario(folder, raw)
    assert scenario_error(path) == (
        f"{path}: the document holds more than 1,000 values; refusing to read it "
        "(is this the right file?)"
    )


def test_aliases_that_expand_too_far_are_named(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yamlio, "MAX_YAML_NODES", 1000)
    raw = dump_yaml(base_scenario()) + b"a: &a [" + b"0, " * 99 + b"0]\nb: [" + b"*a, " * 11
    path = write_scenario(folder, raw + b"*a]\n")
    assert scenario_error(path) == (
        f"{path}: aliases (*name) expand the document beyond 1,000 values; refusing to read it "
        "(write the values out, or use fewer nested aliases)"
    )


def test_control_character_is_reported_with_line_and_column(folder: Path) -> None:
    raw = dump_yaml(base_scenario()).replace(b"name: fuzz base", b"name: fuzz\x07base")
    path = write_scenario(folder, raw)
    assert scenario_error(path) == (
        f"{path}: line 1, column 11: invalid YAML: the control character U+0007 is not "
        "allowed (remove it; was the file saved by a text editor?)"
    )


def test_route_list_holding_a_list_is_reported(folder: Path) -> None:
    doc = base_scenario()
    doc["flows"][1]["routes"] = [["sea"]]
    path = write_scenario(folder, dump_yaml(doc))
    lines = dump_yaml(doc).decode().splitlines()
    line = [i for i, text in enumerate(lines, 1) if text == "  routes:"][1]  # of flows[1]
    assert scenario_error(path) == (
        f"{path}: line {line}: flows[1].routes: lists a list where a route name belongs; give "
        "route names, or a mapping of route name -> share"
    )
