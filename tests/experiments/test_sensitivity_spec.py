"""Sensitivity files: every problem named with its line, before anything runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from corridor.experiments import SensitivityError, load_sensitivity_spec
from corridor.experiments.sensitivity_spec import MAX_RUNS
from tests.experiments.test_sensitivity import SENS

BASE = """\
name: t
scenario: fixed.yaml
factors:
  - {name: v_ab, low: 20, high: 80, apply: legs.AB.speed_kmh}
  - {name: v_bc, low: 40, high: 60, apply: [legs.BC.speed_kmh]}
outputs:
  - flow: a-d
    differences: [[chain, direct]]
"""


@pytest.fixture
def spec_file(write_text: Callable[..., Path]) -> Callable[..., Path]:
    """A sensitivity file beside copies of the fixed chain; ``changes`` edit BASE."""

    def write(*changes: tuple[str, str], extra: str = "") -> Path:
        body = BASE
        for old, new in changes:
            assert old in body
            body = body.replace(old, new)
        path = write_text(body + extra, "sens.yaml")
        for name in ("chain.geojson", "fixed.yaml"):
            (path.parent / name).write_bytes((SENS / name).read_bytes())
        return path

    return write


def _error(path: Path) -> str:
    with pytest.raises(SensitivityError) as err:
        load_sensitivity_spec(path)
    return str(err.value)


def test_a_valid_file_gives_its_factors_outputs_and_design(spec_file: Callable[..., Path]) -> None:
    spec = load_sensitivity_spec(spec_file())
    assert [(f.name, f.low, f.high, f.central, f.mode) for f in spec.factors] == [
        ("v_ab", 20, 80, 50, "set"),
        ("v_bc", 40, 60, 50, "set"),
    ]
    assert spec.factors[1].apply == ("legs.BC.speed_kmh",)
    assert [(o.flow, o.routes, o.differences) for o in spec.outputs] == [
        ("a-d", ("chain", "direct"), (("chain", "direct"),))
    ]
    assert (spec.method, spec.metrics, spec.replications, spec.noise_replications) == (
        "morris",
        ("p50", "p90"),
        1,
        10,
    )
    assert spec.describe_design() == (
        "Morris: 10 trajectories x (2 factors + 1) = 30 points x 1 replication + 3 x 10 at "
        "the central point and the step pair = 60 runs"
    )
    assert spec.out == spec_file().parent / "results" / "t"


def test_unknown_keys_are_named_with_their_line_and_a_did_you_mean(
    spec_file: Callable[..., Path],
) -> None:
    message = _error(spec_file(("high: 80", "hihg: 80")))
    assert "line 4: factors[0].hihg: unknown field 'hihg' (did you mean 'high'?" in message
    message = _error(spec_file(("outputs:", "output:")))
    assert "line 6: output: unknown field 'output' (did you mean 'outputs'?" in message


def test_a_path_that_names_nothing_is_named_with_a_did_you_mean(
    spec_file: Callable[..., Path],
) -> None:
    path = spec_file(("legs.AB.speed_kmh", "legs.AB.sped_kmh"), ("legs.BC.", "legs.BX."))
    assert _error(path) == (
        f"{path}: 2 problems\n"
        f"  - {path}: line 4: factors[0].apply[0]: legs.AB.sped_kmh: legs.AB has no field "
        "'sped_kmh' (did you mean 'speed_kmh'?)\n"
        f"  - {path}: line 5: factors[1].apply[0]: legs.BX.speed_kmh: the network has no leg "
        "'BX' (legs: AB, AB-rev, BC, BC-rev, CD, CD-rev, AD, AD-rev)"
    )


def test_a_range_must_be_a_range(spec_file: Callable[..., Path]) -> None:
    path = spec_file(("low: 20, high: 80", "low: 80, high: 20"))
    assert _error(path) == f"{path}: line 4: factors[0]: low 80 must be below high 20"
    path = spec_file(("low: 20, high: 80", "low: 20, high: 80, central: 90"))
    assert "central 90 must lie in the range 20 to 80" in _error(path)


def test_a_range_that_breaks_the_scenario_is_named_at_its_end(
    spec_file: Callable[..., Path],
) -> None:
    message = _error(spec_file(("low: 20, high: 80", "low: 0, high: 80")))
    assert "line 4: factors[0].low: v_ab = 0: legs.AB.speed_kmh = 0, legs.BC.speed_kmh = 50: " in (
        message
    )
    assert "the scenario is invalid: legs.AB.speed_kmh: 0 is less than 0.1 km/h" in message


def test_a_field_takes_one_factor(spec_file: Callable[..., Path]) -> None:
    path = spec_file(("legs.BC.speed_kmh", "legs.AB.speed_kmh"))
    assert _error(path) == (
        f"{path}: line 5: factors[1].apply[0]: legs.AB.speed_kmh is also set by factor "
        "'v_ab' (a field takes one factor; split the list)"
    )


def test_scale_needs_a_number_to_scale(spec_file: Callable[..., Path]) -> None:
    path = spec_file(("apply: legs.AB.speed_kmh}", "apply: legs.AB.delay_h, mode: scale}"))
    assert "factors[0].apply[0]: legs.AB.delay_h: mode: scale needs a number here; the base " in (
        _error(path)
    )


def test_outputs_name_flows_and_routes_of_the_scenario(spec_file: Callable[..., Path]) -> None:
    path = spec_file(("[[chain, direct]]", "[[chain, drect]]"))
    assert _error(path) == (
        f"{path}: line 8: outputs[0].differences[0][1]: flow 'a-d' has no route 'drect' "
        "(did you mean 'direct'?)"
    )
    path = spec_file(("flow: a-d", "flow: a-x"))
    assert _error(path) == (
        f"{path}: line 7: outputs[0].flow: no flow 'a-x' in scenario 'fixed' (did you mean 'a-d'?)"
    )


def test_sobol_needs_a_power_of_two(spec_file: Callable[..., Path]) -> None:
    path = spec_file(extra="sobol: {base_samples: 100}\n")
    assert _error(path) == (
        f"{path}: line 9: sobol.base_samples: 100 is not a power of 2 (Sobol sequences need "
        "one): use 64 or 128"
    )


def test_a_design_of_too_many_runs_is_refused_with_the_count(
    spec_file: Callable[..., Path],
) -> None:
    path = spec_file(extra="method: sobol\nsobol: {base_samples: 8192}\nreplications: 2\n")
    assert _error(path) == (
        f"{path}: sobol: the design needs 65,566 runs (Sobol: 8192 base samples x (2 factors "
        "+ 2) = 32768 points x 2 replications + 3 x 10 at the central point and the step "
        "pair = 65566 runs); at "
        f"most {MAX_RUNS:,} are allowed (screen with morris first, then run sobol on the few "
        "factors that matter (--factors a,b,c); or lower the samples or the replications)"
    )


def test_fixed_changes_apply_before_the_factors(spec_file: Callable[..., Path]) -> None:
    spec = load_sensitivity_spec(spec_file(extra="set: {horizon_days: 4, legs.AD.speed_kmh: 40}\n"))
    assert spec.base.horizon_days == 4
    assert spec.base.legs["AD"].speed_kmh == 40
    path = spec_file(extra="set: {horizon_dys: 4}\n")
    assert _error(path) == (
        f"{path}: line 9: set.horizon_dys: no such field in scenario 'fixed': the scenario has "
        "no field 'horizon_dys' (did you mean 'horizon_days'?)"
    )


def test_options_choose_the_method_and_the_factors_that_vary(
    spec_file: Callable[..., Path],
) -> None:
    spec = load_sensitivity_spec(spec_file()).with_options(
        method="sobol", factors=["v_bc"], base_samples=16, replications=2
    )
    assert [f.name for f in spec.varied] == ["v_bc"]
    assert spec.runs == 16 * 3 * 2 + 3 * 10
    with pytest.raises(SensitivityError) as err:
        spec.with_options(factors=["v_ac"])
    assert str(err.value) == f"{spec.source}: --factors: no factor 'v_ac' (did you mean 'v_bc'?)"
    with pytest.raises(SensitivityError, match="is not a power of 2"):
        spec.with_options(base_samples=12)


def test_the_shipped_baseline_analysis_loads() -> None:
    spec = load_sensitivity_spec(Path("experiments/sensitivity-baseline.yaml"))
    assert ("western", "suez") in spec.outputs[0].differences
