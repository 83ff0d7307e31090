"""Output analysis across replications: confidence intervals and paired comparisons.

Every statistic is first computed per run (one replication of one scenario), then treated as
one observation: replications are independent (their seeds are), so the per-run values are
independent and identically distributed, and a 95 % interval for their expected value is the
Student t interval ``mean ± t(0.975, n-1) · s / √n`` over the ``n`` replications.

That holds for means and for percentiles alike. For P50, P90 and P95 the interval is a
t interval over the replications' own percentiles (each computed from that run's containers
after the warm-up): it covers the expected percentile of a run of this length, which for runs
of hundreds of containers or more differs from the steady-state percentile by far less than
the interval's width. Percentiles are not averaged across pooled containers, because the
containers within one run are correlated (they share queues and departures) and an interval
over them would be far too narrow.

A paired comparison of scenarios A and B uses the differences ``B_r - A_r`` of replication
``r`` of both, which ran with the same seed (common random numbers); its interval is the t
interval of those differences. When the scenarios differ in one place, the differences vary
much less than either scenario does, so a paired interval is much narrower than two separate
ones.

With many replications a paired interval can exclude 0 for a difference nobody would act
on (a few minutes on a 20-day route). A comparison therefore also has a practical threshold
(:data:`MIN_EFFECT_DAYS`): a transit difference whose estimate is smaller is reported as
"no practical difference", significant or not.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import t as student_t

from corridor.engine.records import STAGE_KINDS
from corridor.errors import CorridorError, did_you_mean
from corridor.experiments.runs import KIND_COLUMNS
from corridor.kpis.summary import ALL_ROUTES, summarize

__all__ = [
    "ALL_ROUTES",
    "METRICS",
    "MIN_EFFECT_DAYS",
    "Interval",
    "UnknownNameError",
    "UnknownScenarioError",
    "compare_runs",
    "replication_convergence",
    "run_summary",
    "select_comparison",
    "summary_statistics",
    "t_interval",
    "verdict",
]

METRICS: dict[str, str] = {
    "mean_days": "mean transit",
    "p50_days": "P50",
    "p90_days": "P90",
    "p95_days": "P95",
    "throughput_teu_per_day": "throughput",
}
"""The per-run statistics that get intervals, with their names in sentences."""

_UNITS = {
    "mean_days": "d",
    "p50_days": "d",
    "p90_days": "d",
    "p95_days": "d",
    "throughput_teu_per_day": "TEU/day",
}


MIN_EFFECT_DAYS = 0.5
"""Default practical threshold of a comparison, days: smaller transit differences are
"no practical difference" (half a day: less than a train's or a ship's usual slack)."""


class UnknownScenarioError(CorridorError, LookupError):
    """A scenario label that is not in an experiment's results."""


class UnknownNameError(CorridorError, LookupError):
    """A flow or route named in a filter that is not in the results compared."""


_EMPTY_STAGES = pd.DataFrame({"container": pd.Series(dtype=np.int64)})


@dataclass(frozen=True)
class Interval:
    """A confidence interval for an expected value.

    Attributes
    ----------
    estimate
        The mean of the observations.
    half_width
        Half the interval's width (NaN with fewer than two observations).
    low, high
        The interval's ends.
    n
        Observations (replications, or pairs of them).
    sd
        Their sample standard deviation.
    confidence
        The confidence level, such as 0.95.
    """

    estimate: float
    half_width: float
    low: float
    high: float
    n: int
    sd: float
    confidence: float

    @property
    def spans_zero(self) -> bool:
        """Whether 0 lies in the interval (or it is undefined): no significant difference."""
        return not (self.low > 0 or self.high < 0)


def t_interval(values: Iterable[float], confidence: float = 0.95) -> Interval:
    """The Student t confidence interval for the mean of ``values`` (NaNs left out).

    Parameters
    ----------
    values
        Independent observations, one per replication.
    confidence
        Two-sided confidence level in (0, 1).

    Returns
    -------
    Interval
        With NaN bounds when fewer than two values are left; with zero width when all values
        are equal.
    """
    x = np.asarray(list(values), dtype=np.float64)
    x = x[~np.isnan(x)]
    n = int(x.size)
    if n == 0:
        nan = math.nan
        return Interval(nan, nan, nan, nan, 0, nan, confidence)
    mean = float(x.mean())
    if n < 2:
        return Interval(mean, math.nan, math.nan, math.nan, 1, math.nan, confidence)
    sd = float(x.std(ddof=1))
    if np.all(x == x[0]):
        sd = 0.0  # identical values: no rounding noise in the width
    half = float(student_t.ppf(0.5 + confidence / 2.0, n - 1)) * sd / math.sqrt(n)
    return Interval(mean, half, mean - half, mean + half, n, sd, confidence)


def run_summary(
    table: pd.DataFrame, warmup_h: float, horizon_h: float, pooled: bool = False
) -> pd.DataFrame:
    """Per flow and route of one run: :func:`corridor.kpis.summarize`, with ``share_*``.

    Parameters
    ----------
    table
        The run's stored table (one row per container).
    warmup_h
        Containers created before this hour are left out.
    horizon_h
        The run's horizon, hours.
    pooled
        One row per flow instead: the containers of all its routes together, with route
        :data:`ALL_ROUTES`.

    Returns
    -------
    DataFrame
        The columns of :meth:`corridor.Results.summary`; the ``share_<kind>`` columns come
        from the stored hours per stage kind (NaN when the scenario did not record stages).
    """
    if pooled:
        table = table.assign(route=ALL_ROUTES)
    trips = table.assign(
        transit_h=table["delivered_h"] - table["created_h"],
        in_warmup=table["created_h"] < warmup_h,
    )
    trips["transit_days"] = trips["transit_h"] / 24.0
    trips["flow"] = trips["flow"].astype("category")
    trips["route"] = trips["route"].astype("category")
    out = summarize(trips, _EMPTY_STAGES, warmup_h, horizon_h)
    measured = trips[~trips["in_warmup"] & trips["delivered_h"].notna()]
    if len(out) and all(c in measured for c in KIND_COLUMNS):
        kinds = measured[list(KIND_COLUMNS)].astype(np.float64)
        hours = kinds.groupby([measured["flow"], measured["route"]], observed=True).sum()
        total = hours.sum(axis=1).replace(0.0, np.nan)
        shares = hours.div(total, axis=0)
        for kind, column in zip(STAGE_KINDS, KIND_COLUMNS, strict=True):
            out[f"share_{kind}"] = [
                float(shares[column].get((f, r), np.nan))
                for f, r in zip(out["flow"], out["route"], strict=True)
            ]
    return out


def summary_statistics(runs: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Confidence intervals per scenario, flow, route and statistic across replications.

    Parameters
    ----------
    runs
        One row per scenario, replication, flow and route (:attr:`ExperimentResults.runs`).
    confidence
        Two-sided confidence level.

    Returns
    -------
    DataFrame
        One row per scenario, flow, route and metric (``mean_days``, ``p50_days``,
        ``p90_days``, ``p95_days``, ``throughput_teu_per_day``): ``n`` (replications with a
        value), ``mean``, ``sd``, ``half_width``, ``ci_low``, ``ci_high``, ``unit``, and
        ``saturated_runs`` out of ``runs``.
    """
    rows = []
    keys = ["scenario", "flow", "route"]
    for key, group in runs.groupby(keys, observed=True, sort=False):
        saturated = int((group["status"] == "saturated").sum())
        for metric in METRICS:
            ci = t_interval(group[metric], confidence)
            rows.append(
                {
                    **dict(zip(keys, key, strict=True)),
                    "metric": metric,
                    "n": ci.n,
                    "mean": ci.estimate,
                    "sd": ci.sd,
                    "half_width": ci.half_width,
                    "ci_low": ci.low,
                    "ci_high": ci.high,
                    "unit": _UNITS[metric],
                    "saturated_runs": saturated,
                    "runs": len(group),
                }
            )
    columns = [*keys, "metric", "n", "mean", "sd", "half_width", "ci_low", "ci_high", "unit"]
    return pd.DataFrame(rows, columns=[*columns, "saturated_runs", "runs"])


def _decimals(half_width: float, estimate: float) -> int:
    """Decimals that show the first significant digit of the half-width (1 to 3)."""
    if half_width != half_width or half_width <= 1e-9 * max(1.0, abs(estimate)):
        return 1  # no width, or only rounding noise
    return int(min(3, max(1, -math.floor(math.log10(half_width)))))


def verdict(
    metric: str,
    ci: Interval,
    a: str = "A",
    b: str = "B",
    route: str | None = None,
    min_effect_days: float = 0.0,
) -> str:
    """One line that says what the paired interval of ``B - A`` means.

    ``"B is 3.8 d faster than A at P50, 95 % CI 3.1–4.5 d"``; ``"no significant
    difference ..."`` when the interval contains 0; ``"no practical difference ..."`` when it
    does not but the estimate of a transit statistic is under ``min_effect_days``.
    """
    unit = _UNITS.get(metric, "")
    name = METRICS.get(metric, metric)
    level = f"{ci.confidence * 100:g} %"
    prefix = f"{route}: " if route else ""
    if ci.n < 2 or ci.half_width != ci.half_width:
        return (
            f"{prefix}cannot tell at {name}: {ci.n} paired replication"
            f"{'s' if ci.n != 1 else ''} (at least 2 are needed for an interval)"
        )
    places = _decimals(ci.half_width, ci.estimate)
    at = f"in {name}" if metric in ("mean_days", "throughput_teu_per_day") else f"at {name}"
    if ci.spans_zero:
        return (
            f"{prefix}no significant difference {at} between {a} and {b} "
            f"({b} − {a} = {ci.estimate:+.{places}f} {unit}, {level} CI "
            f"{ci.low:+.{places}f} to {ci.high:+.{places}f} {unit})"
        )
    low, high = sorted((abs(ci.low), abs(ci.high)))
    size = abs(ci.estimate)
    if unit == "d" and size < min_effect_days:
        places = max(places, 2)  # -0.46 must not read as -0.5, "under 0.5"
        return (
            f"{prefix}no practical difference {at} between {a} and {b} "
            f"({b} − {a} = {ci.estimate:+.{places}f} {unit}, under the {min_effect_days:g} d "
            f"threshold; {level} CI {ci.low:+.{places}f} to {ci.high:+.{places}f} {unit})"
        )
    if metric == "throughput_teu_per_day":
        how = "more" if ci.estimate > 0 else "less"
        return (
            f"{prefix}{b} carries {size:.{places}f} {unit} {how} than {a}, {level} CI "
            f"{low:.{places}f}–{high:.{places}f} {unit}"
        )
    how = "faster" if ci.estimate < 0 else "slower"
    return (
        f"{prefix}{b} is {size:.{places}f} {unit} {how} than {a} {at}, {level} CI "
        f"{low:.{places}f}–{high:.{places}f} {unit}"
    )


def compare_runs(
    runs: pd.DataFrame,
    a: str,
    b: str,
    confidence: float = 0.95,
    metrics: Sequence[str] = tuple(METRICS),
    min_effect_days: float = MIN_EFFECT_DAYS,
) -> pd.DataFrame:
    """Paired differences ``B - A`` per flow, route and statistic, with intervals.

    Replication ``r`` of ``a`` is paired with replication ``r`` of ``b`` (same seed); flows
    and routes are matched by name, and only replications that both scenarios have count.
    Rows whose route is :data:`ALL_ROUTES` (from :func:`run_summary` with ``pooled=True``)
    compare whole flows.

    Parameters
    ----------
    min_effect_days
        Practical threshold for the transit statistics, days: a smaller estimated
        difference is "no practical difference" even when its interval excludes 0.

    Returns
    -------
    DataFrame
        One row per flow, route and metric, sorted by metric and then by the size of the
        difference (largest first): ``level`` (``flow`` or ``route``), ``n`` (pairs),
        ``mean_a``, ``mean_b``, ``diff`` (mean of B - A), ``sd``, ``half_width``,
        ``ci_low``, ``ci_high``, ``unit``, ``significant`` (the interval excludes 0),
        ``practical`` (significant, and for transit at least ``min_effect_days``) and
        ``verdict`` (a sentence).

    Raises
    ------
    UnknownScenarioError
        If ``a`` or ``b`` is not a scenario of ``runs`` (a ``LookupError``).
    """
    for label in (a, b):
        if label not in set(runs["scenario"]):
            known = ", ".join(repr(s) for s in dict.fromkeys(runs["scenario"]))
            raise UnknownScenarioError(
                f"no scenario {label!r} in these results (scenarios: {known})"
            )
    keys = ["replication", "flow", "route"]
    both = runs[runs["scenario"] == a].merge(
        runs[runs["scenario"] == b], on=keys, how="inner", suffixes=("_a", "_b")
    )
    rows = []
    for (flow, route), group in both.groupby(["flow", "route"], sort=False):
        pooled = route == ALL_ROUTES
        for metric in metrics:
            diffs = group[f"{metric}_b"] - group[f"{metric}_a"]
            ci = t_interval(diffs, confidence)
            small = _UNITS[metric] == "d" and abs(ci.estimate) < min_effect_days
            where = f"flow {flow} {ALL_ROUTES}" if pooled else f"{flow} {route}"
            rows.append(
                {
                    "level": "flow" if pooled else "route",
                    "flow": flow,
                    "route": route,
                    "metric": metric,
                    "n": ci.n,
                    "mean_a": float(group[f"{metric}_a"].mean()),
                    "mean_b": float(group[f"{metric}_b"].mean()),
                    "diff": ci.estimate,
                    "sd": ci.sd,
                    "half_width": ci.half_width,
                    "ci_low": ci.low,
                    "ci_high": ci.high,
                    "unit": _UNITS[metric],
                    "significant": not ci.spans_zero,
                    "practical": not ci.spans_zero and not small,
                    "verdict": verdict(metric, ci, a, b, where, min_effect_days),
                }
            )
    out = pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
    order = {m: i for i, m in enumerate(METRICS)}
    return (
        out.assign(_m=out["metric"].map(order), _size=-out["diff"].abs().fillna(-1.0))
        .sort_values(["_m", "_size"], kind="stable")
        .drop(columns=["_m", "_size"])
        .reset_index(drop=True)
    )


COMPARISON_COLUMNS = [
    "level",
    "flow",
    "route",
    "metric",
    "n",
    "mean_a",
    "mean_b",
    "diff",
    "sd",
    "half_width",
    "ci_low",
    "ci_high",
    "unit",
    "significant",
    "practical",
    "verdict",
]
"""The columns of :func:`compare_runs`."""


def select_comparison(
    table: pd.DataFrame,
    flows: Sequence[str] | None = None,
    routes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The rows of a comparison (:func:`compare_runs`) about some flows and/or routes.

    ``flows`` keeps the rows of those flows (whole-flow and per-route rows); ``routes`` keeps
    the per-route rows of those routes and, unless ``flows`` is given too, drops the
    whole-flow rows (they are about other routes as well).

    Raises
    ------
    UnknownNameError
        If a flow or route is not in ``table`` (a ``LookupError``), with the closest name.
    """
    keep = pd.Series(True, index=table.index)
    for what, names, column in (("flow", flows, "flow"), ("route", routes, "route")):
        if names is None:
            continue
        known = sorted({str(v) for v in table[column]} - {ALL_ROUTES})
        for name in names:
            if name not in known:
                hint = did_you_mean(name, known) or f"the {what}s are {', '.join(known)}"
                raise UnknownNameError(f"no {what} {name!r} in this comparison ({hint})")
        if what == "flow":
            keep &= table["flow"].astype(str).isin(list(names))
        else:
            route_rows = table["level"] == "route"
            keep &= (route_rows & table["route"].astype(str).isin(list(names))) | (
                ~route_rows & (flows is not None)
            )
    return table[keep].reset_index(drop=True)


def replication_convergence(runs: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """How each statistic's interval settles as replications are added, one at a time.

    Parameters
    ----------
    runs
        One row per scenario, replication, flow and route (:attr:`ExperimentResults.runs`).

    Returns
    -------
    DataFrame
        One row per scenario, flow, route, metric and ``replications`` (1 to n, in
        replication order): the running ``mean`` and ``half_width`` of the t interval over
        the first ``replications`` runs (NaN half-width for one run), and ``unit``.
    """
    rows = []
    keys = ["scenario", "flow", "route"]
    for key, group in runs.groupby(keys, observed=True, sort=False):
        group = group.sort_values("replication")
        for metric in METRICS:
            values = group[metric].to_numpy(dtype=np.float64)
            for n in range(1, len(values) + 1):
                ci = t_interval(values[:n], confidence)
                rows.append(
                    {
                        **dict(zip(keys, key, strict=True)),
                        "metric": metric,
                        "replications": n,
                        "mean": ci.estimate,
                        "half_width": ci.half_width,
                        "unit": _UNITS[metric],
                    }
                )
    columns = [*keys, "metric", "replications", "mean", "half_width", "unit"]
    return pd.DataFrame(rows, columns=columns)
