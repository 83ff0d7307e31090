"""The report's section on a sensitivity analysis: both uncertainties of the headline.

A run's report gives one run's transit times; a sensitivity analysis
(:func:`corridor.run_sensitivity`, ``corridor sensitivity``) says how much of a comparison
between routes is uncertain because the inputs are (the range over the plausible inputs) and
how much because the simulation is stochastic (the replication CI at the central point). This
section puts the two side by side: the headline sentence of every route difference, a table
of every output's range next to its CI, the factors ranked with their indices, the chart of
the indices, and the factors' ranges with their sources.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import pandas as pd

from corridor.views.plots.sensitivity import plot_sensitivity
from corridor.views.report_html import Block, Section, heading, lead, note, table

__all__ = ["SensitivityView", "index_frame", "range_frame", "sensitivity_section"]

Fig = Callable[..., Block]


class _Factor(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def low(self) -> float: ...
    @property
    def central(self) -> float: ...
    @property
    def high(self) -> float: ...
    @property
    def mode(self) -> str: ...
    @property
    def source(self) -> str: ...


class _Output(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def b(self) -> str | None: ...


class _Runs(Protocol):
    @property
    def total(self) -> int: ...


class SensitivityView(Protocol):
    """What the section reads of a sensitivity analysis: the attributes of
    :class:`corridor.experiments.SensitivityResults` (views import no experiments; the
    command line and notebooks load the analysis with :func:`corridor.load_sensitivity`)."""

    @property
    def method(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def confidence(self) -> float: ...
    @property
    def out(self) -> Path: ...
    @property
    def factors(self) -> Sequence[_Factor]: ...
    @property
    def outputs(self) -> Sequence[_Output]: ...
    @property
    def points(self) -> pd.DataFrame: ...
    @property
    def indices(self) -> pd.DataFrame: ...
    @property
    def noise(self) -> pd.DataFrame: ...
    @property
    def ranges(self) -> pd.DataFrame: ...
    @property
    def report(self) -> _Runs: ...
    def headlines(self) -> list[str]: ...
    def ranking(self, output: str) -> pd.DataFrame: ...


def range_frame(sens: SensitivityView) -> pd.DataFrame:
    """One row per output: its central value with the replication CI (the stochastic part)
    next to its spread over the sample (the inputs)."""
    noise = sens.noise.set_index("output")
    level = f"{sens.confidence * 100:g} % CI ±"
    rows = []
    for _, r in sens.ranges.iterrows():
        n = noise.loc[r["output"]]
        rows.append(
            {
                "output": r["output"],
                "central d": r["central_mean"],
                level: r["half_width"],
                "runs": int(n["n"]),
                "inputs p05 d": r["p05"],
                "inputs p95 d": r["p95"],
                "min d": r["min"],
                "max d": r["max"],
                "points": int(r["points"]),
            }
        )
    return pd.DataFrame(rows)


def index_frame(sens: SensitivityView) -> pd.DataFrame:
    """The factors (rows) by output (columns): each index with its bootstrap half-width and
    rank, ``~`` when it is at or below the noise level; the factors in the order of their
    rank on the first route difference (or the first output when there is none)."""
    morris = sens.method == "morris"
    main, conf = ("mu_star", "mu_star_conf") if morris else ("ST", "ST_conf")
    fmt = "{:.2f} ± {:.2f}"  # days (Morris) or shares of the variance (Sobol)
    names = [o.name for o in sens.outputs]
    lead = next((o.name for o in sens.outputs if o.b is not None), names[0])
    order = sens.ranking(lead)["factor"].tolist()
    cells: dict[str, dict[str, str]] = {f: {} for f in order}
    for _, r in sens.indices.iterrows():
        mark = " ~" if bool(r["below_noise"]) else ""
        text = fmt.format(r[main], r[conf]) + f" ({int(r['rank'])}){mark}"
        cells.setdefault(str(r["factor"]), {})[str(r["output"])] = text
    return pd.DataFrame([{"factor": f, **{n: cells[f].get(n, "–") for n in names}} for f in order])


def _factor_frame(sens: SensitivityView) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "factor": f.name,
                "low": f.low,
                "central": f.central,
                "high": f.high,
                "mode": f.mode,
                "source": f.source or "–",
            }
            for f in sens.factors
        ]
    )


def _design(sens: SensitivityView) -> str:
    k = len(sens.factors)
    how = (
        f"Morris screening of {k} factors"
        if sens.method == "morris"
        else f"Sobol indices of {k} factors"
    )
    n = int(sens.noise["n"].iloc[0]) if len(sens.noise) else 0
    runs = f"; {sens.report.total} runs in all" if sens.report.total else ""
    return (
        f"{how}: {len(sens.points)} sample points, every one with the same seeds (common "
        f"random numbers); the central point (every factor at its central value) and a step "
        f"pair run {n} times each for the stochastic part{runs}. Store: {sens.out}."
    )


def sensitivity_section(sens: SensitivityView, fig: Fig) -> Section:
    """The report section of a sensitivity analysis (see the module docstring)."""
    morris = sens.method == "morris"
    level = f"{sens.confidence * 100:g} %"
    blocks: list[Block] = []
    lines = sens.headlines()
    blocks += [lead(line) for line in lines]
    if not lines:
        blocks.append(note("The analysis has no route difference, so no headline sentence."))
    blocks.append(
        note(
            f"Two uncertainties: the range over the plausible inputs (5th–95th percentile of "
            f"the output over the sample points) and the {level} confidence interval of the "
            "stochastic part (the replications of the central point, which is what a run's "
            "or a batch's CI measures). " + _design(sens)
        )
    )
    blocks.append(heading("The range over the inputs next to the replication CI"))
    blocks.append(table(range_frame(sens), {"runs": "{:,}", "points": "{:,}"}))
    blocks.append(heading("Which inputs drive each output"))
    blocks.append(table(index_frame(sens)))
    noise = "the noise level of the stochastic part (a paired difference between two points)"
    blocks.append(
        note(
            (
                "Morris μ* ± its bootstrap half-width, in days: about the change of the output "
                "over the factor's whole range (rank in brackets); "
                if morris
                else "Sobol total index ST ± its bootstrap half-width: the share of the "
                "output's variance the factor takes part in (rank in brackets); "
            )
            + f"~ marks an index at or below {noise}, which may be noise."
        )
    )
    blocks.append(
        fig(
            lambda: plot_sensitivity(sens.indices),
            "sensitivity indices",
            "The factors ranked by their effect on each output, with bootstrap intervals; "
            "hatched bars are at or below the noise level.",
        )
    )
    blocks.append(heading("The factors and their ranges"))
    blocks.append(table(_factor_frame(sens), {"low": "{:g}", "central": "{:g}", "high": "{:g}"}))
    title = "Sensitivity to uncertain inputs" + (f": {sens.name}" if sens.name else "")
    return Section("sensitivity", title, blocks, nav="Sensitivity")
