"""Run seeds: SeedSequence children, the same for replication r of every scenario."""

from __future__ import annotations

import numpy as np
import pytest

from corridor.experiments import experiment_from_scenarios, replication_seed, replication_seeds
from corridor.experiments.runner import _tasks
from tests.experiments.conftest import MM1, MM1_FASTER


def test_replication_seed_is_the_spawned_child_of_the_root() -> None:
    children = np.random.SeedSequence(2025).spawn(4)
    expected = [int(c.generate_state(1, np.uint64)[0]) >> 1 for c in children]
    assert replication_seeds(2025, 4) == expected


def test_a_replication_keeps_its_seed_when_replications_are_added() -> None:
    assert replication_seeds(9, 30)[:5] == replication_seeds(9, 5)
    assert replication_seed(9, 29) == replication_seeds(9, 30)[29]


def test_seeds_are_distinct_and_fit_a_signed_64_bit_column() -> None:
    seeds = replication_seeds(0, 1000)
    assert len(set(seeds)) == 1000
    assert all(0 <= s < 2**63 for s in seeds)


def test_replication_r_of_every_scenario_runs_with_the_same_seed(tmp_path: object) -> None:
    spec = experiment_from_scenarios([MM1, MM1_FASTER], replications=3, seed=4, out=str(tmp_path))
    tasks = _tasks(spec.cases, spec.replications, spec.seed, spec.out)
    by_rep: dict[int, set[int]] = {}
    for t in tasks:
        by_rep.setdefault(t.replication, set()).add(t.seed)
    assert {r: len(s) for r, s in by_rep.items()} == {0: 1, 1: 1, 2: 1}
    assert [next(iter(by_rep[r])) for r in range(3)] == replication_seeds(4, 3)


def test_negative_numbers_are_refused() -> None:
    with pytest.raises(ValueError, match="the root seed must be >= 0, got -1"):
        replication_seed(-1, 0)
    with pytest.raises(ValueError, match="replication numbers start at 0, got -2"):
        replication_seed(1, -2)
