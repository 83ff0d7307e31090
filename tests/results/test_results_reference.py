"""docs/results-reference.md documents every column of every table a run makes."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from corridor.experiments import (
    ExperimentResults,
    Serial,
    experiment_from_scenarios,
    run_experiment,
)
from corridor.experiments.outputs import experiment_tables
from corridor.results import Results
from corridor.results.model_tables import MODEL_TABLES
from corridor.results.tables import RECORD_TABLES
from tests.experiments.conftest import MM1, MM1_FASTER
from tests.paths import DOCS
from tests.small_runs import branching_run

REFERENCE = DOCS / "results-reference.md"


@pytest.fixture(scope="module")
def run() -> Results:
    return branching_run(horizon_days=30)


def _section(title: str) -> str:
    """The text of the section whose heading is ``## <title>``, up to the next one."""
    text = REFERENCE.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match is not None, f"results-reference.md has no section '## {title}'"
    return match.group(1)


def _documented(section: str) -> set[str]:
    """The names in the first column of the section's tables: ``| `name` | ...``."""
    return set(re.findall(r"^\| `([^`]+)` \|", section, re.M))


@pytest.mark.parametrize("table", [*RECORD_TABLES, *MODEL_TABLES])
def test_every_column_of_a_table_is_documented(run: Results, table: str) -> None:
    columns = [str(c) for c in getattr(run, table).columns]
    assert columns
    missing = [c for c in columns if c not in _documented(_section(table))]
    assert missing == [], f"document {table}.{missing} in docs/results-reference.md"


def test_every_column_of_the_summary_is_documented(run: Results) -> None:
    missing = [str(c) for c in run.summary().columns if c not in _documented(_section("summary()"))]
    assert missing == []


def test_every_stage_kind_and_trip_kind_is_documented(run: Results) -> None:
    kinds = _documented(_section("stages"))
    assert set(run.stages["kind"].cat.categories) <= kinds
    trips = _section("trips")
    for kind in run.trips["kind"].cat.categories:
        assert f"`{kind}`" in trips


def test_the_results_attributes_are_documented() -> None:
    documented = _section("Results")
    for name in ("scenario_name", "seed", "start_date", "horizon_h", "warmup_h", "meta"):
        assert f"`{name}`" in documented


def test_the_documentation_names_no_column_that_does_not_exist(run: Results) -> None:
    for table in (*RECORD_TABLES, *MODEL_TABLES):
        extra = _documented(_section(table)) - {str(c) for c in getattr(run, table).columns}
        extra -= set(run.stages["kind"].cat.categories)  # the table of stages.kind's values
        assert extra == set(), f"{table}: {extra}"


@pytest.fixture(scope="module")
def experiment(tmp_path_factory: pytest.TempPathFactory) -> ExperimentResults:
    out = tmp_path_factory.mktemp("exp")
    spec = experiment_from_scenarios([MM1, MM1_FASTER], replications=2, seed=5, out=out)
    results = run_experiment(spec, executor=Serial())
    assert results is not None
    return results


def test_every_column_of_the_experiment_tables_is_documented(
    experiment: ExperimentResults,
) -> None:
    tables = experiment_tables(experiment)
    for name in ("statistics", "comparison", "convergence"):
        section = _section("Experiments").split(f"### {name}\n", 1)[1].split("\n### ", 1)[0]
        documented = set()
        for cell in re.findall(r"^\| ([^|]+) \|", section, re.M):
            documented |= set(re.findall(r"`([^`]+)`", cell))
        missing = [str(c) for c in tables[name].columns if c not in documented]
        assert missing == [], f"document {name}.{missing} in docs/results-reference.md"
    stored = pd.read_csv(experiment.directory / "statistics.csv")
    assert list(stored.columns) == list(experiment.statistics.columns)
