"""Experiment files: validation with file and line, sweeps, and scenario files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from corridor.experiments import ExperimentError, experiment_from_scenarios, load_experiment_spec
from corridor.experiments.spec import is_experiment_file, parse_warmup
from tests.experiments.conftest import DATA, LANES, MM1, MM1_FASTER, PAIR


def _experiment(write_text: Callable[..., Path], body: str) -> Path:
    """An experiment file next to the chain scenarios' copies, in the test's folder."""
    path = write_text(body, "exp.yaml")
    for name in ("chain.geojson", "chain-mm1.yaml", "chain-mm1-faster.yaml"):
        (path.parent / name).write_bytes((DATA / name).read_bytes())
    return path


def test_a_grid_sweep_gives_every_combination_with_labels() -> None:
    spec = load_experiment_spec(LANES)
    assert [c.label for c in spec.cases] == [
        "mm1[servers=1, teu_per_day=6]",
        "mm1[servers=1, teu_per_day=12]",
        "mm1[servers=2, teu_per_day=6]",
        "mm1[servers=2, teu_per_day=12]",
    ]
    last = spec.cases[-1]
    assert last.scenario.flows[0].teu_per_day == 12
    assert last.settings == {"nodes.B.processes.check.servers": 2, "flows[0].teu_per_day": 12}
    assert (spec.replications, spec.seed, spec.out) == (2, 7, DATA / "results" / "lanes")
    assert len({c.content_hash for c in spec.cases}) == 4


def test_a_zip_sweep_pairs_the_lists(write_text: Callable[..., Path]) -> None:
    path = _experiment(
        write_text,
        "name: z\nbase: chain-mm1.yaml\ncombine: zip\nsweep:\n"
        "  nodes.B.processes.check.servers: [1, 2]\n  flows[0].teu_per_day: [6, 12]\n",
    )
    labels = [c.label for c in load_experiment_spec(path).cases]
    assert labels == ["mm1[servers=1, teu_per_day=6]", "mm1[servers=2, teu_per_day=12]"]


def test_scenario_files_run_as_they_are() -> None:
    spec = load_experiment_spec(PAIR)
    assert [c.label for c in spec.cases] == ["mm1", "mm1-faster"]
    assert all(c.settings == {} for c in spec.cases)


def test_unknown_keys_are_errors_with_file_and_line(write_text: Callable[..., Path]) -> None:
    path = _experiment(write_text, "name: x\nscenarios: [chain-mm1.yaml]\nreplicatons: 3\n")
    with pytest.raises(ExperimentError) as err:
        load_experiment_spec(path)
    assert str(err.value).startswith(f"{path}: line 3: replicatons: unknown field")
    assert "replications" in str(err.value)  # the hint names the right field


def test_a_sweep_path_that_does_not_exist_is_named(write_text: Callable[..., Path]) -> None:
    path = _experiment(
        write_text,
        "name: x\nbase: chain-mm1.yaml\nsweep:\n"
        "  nodes.B.processes.chek.servers: [1, 2]\n  flows[0].teu_per_dy: [3]\n",
    )
    with pytest.raises(ExperimentError) as err:
        load_experiment_spec(path)
    assert str(err.value) == (
        f"{path}: 2 problems\n"
        f"  - {path}: line 4: sweep.nodes.B.processes.chek.servers: no such field in scenario "
        "'mm1': node 'B' has no process 'chek' (did you mean 'check'?)\n"
        f"  - {path}: line 5: sweep.flows[0].teu_per_dy: no such field in scenario 'mm1': "
        "flows[0] has no field 'teu_per_dy' (did you mean 'teu_per_day'?)"
    )


def test_a_sweep_value_that_breaks_the_scenario_is_reported(
    write_text: Callable[..., Path],
) -> None:
    path = _experiment(
        write_text,
        "name: x\nbase: chain-mm1.yaml\nsweep:\n  nodes.B.processes.check.servers: [1, 0]\n",
    )
    with pytest.raises(ExperimentError) as err:
        load_experiment_spec(path)
    message = str(err.value)
    assert message.startswith(f"{path}: line 3: sweep: nodes.B.processes.check.servers = 0: ")
    assert "0 is less than 1 (a process has 1 to 10,000 servers" in message


def test_zip_needs_lists_of_equal_length(write_text: Callable[..., Path]) -> None:
    path = _experiment(
        write_text,
        "name: x\nbase: chain-mm1.yaml\ncombine: zip\nsweep:\n"
        "  flows[0].teu_per_day: [1, 2]\n  horizon_days: [10]\n",
    )
    with pytest.raises(
        ExperimentError,
        match=r"combine: zip needs lists of equal length; got "
        r"flows\[0\].teu_per_day: 2, horizon_days: 1",
    ):
        load_experiment_spec(path)


def test_a_missing_scenario_file_is_named_with_its_line(write_text: Callable[..., Path]) -> None:
    path = _experiment(write_text, "name: x\nscenarios:\n  - chain-mm1.yaml\n  - nope.yaml\n")
    with pytest.raises(ExperimentError) as err:
        load_experiment_spec(path)
    assert str(err.value) == (
        f"{path}: line 4: scenarios[1]: file {path.parent / 'nope.yaml'} does not exist "
        "(the path is relative to this file)"
    )


def test_nothing_to_run_is_an_error(write_text: Callable[..., Path]) -> None:
    path = _experiment(write_text, "name: x\nreplications: 3\n")
    with pytest.raises(ExperimentError, match="name scenario files under scenarios, or a base"):
        load_experiment_spec(path)


def test_two_scenarios_with_one_name_are_an_error() -> None:
    with pytest.raises(ExperimentError, match="two scenarios are named 'mm1'"):
        experiment_from_scenarios([MM1, MM1])


def test_scenario_errors_name_the_scenario_file(write_text: Callable[..., Path]) -> None:
    bad = write_text("name: bad\nnetwork: nowhere.geojson\n", "bad.yaml")
    with pytest.raises(ExperimentError) as err:
        experiment_from_scenarios([MM1_FASTER, bad])
    assert f"{bad}: " in str(err.value)
    assert "nowhere.geojson does not exist" in str(err.value)


def test_experiment_files_are_told_from_scenario_files() -> None:
    assert is_experiment_file(LANES)
    assert is_experiment_file(PAIR)
    assert not is_experiment_file(MM1)
    assert not is_experiment_file(MM1_FASTER)


def test_options_override_the_file() -> None:
    spec = load_experiment_spec(PAIR).with_options(replications=5, seed=None, warmup="mser5")
    assert (spec.replications, spec.seed, spec.warmup) == (5, 11, "mser5")


def test_parse_warmup() -> None:
    assert [parse_warmup(t) for t in ("scenario", "mser5", "12.5")] == ["scenario", "mser5", 12.5]
    with pytest.raises(ValueError, match="warm-up 'auto': give 'scenario', 'mser5' or a number"):
        parse_warmup("auto")


def test_the_documented_example_experiment_loads() -> None:
    spec = load_experiment_spec(DATA / "mini-border-sweep.yaml")
    assert spec.name == "mini-border-lanes"
    assert len(spec.cases) == 6
    assert spec.cases[0].label == "mini-baseline[servers=1, teu_per_day=40]"
    assert spec.runs == 60
