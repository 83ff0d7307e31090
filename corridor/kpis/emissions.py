"""CO2e per TEU: distance times a factor per mode and fuel (kg CO2e per TEU-km).

Well-to-wheel factors (:func:`emission_factors`, overridable); that function lists every
default value, its source, and which values are assumptions.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from corridor.kpis.routes import route_legs
from corridor.kpis.selection import _text, measured_trips

__all__ = ["DEFAULT_FUEL_BY_MODE", "co2e_by_leg", "co2e_per_teu", "emission_factors"]


DEFAULT_FUEL_BY_MODE: Mapping[str, str] = {"sea": "hfo", "rail": "diesel", "road": "diesel"}
"""The fuel assumed for a leg of each mode unless told otherwise (:func:`co2e_by_leg`)."""


def emission_factors() -> pd.DataFrame:
    """Default CO2e factors per mode and fuel, kg CO2e per TEU-km, well-to-wheel.

    The factors follow the GLEC Framework / ISO 14083 approach (well-to-wheel, averages that
    include empty running and typical loads). Only the sea value is a published figure, and
    it was read from a secondary listing, not from the GLEC document itself. The rail and road
    values are **assumptions** of the right order of magnitude, to be replaced with
    sourced values (for instance from the GLEC Framework v3 default tables) before any
    emissions figure is quoted:

    ====  ========  =====  =================================================================
    mode  fuel      kg     basis
    ====  ========  =====  =================================================================
    sea   hfo       0.089  GLEC Framework v3.1 (2024) trade-lane default, container ship (dry),
                           Europe–Africa: 0.0894 kg CO2e/TEU-km, as listed by Climatiq. Used as
                           a stand-in for Indian Ocean services; small Caspian river-sea ships
                           probably emit more per TEU-km (assumption).
    sea   lng       0.075  assumption: about 15 % below hfo.
    rail  diesel    0.25   assumption: about 25 g CO2e/t-km for a diesel container train
                           times 10 t of cargo per TEU.
    rail  electric  0.10   assumption: about 10 g CO2e/t-km on a fossil-heavy grid
                           times 10 t per TEU.
    road  diesel    0.70   assumption: about 70 g CO2e/t-km for a 40 t articulated truck
                           times 10 t per TEU.
    road  lng       0.60   assumption: about 15 % below diesel.
    ====  ========  =====  =================================================================

    Returns
    -------
    pandas.DataFrame
        ``mode``, ``fuel``, ``kg_co2e_per_teu_km``, ``status`` (``published`` or
        ``assumption``) and ``basis``. Change it and pass it to :func:`co2e_per_teu`.
    """
    rows = [
        (
            "sea",
            "hfo",
            0.0894,
            "published",
            "GLEC Framework v3.1 (2024) trade-lane default, container ship (dry), Europe-Africa, "
            "via Climatiq's listing; stand-in for Indian Ocean and Caspian services",
        ),
        ("sea", "lng", 0.075, "assumption", "about 15 % below the hfo value"),
        (
            "rail",
            "diesel",
            0.25,
            "assumption",
            "about 25 g CO2e/t-km for a diesel container train x 10 t cargo per TEU",
        ),
        (
            "rail",
            "electric",
            0.10,
            "assumption",
            "about 10 g CO2e/t-km on a fossil-heavy grid x 10 t cargo per TEU",
        ),
        (
            "road",
            "diesel",
            0.70,
            "assumption",
            "about 70 g CO2e/t-km for a 40 t articulated truck x 10 t cargo per TEU",
        ),
        ("road", "lng", 0.60, "assumption", "about 15 % below the diesel value"),
    ]
    return pd.DataFrame(rows, columns=["mode", "fuel", "kg_co2e_per_teu_km", "status", "basis"])


def _factor_table(
    factors: pd.DataFrame | Mapping[tuple[str, str], float] | None,
) -> dict[tuple[str, str], float]:
    if factors is None:
        factors = emission_factors()
    if isinstance(factors, pd.DataFrame):
        return {
            (str(m), str(f)): float(v)
            for m, f, v in zip(
                factors["mode"], factors["fuel"], factors["kg_co2e_per_teu_km"], strict=True
            )
        }
    return {(str(m), str(f)): float(v) for (m, f), v in factors.items()}


def co2e_by_leg(
    stages: pd.DataFrame,
    factors: pd.DataFrame | Mapping[tuple[str, str], float] | None = None,
    fuel_by_mode: Mapping[str, str] | None = None,
    leg_fuel: Mapping[str, str] | None = None,
    departures: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """CO2e per TEU of every leg of every route.

    Parameters
    ----------
    stages
        The ``stages`` table (for the legs of each route, their modes and lengths).
    factors
        kg CO2e per TEU-km by ``(mode, fuel)``: a table like :func:`emission_factors` or a
        mapping; defaults to :func:`emission_factors`.
    fuel_by_mode
        The fuel of legs by mode; defaults to :data:`DEFAULT_FUEL_BY_MODE`.
    leg_fuel
        The fuel of particular legs, by leg id (electrified rail, say).
    departures
        For the legs' end nodes (optional).

    Returns
    -------
    pandas.DataFrame
        :func:`route_legs` with ``fuel``, ``kg_co2e_per_teu_km`` and ``co2e_kg_per_teu``.

    Raises
    ------
    ValueError
        If a leg's mode and fuel have no factor.
    """
    table = _factor_table(factors)
    fuels = dict(DEFAULT_FUEL_BY_MODE if fuel_by_mode is None else fuel_by_mode)
    chain = route_legs(stages, departures)
    fuel = [
        (leg_fuel or {}).get(leg, fuels.get(mode, ""))
        for leg, mode in zip(chain["leg"], chain["mode"], strict=True)
    ]
    missing = sorted({(m, f) for m, f in zip(chain["mode"], fuel, strict=True)} - set(table))
    if missing:
        shown = ", ".join(f"{m}/{f or '?'}" for m, f in missing)
        raise ValueError(
            f"no emission factor for mode/fuel {shown}; known: "
            + ", ".join(f"{m}/{f}" for m, f in sorted(table))
        )
    factor = [table[(m, f)] for m, f in zip(chain["mode"], fuel, strict=True)]
    out = chain.assign(fuel=fuel, kg_co2e_per_teu_km=factor)
    out["co2e_kg_per_teu"] = out["length_km"] * out["kg_co2e_per_teu_km"]
    return out


def co2e_per_teu(
    trips: pd.DataFrame,
    stages: pd.DataFrame,
    factors: pd.DataFrame | Mapping[tuple[str, str], float] | None = None,
    fuel_by_mode: Mapping[str, str] | None = None,
    leg_fuel: Mapping[str, str] | None = None,
    include_warmup: bool = False,
) -> pd.DataFrame:
    """CO2e per TEU and per TEU-km of each route, and the total for delivered containers.

    Parameters
    ----------
    trips, stages
        The run's tables.
    factors, fuel_by_mode, leg_fuel
        As for :func:`co2e_by_leg`. When none is given, legs whose travel stages carry a
        ``co2e_kg`` (the leg's own factor from the network or scenario) use it, so this table
        agrees with ``trips.co2e_kg``; the others use :func:`emission_factors`.
    include_warmup
        Count containers created during the warm-up too.

    Returns
    -------
    pandas.DataFrame
        One row per route: ``km``, ``co2e_kg_per_teu``, ``co2e_g_per_teu_km``,
        ``co2e_kg_per_teu_<mode>`` for each mode, ``teu`` delivered and ``co2e_t`` (tonnes for
        them).
    """
    legs = co2e_by_leg(stages, factors, fuel_by_mode, leg_fuel)
    if factors is None and fuel_by_mode is None and leg_fuel is None and "co2e_kg" in stages:
        # the run's own factors (the network's or scenario's per leg) where a leg has one,
        # so this table agrees with trips.co2e_kg; this module's table elsewhere
        travel = stages[(_text(stages["kind"]) == "travel")]
        teu = travel["container"].map(trips.set_index("container")["teu"]).astype(float)
        per_teu = (
            (travel["co2e_kg"] / teu)
            .groupby([_text(travel["route"]), _text(travel["element"])])
            .mean()
        )
        own = pd.Series(
            [
                per_teu.get((r, lg), np.nan)
                for r, lg in zip(legs["route"], legs["leg"], strict=True)
            ],
            index=legs.index,
        )
        legs = legs.assign(
            co2e_kg_per_teu=own.fillna(legs["co2e_kg_per_teu"]),
            kg_co2e_per_teu_km=(own / legs["length_km"]).fillna(legs["kg_co2e_per_teu_km"]),
        )
    per_route = legs.groupby("route", sort=True).agg(
        km=("length_km", "sum"), co2e_kg_per_teu=("co2e_kg_per_teu", "sum")
    )
    per_route["co2e_g_per_teu_km"] = (
        1000.0 * per_route["co2e_kg_per_teu"] / per_route["km"].replace(0.0, np.nan)
    )
    by_mode = legs.pivot_table(
        index="route", columns="mode", values="co2e_kg_per_teu", aggfunc="sum"
    ).fillna(0.0)
    for mode in by_mode.columns:
        per_route[f"co2e_kg_per_teu_{mode}"] = by_mode[mode]
    t = measured_trips(trips, include_warmup)
    teu = t.groupby(t["route"].astype(str))["teu"].sum().astype(float)
    per_route["teu"] = teu.reindex(per_route.index).fillna(0.0)
    per_route["co2e_t"] = per_route["teu"] * per_route["co2e_kg_per_teu"] / 1000.0
    per_route.index.name = "route"
    return per_route.reset_index()
