"""The command line on every kind of error: exit status 2, one readable message, no traceback.

Each test gives the CLI one kind of bad input and checks what a user reads on stderr: a single
``error: <file>: <where>: <what> (<hint>)`` message (a multi-problem error lists its problems
under that one line), nothing on stdout, and exit status 2.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from corridor.cli.main import main

DATA = Path(__file__).parent.parent / "data"
MINI = DATA / "cli" / "mini.yaml"
MINI_NET = DATA / "mini-network.geojson"
EXPERIMENTS = DATA / "experiments"


def run_cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_error(code: int, err: str, starts: str) -> None:
    """Exit 2 and one message: ``error: ...`` first, indented problems after it, no traceback."""
    assert code == 2, err
    assert err.startswith(f"error: {starts}"), err
    lines = err.rstrip("\n").split("\n")
    assert all(line.startswith("  - ") for line in lines[1:]), err
    assert err.count("error: ") == 1
    assert "Traceback" not in err


def scenario_over_mini(tmp_path: Path, replace: tuple[str, str] = ("", "")) -> Path:
    """The CLI test scenario copied to ``tmp_path`` (its network path made absolute)."""
    text = MINI.read_text().replace("../mini-network.geojson", str(MINI_NET))
    path = tmp_path / "s.yaml"
    path.write_text(text.replace(*replace) if replace[0] else text)
    return path


# ----------------------------------------------------------------------------- input errors


def test_scenario_error_is_one_message(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = scenario_over_mini(tmp_path, ("horizon_days: 60", "horizon_dayz: 60"))
    code, out, err = run_cli(capsys, "validate", path)
    assert_one_error(code, err, f"{path}: 2 problems\n")
    assert f"  - {path}: line 5: horizon_dayz: unknown field 'horizon_dayz' (did you mean " in err
    assert f"  - {path}: horizon_days: required field is missing" in err
    assert out == ""


def test_scenario_that_does_not_fit_its_network_is_one_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = scenario_over_mini(tmp_path, ("origin: SOUTH", "origin: SOUTHH"))
    code, _, err = run_cli(capsys, "run", path)
    assert_one_error(code, err, f"{path}: ")
    assert "line 10: flows[0].origin: unknown node 'SOUTHH' (did you mean 'SOUTH'?)" in err


def test_network_error_is_one_message(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    net = tmp_path / "net.geojson"
    net.write_text('{"type": "FeatureCollection", "features": [}')
    path = scenario_over_mini(tmp_path, (str(MINI_NET), str(net)))
    code, _, err = run_cli(capsys, "validate", path)
    assert_one_error(code, err, f"{net}: line 1, column 44: not valid JSON: Expecting value")


def test_routing_error_is_one_message(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "routes", MINI_NET, "SOUTH", "NOWHERE")
    assert_one_error(code, err, f"{MINI_NET}: destination: no node 'NOWHERE' in the network")


def test_routing_without_a_path_is_one_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    one_way = json.loads(Path(MINI_NET).read_text(encoding="utf-8"))
    for feature in one_way["features"]:
        if feature["geometry"]["type"] == "LineString":
            feature["properties"]["directions"] = "forward"
    net = tmp_path / "one-way.geojson"
    net.write_text(json.dumps(one_way), encoding="utf-8")
    code, _, err = run_cli(capsys, "routes", net, "END", "SOUTH")
    assert_one_error(
        code, err, f"{net}: no route from 'END' to 'SOUTH' over enabled legs (legs are"
    )


@pytest.mark.parametrize("k", ["0", "-3"])
def test_asking_for_no_routes_is_one_message(capsys: pytest.CaptureFixture[str], k: str) -> None:
    code, _, err = run_cli(capsys, "routes", MINI_NET, "SOUTH", "END", "-k", k)
    assert_one_error(code, err, f"{MINI_NET}: k must be >= 1, got {k} (ask for 1 route or more)")


def test_bad_experiment_is_one_message(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = (EXPERIMENTS / "pair.yaml").read_text().replace("replications: 3", "replications: -3")
    bad.write_text(text.replace("chain-mm1", str(EXPERIMENTS / "chain-mm1")))
    code, _, err = run_cli(capsys, "batch", bad, "--out", tmp_path / "out")
    assert_one_error(code, err, f"{bad}: ")
    assert "replications" in err


# ----------------------------------------------------------------------------- files


def test_missing_scenario_is_one_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run_cli(capsys, "run", tmp_path / "absent.yaml")
    assert_one_error(code, err, f"{tmp_path / 'absent.yaml'}: file not found (check the path)")
    assert out == ""


def test_missing_network_is_one_message(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, "routes", tmp_path / "absent.geojson", "A", "B")
    assert_one_error(code, err, f"{tmp_path / 'absent.geojson'}: file not found (check the path)")


def test_scenario_that_is_a_directory_is_one_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run_cli(capsys, "run", tmp_path)
    assert_one_error(
        code, err, f"{tmp_path}: is a directory, not a file (give the path of the scenario .yaml"
    )


def test_network_that_is_a_directory_is_one_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run_cli(capsys, "routes", tmp_path, "A", "B")
    assert_one_error(code, err, f"{tmp_path}: is a directory, not a file (give the path of the")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_scenario_is_one_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = scenario_over_mini(tmp_path)
    path.chmod(0)
    code, _, err = run_cli(capsys, "validate", path)
    assert_one_error(code, err, f"{path}: cannot read the file: Permission denied")


@pytest.mark.parametrize("which", ["scenario", "network"])
def test_permission_denied_is_one_message(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    which: str,
) -> None:
    # as root chmod does not stop a read, so the refusal is made to happen where it would
    path = scenario_over_mini(tmp_path)
    denied_path = path if which == "scenario" else MINI_NET
    read_bytes = Path.read_bytes

    def read(self: Path) -> bytes:
        if self.resolve() == denied_path.resolve():
            raise PermissionError(13, "Permission denied", str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read)
    code, _, err = run_cli(capsys, "validate", path)
    shown = path if which == "scenario" else MINI_NET
    assert_one_error(code, err, f"{shown}: cannot read the file: Permission denied")


# ----------------------------------------------------------------------------- output folder


def test_out_that_is_a_file_is_one_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "results.txt"
    target.write_text("keep me")
    code, _, err = run_cli(capsys, "run", MINI, "--out", target, "--format", "csv")
    assert_one_error(
        code,
        err,
        f"{target}: exists and is not a folder (give --out a folder to write into)",
    )
    assert target.read_text() == "keep me"


def test_out_below_a_file_is_one_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "file").write_text("")
    target = tmp_path / "file" / "results"
    code, _, err = run_cli(capsys, "run", MINI, "--out", target, "--format", "csv")
    assert_one_error(
        code,
        err,
        f"{target}: {tmp_path / 'file'} is a file, not a folder (choose a folder path for --out)",
    )


# ----------------------------------------------------------------------------- the real command


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "{tmp}/absent.yaml"], "error: {tmp}/absent.yaml: file not found (check the path)"),
        (["routes", str(MINI_NET), "SOUTH", "X"], f"error: {MINI_NET}: destination: no node 'X'"),
    ],
)
def test_console_command_prints_one_message_and_no_traceback(
    tmp_path: Path, args: list[str], expected: str
) -> None:
    command = [sys.executable, "-m", "corridor.cli", *(a.format(tmp=tmp_path) for a in args)]
    proc = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(expected.format(tmp=tmp_path)), proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1


def test_negative_seed_is_a_usage_error_without_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from corridor.cli.main import main

    with pytest.raises(SystemExit) as exc:
        main(["run", "docs/examples/mini-scenario.yaml", "--seed", "-1"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "argument --seed: -1 is out of range: seeds go from 0 to 2**63 - 1" in err
    assert "Traceback" not in err


def test_out_that_is_a_file_fails_before_the_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from corridor.cli.main import main

    taken = tmp_path / "taken"
    taken.write_text("")
    code = main(["run", "docs/examples/mini-scenario.yaml", "--out", str(taken)])
    err = capsys.readouterr()
    assert code == 2
    assert err.err == (
        f"error: {taken}: exists and is not a folder (give --out a folder to write into)\n"
    )
    assert err.out == ""  # nothing was simulated or printed


def test_a_timetable_of_millions_of_departures_is_refused() -> None:
    from corridor.errors import ScenarioError
    from corridor.run import simulate
    from tests.builders import flow, leg, network, node, scenario

    net = network(
        [node("A"), node("B")],
        [
            leg(
                "AB",
                "A",
                "B",
                100,
                50,
                service={"type": "scheduled", "headway_h": 0.05, "capacity_teu": 10},
            )
        ],
    )
    with pytest.raises(ScenarioError) as exc:
        simulate(
            scenario([flow("f", "A", "B", 1, ["r"])], {"r": ["AB"]}, horizon_days=3000), network=net
        )
    assert "legs.AB.service.headway_h: a departure every 0.05 h means 1,440,000 departures" in str(
        exc.value
    )
    assert "headway_h is in hours" in str(exc.value)
