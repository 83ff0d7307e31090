"""How big a run will be, before it starts: containers, records and memory.

A scenario that is valid field by field can still ask for more than a machine has (a year at a
million TEU a day, or 15 % growth a year for sixty years). :func:`estimate_size` works out, from
the model alone, how many containers the flows create over the horizon, how many rows of
records they leave, and about how much memory the run and its tables take at their peak, so
that a run that cannot fit is refused at once, with the estimate, instead of being killed by
the operating system an hour later.

The memory figures per row are measured (``docs/performance.md``: a year at 1,000 TEU a day
has 365,000 containers and 6.9 million stage rows, and peaks at 856 MB with its tables), and
rounded up: the estimate errs on the large side.
"""

from __future__ import annotations

from dataclasses import dataclass

from corridor.inputs.size import expected_arrivals
from corridor.model.runtime import AT_DESTINATION, AT_ORIGIN, AT_TRANSIT, Model

__all__ = ["RunSize", "estimate_size"]

# peak bytes per record, engine buffers and tables together (rounded up from the benchmark)
_BYTES_PER_STAGE = 130.0
_BYTES_PER_JOB = 110.0
_BYTES_PER_CONTAINER = 250.0
_BYTES_PER_DEPARTURE = 120.0
_BASE_BYTES = 200e6  # the interpreter with numpy, pandas and SimPy loaded, and the model
_CONTAINERS_PER_S = 25_000.0  # engine and tables, a conservative rate on one core


@dataclass(frozen=True, slots=True)
class RunSize:
    """The expected size of a run."""

    containers: float
    stage_rows: float
    job_rows: float
    departures: float
    memory_bytes: float
    seconds: float  # a rough guide to how long it runs, on one core

    def describe(self) -> str:
        """``about 365,000 containers and 6.9 million stage rows: 1.1 GB at its peak, 15 s``."""
        return (
            f"about {_count(self.containers)} containers and {_count(self.stage_rows)} stage "
            f"rows: {_bytes(self.memory_bytes)} of memory at its peak and about "
            f"{_duration(self.seconds)} on one core"
        )


def estimate_size(model: Model) -> RunSize:
    """The expected number of containers, record rows and peak memory of a run of ``model``."""
    containers = stages = jobs = departures = 0.0
    for flow in model.flows:
        n = expected_arrivals(flow.containers_per_h, flow.growth_per_year, model.horizon_h)
        containers += n
        previous = 0.0
        for route_index, cum in zip(flow.routes, flow.route_cum, strict=True):
            share, previous = cum - previous, cum
            route = model.routes[route_index]
            per_container_stages = 0.0
            per_container_jobs = 0.0
            last = len(route.nodes) - 1
            for pos, node_index in enumerate(route.nodes):
                where = AT_ORIGIN if pos == 0 else AT_DESTINATION if pos == last else AT_TRANSIT
                for p in model.nodes[node_index].processes:
                    if p.at_mask & where:
                        # its service or dwell, and perhaps a queue or a closure before it
                        per_container_stages += 1.5 * p.probability
                        if p.servers is not None:
                            per_container_jobs += p.probability
            per_container_stages += 2.0 * len(route.legs)  # wait and travel
            stages += n * share * per_container_stages
            jobs += n * share * per_container_jobs
            departures += n * share * len(route.legs)  # at most one departure each
    if not model.keep_stages:
        stages = 0.0
    if not model.keep_resources:
        jobs = 0.0
    memory = (
        _BASE_BYTES
        + _BYTES_PER_STAGE * stages
        + _BYTES_PER_JOB * jobs
        + _BYTES_PER_CONTAINER * containers
        + _BYTES_PER_DEPARTURE * departures
    )
    return RunSize(containers, stages, jobs, departures, memory, containers / _CONTAINERS_PER_S)


def _count(n: float) -> str:
    if n >= 1e12:
        return f"{n:.2g}"
    if n >= 1e9:
        return f"{n / 1e9:,.1f} billion"
    if n >= 1e6:
        return f"{n / 1e6:,.1f} million"
    return f"{n:,.0f}"


def _bytes(n: float) -> str:
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if n >= size:
            return f"{n / size:,.1f} {unit}" if n < 1e15 else f"{n / 1e12:.2g} TB"
    return f"{n / 1e6:.1f} MB"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    if seconds < 86400 * 3:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.2g} days"
