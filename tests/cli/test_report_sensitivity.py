"""``corridor report --sensitivity``: a run's report with both uncertainties of the headline,
and the shipped sensitivity file of the baseline."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import corridor
from corridor.experiments import Serial, load_sensitivity, load_sensitivity_spec, run_sensitivity
from corridor.experiments.sensitivity import SensitivityResults
from corridor.experiments.sensitivity_spec import SensitivityError
from corridor.views.report import build_report
from corridor.views.report_html import table
from corridor.views.report_sensitivity import index_frame, range_frame
from tests.small_runs import two_leg_run

Cli = Callable[..., tuple[int, str, str]]
ROOT = Path(__file__).resolve().parent.parent.parent
RANDOM_MORRIS = ROOT / "tests" / "data" / "sensitivity" / "random-morris.yaml"


@pytest.fixture(scope="module")
def analysis(tmp_path_factory: pytest.TempPathFactory) -> SensitivityResults:
    """Morris on the random chain (28 short runs, about 2 s)."""
    out = tmp_path_factory.mktemp("sens") / "random-morris"
    return run_sensitivity(RANDOM_MORRIS, executor=Serial(), out=out)


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    return two_leg_run().save(tmp_path / "run")


def _text(page: str) -> str:
    """The page's text: tags out, entities decoded, white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_read_back_is_the_analysis_that_ran(analysis: SensitivityResults) -> None:
    for folder in (analysis.out, analysis.folder):  # the store, or its tables folder
        back = load_sensitivity(folder)
        assert back.method == "morris"
        assert back.name == "random-morris"
        assert back.outputs == analysis.outputs
        assert [f.name for f in back.factors] == [f.name for f in analysis.factors]
        assert back.factors == analysis.factors  # ranges and sources from the manifest
        assert back.headlines() == analysis.headlines()
        pd.testing.assert_frame_equal(back.indices, analysis.indices)
        assert back.report.total == analysis.report.total
    assert corridor.load_sensitivity is load_sensitivity


def test_a_folder_without_an_analysis_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SensitivityError) as err:
        load_sensitivity(tmp_path)
    assert str(err.value) == (
        f"{tmp_path}: not a sensitivity analysis: no sensitivity tables "
        "(sensitivity-<method>/indices.parquet) in it (give the folder 'corridor sensitivity' "
        "wrote (its out:), or its sensitivity-morris or sensitivity-sobol folder)"
    )


def test_report_with_sensitivity_has_the_sentence_the_ranges_and_the_ranked_factors(
    saved: Path, analysis: SensitivityResults, tmp_path: Path, run_cli: Cli
) -> None:
    out = tmp_path / "report.html"
    code, _, err = run_cli(
        "report", str(saved), "-o", str(out), "--no-map", "--sensitivity", str(analysis.out)
    )
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    text = _text(page)
    assert 'href="#sensitivity"' in page
    assert "Sensitivity to uncertain inputs: random-morris" in text
    (headline, *_) = analysis.headlines()
    assert headline.startswith("a-d: chain is ")
    assert "across the plausible inputs" in headline
    assert "95 % CI of the stochastic part ±" in headline
    assert f'<p class="lead">{html.escape(headline, quote=True)}</p>' in page
    assert "The range over the inputs next to the replication CI" in text
    assert "Which inputs drive each output" in text
    # the ranked table: the factors in the order of their rank on the difference, with mu*
    ranked = analysis.ranking("a-d chain − direct P50")
    table = page[page.index("Which inputs drive each output") :]
    first_rows = [table.index(f">{f}</td>") for f in ranked["factor"]]
    assert first_rows == sorted(first_rows)
    top = ranked.iloc[0]
    assert f"{top['mu_star']:.2f} ± {top['mu_star_conf']:.2f} (1)" in text
    assert 'alt="sensitivity indices" src="data:image/png;base64,' in page
    # the summary comes first, then the sensitivity section
    assert page.index('id="summary"') < page.index('id="sensitivity"') < page.index('id="transit"')


def test_report_without_sensitivity_has_no_such_section(saved: Path, tmp_path: Path) -> None:
    page = build_report(corridor.Results.load(saved), with_map=False)
    assert 'id="sensitivity"' not in page


def test_report_with_a_folder_that_is_no_analysis_exits_2(
    saved: Path, tmp_path: Path, run_cli: Cli
) -> None:
    out = tmp_path / "report.html"
    code, _, err = run_cli("report", str(saved), "-o", str(out), "--sensitivity", str(saved))
    assert code == 2
    assert err.startswith(f"error: {saved}: not a sensitivity analysis")
    assert not out.exists()


def test_tables_of_the_section(analysis: SensitivityResults) -> None:
    ranges = range_frame(analysis)
    assert list(ranges["output"]) == [o.name for o in analysis.outputs]
    row = ranges.set_index("output").loc["a-d chain − direct P50"]
    source = analysis.ranges.set_index("output").loc["a-d chain − direct P50"]
    assert (row["inputs p05 d"], row["inputs p95 d"]) == (source["p05"], source["p95"])
    assert row["95 % CI ±"] == source["half_width"]
    assert row["runs"] == 5
    ranked = index_frame(analysis)
    assert list(ranked.columns) == ["factor", *(o.name for o in analysis.outputs)]
    assert ranked["factor"].iloc[-1] == "cost_ab"  # no effect on any transit time
    assert ranked["a-d chain P50"].iloc[-1] == "0.00 ± 0.00 (3) ~"


def test_the_shipped_baseline_sensitivity_file_loads_and_validates() -> None:
    spec = load_sensitivity_spec(ROOT / "experiments" / "sensitivity-baseline.yaml")
    assert spec.method == "morris"
    assert spec.base.horizon_days == 200
    assert [(o.flow, o.routes, o.differences) for o in spec.outputs] == [
        ("nsa-mow", ("western", "suez"), (("western", "suez"),))
    ]
    assert spec.metrics == ("p50", "p90")
    assert len(spec.factors) == 9
    assert all(f.source for f in spec.factors)  # every range names its source
    assert spec.runs == 5 * (9 + 1) * 2 + 3 * 10
    assert spec.out == ROOT / "results" / "sensitivity-baseline"


def test_a_column_of_long_text_wraps_in_the_report() -> None:
    block = table(pd.DataFrame({"source": ["CAREC " * 20, "-"], "name": ["a", "b"], "n": [1, 2]}))
    assert [c["align"] for c in block.columns] == ["wrap", "text", "num"]
