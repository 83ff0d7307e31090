"""Scenario files that extend another: merging, paths, loops, and where problems are placed."""

from __future__ import annotations

from pathlib import Path

from corridor.inputs.scenario import load_scenario
from tests.inputs.scenario_files import DATA, MINIMAL, error_text, extra_error, write


def test_extends_merges_mappings_key_by_key() -> None:
    variant = load_scenario(DATA / "variant.yaml")
    # base.yaml gives capacity_teu and cost; variant.yaml adds weekdays to the same leg
    assert variant.legs["RAIL_W_E"].service == {
        "capacity_teu": 120.0,
        "weekdays": ("mon", "wed", "fri"),
    }
    assert variant.legs["RAIL_W_E"].cost_usd_per_teu == 500


def test_extends_replaces_lists() -> None:
    variant = load_scenario(DATA / "variant.yaml")
    assert [f.teu_per_day for f in variant.flows] == [20]
    assert variant.flows[0].routes == {"western": 3.0, "eastern": 1.0}


def test_extends_keeps_what_the_variant_does_not_change() -> None:
    variant = load_scenario(DATA / "variant.yaml")
    assert (variant.name, variant.horizon_days, variant.warmup_days) == ("variant", 30, 10)


def test_extends_follows_a_chain_of_files() -> None:
    scenario = load_scenario(DATA / "variant-of-variant.yaml")
    assert (scenario.name, scenario.seed, scenario.horizon_days) == ("variant-of-variant", 99, 30)
    assert scenario.legs["RAIL_W_E"].co2e_kg_per_teu_km == 0.03
    assert scenario.legs["RAIL_W_E"].service["weekdays"] == ("mon", "wed", "fri")
    assert scenario.nodes["BORDER"].processes == {
        "border": scenario.nodes["BORDER"].processes["border"]
    }


def test_extends_network_path_is_relative_to_the_file_that_names_it(folder: Path) -> None:
    write(folder, MINIMAL, "base.yaml")
    child = write(folder, "extends: ../base.yaml\nname: child\n", "variants/child.yaml")
    assert load_scenario(child).network_path == str((folder / "net.geojson").resolve())


def test_extends_network_given_by_the_variant_is_relative_to_the_variant(folder: Path) -> None:
    write(folder, MINIMAL, "base.yaml")
    (folder / "variants" / "own.geojson").parent.mkdir()
    (folder / "variants" / "own.geojson").write_text("{}", encoding="utf-8")
    child = write(folder, "extends: ../base.yaml\nnetwork: own.geojson\n", "variants/child.yaml")
    assert load_scenario(child).network_path == str((folder / "variants" / "own.geojson").resolve())


def test_extends_loop_is_reported_with_its_chain() -> None:
    text = error_text(DATA / "loop-a.yaml")
    assert text.endswith(
        "line 1: extends: scenarios extend each other in a loop: "
        f"{DATA / 'loop-a.yaml'} -> {DATA / 'loop-b.yaml'} -> {DATA / 'loop-a.yaml'} "
        "(remove one extends)"
    )


def test_extends_itself_is_a_loop(folder: Path) -> None:
    path = write(folder, "extends: s.yaml\nname: s\n")
    assert "scenarios extend each other in a loop" in error_text(path)


def test_extends_missing_parent_is_reported() -> None:
    assert error_text(DATA / "missing-parent.yaml") == (
        f"{DATA / 'missing-parent.yaml'}: line 1: extends: file "
        f"{DATA / 'no-such-base.yaml'} does not exist (the path is relative to this file)"
    )


def test_extends_must_name_a_file(folder: Path) -> None:
    path = write(folder, "extends: [a.yaml, b.yaml]\nname: s\n")
    assert error_text(path) == (
        f"{path}: line 1: extends: ['a.yaml', 'b.yaml'] is not a file name "
        "(write extends: other-scenario.yaml, relative to this file)"
    )


def test_problem_from_the_base_file_names_the_base_file_and_its_line(folder: Path) -> None:
    write(folder, MINIMAL.replace("teu_per_day: 10", "teu_per_day: -10"), "base.yaml")
    path = write(folder, "extends: base.yaml\nname: variant\n")
    assert error_text(path) == (
        f"{folder / 'base.yaml'}: line 6: flows[0].teu_per_day: -10 is less than 0.001 TEU/day "
        "(one flow: from a TEU every 3 years to about the world's largest port (Shanghai: "
        "135,000 TEU a day); see Limits in docs/scenario-reference.md)"
    )


def test_problem_in_the_variant_names_the_variant_and_its_line(folder: Path) -> None:
    assert extra_error(folder, "name: v\nseed: -4\n") == (
        "s.yaml: line 3: seed: -4 is less than 0 (seeds are whole numbers from 0 to 2**63 - 1; "
        "see Limits in docs/scenario-reference.md)"
    )


def test_value_replaced_by_the_variant_is_placed_in_the_variant(folder: Path) -> None:
    text = extra_error(
        folder, "flows:\n  - {id: f1, origin: A, destination: C, teu_per_day: 0, routes: [r1]}\n"
    )
    assert text.startswith("s.yaml: line 3: flows[0].teu_per_day: 0 is less than 0.001 TEU/day")
