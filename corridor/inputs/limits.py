"""Physical bounds of the numbers in scenario and network files, and the types that check them.

A number that passes validation must not be able to exhaust the machine later: a demand of
``1e9`` TEU a day, a fleet of a billion trucks or a storm rate of a billion a month would each
pass a check of ``> 0`` and then fill memory once the model is built. Every number a file holds
therefore has a bound that is physical (no port handles more than about 135,000 TEU a day; the
Earth is 40,075 km round), documented with its reason in the Limits section of
``docs/scenario-reference.md`` and checked where the file is read.

A :class:`Limit` is pydantic metadata: ``Annotated[float, TEU_PER_DAY]`` refuses text and
booleans (``'30'``, ``true``), then values outside the bound, with a message that names the
value, the bound and the unit, and a hint with the reason::

    1e+09 is more than 100,000 TEU/day (a single flow: about the world's largest port, ...)

The bounds also appear in the JSON Schema (``minimum``, ``maximum``), for editors.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from corridor.inputs.yamlio import describe_value, show_value

__all__ = [
    "CALENDAR_END",
    "CAPACITY_TEU",
    "CO2E_KG_PER_TEU_KM",
    "COST_USD_PER_TEU",
    "CV",
    "DAY_OFFSET",
    "EARLIEST_DATE",
    "EXTRA_SERVERS",
    "FACTOR",
    "GAMMA_SHAPE",
    "GROWTH_PCT_PER_YEAR",
    "HEADWAY_H",
    "HORIZON_DAYS",
    "HOURS",
    "HOURS_PER_YEAR",
    "HOUR_OF_DAY",
    "LATEST_START",
    "LENGTH_KM",
    "LIMITS",
    "MAX_TIME_WINDOWS",
    "POSITIVE_HOURS",
    "REFERENCE",
    "ROUTE_SHARE",
    "SEED",
    "SERVERS",
    "SHARE",
    "SPEED_KMH",
    "STORM_RATE",
    "TEU_PER_DAY",
    "VEHICLES",
    "WEIGHT",
    "WINDOW_HOURS",
    "CapacityTeu",
    "Co2eKgPerTeuKm",
    "CostUsdPerTeu",
    "DayOffset",
    "ExtraServers",
    "Factor",
    "GrowthPct",
    "HeadwayHours",
    "HorizonDays",
    "HourOfDay",
    "Hours",
    "LengthKm",
    "Limit",
    "RouteShare",
    "Seed",
    "Servers",
    "Share",
    "SpeedKmh",
    "StormRate",
    "TeuPerDay",
    "Vehicles",
    "WindowHours",
    "bound_error",
    "number_text",
]

REFERENCE = "see Limits in docs/scenario-reference.md"

HOURS_PER_YEAR = 8760.0
"""Hours in a year of demand growth (365 days), as the engine compounds growth."""

MAX_TIME_WINDOWS = 100_000
"""At most this many closure and season windows over a run, each counted once per element or
leg it applies to: one every 5 hours for 60 years. Storms are counted by their expected number.
The Caspian storms of the INSTC baseline make about 70 a year."""

EARLIEST_DATE = dt.datetime(1900, 1, 1)
"""No date in a scenario is earlier (container shipping began in 1956)."""
LATEST_START = dt.datetime(2200, 1, 1)
"""No scenario starts later, so that a horizon of 60 years ends before :data:`CALENDAR_END`."""
CALENDAR_END = dt.datetime(2262, 4, 11)
"""Dates must be before this day: pandas' nanosecond timestamps, in which results are
tabulated, end on 2262-04-11."""


@dataclass(frozen=True, slots=True)
class Limit:
    """The bounds of one kind of number, with its unit and the reason for them.

    Used as pydantic metadata (``Annotated[float, LIMIT]``): the value must be a number (not
    text, not a boolean) from ``low`` to ``high``; ``low_open`` and ``high_open`` leave out the
    bound itself. A float must also be finite.
    """

    name: str
    low: float
    high: float
    unit: str
    why: str
    low_open: bool = False
    high_open: bool = False

    def problem(self, value: float) -> str | None:
        """What is wrong with ``value``, or None when it is inside the bounds."""
        shown = number_text(value)
        unit = f" {self.unit}" if self.unit else ""
        if isinstance(value, float) and math.isnan(value):
            return "nan is not a number"
        if self.high_open and value >= self.high:
            return f"{shown} must be less than {_bound_text(self.high)}{unit}"
        if value > self.high:
            if isinstance(value, float) and math.isinf(value) and math.isinf(self.high):
                return f"{shown} is not a finite number"
            return f"{shown} is more than {_bound_text(self.high)}{unit}"
        if self.low_open and value <= self.low:
            return f"{shown} must be more than {_bound_text(self.low)}{unit}"
        if value < self.low:
            return f"{shown} is less than {_bound_text(self.low)}{unit}"
        if isinstance(value, float) and math.isinf(value):
            return f"{shown} is not a finite number"
        return None

    @property
    def hint(self) -> str:
        return f"{self.why}; {REFERENCE}"

    def check(self, value: Any) -> Any:
        """Pydantic after-validator: ``value`` if inside the bounds, else a located error."""
        what = self.problem(value)
        if what is not None:
            raise bound_error(what, self.hint)
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        checked = core_schema.no_info_after_validator_function(self.check, handler(source))
        before = _a_whole_number if source is int else _a_number
        return core_schema.no_info_before_validator_function(before, checked)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        out = handler(schema)
        out["exclusiveMinimum" if self.low_open else "minimum"] = _json_number(self.low)
        if math.isfinite(self.high):
            out["exclusiveMaximum" if self.high_open else "maximum"] = _json_number(self.high)
        return out


def bound_error(what: str, hint: str = "") -> PydanticCustomError:
    """A pydantic error whose message is ``what``, carrying ``hint`` for the problem list."""
    return PydanticCustomError("corridor_bound", what, {"hint": hint})


def _refuse_kind(value: Any, expected: str) -> None:
    if isinstance(value, bool):
        raise PydanticCustomError(
            "corridor_number",
            f"expected {expected}, got {describe_value(value)}",
            {"hint": "true and false are not numbers"},
        )
    if isinstance(value, str):
        try:
            float(value)
            hint = f"write {value.strip()} without quotes"
        except ValueError:
            hint = ""
        raise PydanticCustomError(
            "corridor_number", f"expected {expected}, got {describe_value(value)}", {"hint": hint}
        )


def _a_number(value: Any) -> Any:
    """Before-validator of float fields: no text, no booleans; a huge integer is +-inf."""
    _refuse_kind(value, "a number")
    if isinstance(value, int):
        try:
            return float(value)
        except OverflowError:
            return math.inf if value > 0 else -math.inf
    return value


def _a_whole_number(value: Any) -> Any:
    """Before-validator of integer fields: no text, no booleans, no decimal point."""
    _refuse_kind(value, "a whole number")
    if isinstance(value, float):
        whole = math.isfinite(value) and value.is_integer() and abs(value) < 1e15
        raise PydanticCustomError(
            "corridor_number",
            f"expected a whole number, got {value!r}",
            {"hint": f"write {int(value)}" if whole else ""},
        )
    return value


def number_text(value: float) -> str:
    """A number as a user would read it in a message: ``30``, ``0.5``, ``1e+09``, ``inf``."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**21:
        return f"a number of {len(str(abs(value)))} digits"
    if isinstance(value, float) and math.isfinite(value) and abs(value) >= 1e15:
        return f"{value:g}"
    return show_value(value)


def _bound_text(value: float) -> str:
    if value == 2**63:
        return "2**63"
    if float(value).is_integer() and abs(value) < 1e18:
        return f"{int(value):,}"
    return repr(float(value))


def _json_number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


# --- the bounds ---------------------------------------------------------------------------
# Each reason is the hint of the message; docs/scenario-reference.md (Limits) gives them all.

_TEN_YEARS_H = 87_660.0  # 10 x 365.25 x 24
_SIXTY_YEARS_DAYS = 21_915.0  # 60 x 365.25

HORIZON_DAYS = Limit(
    "horizon", 0, _SIXTY_YEARS_DAYS, "days",
    "a run lasts up to 60 years and ends before 2262-04-11, where pandas' calendar ends",
    low_open=True,
)  # fmt: skip
DAY_OFFSET = Limit(
    "days after the start", 0, _SIXTY_YEARS_DAYS, "days", "from 0 to 60 years, the longest horizon"
)
WINDOW_HOURS = Limit(
    "length of a window", 0, _SIXTY_YEARS_DAYS * 24, "h", "up to 60 years, the longest horizon",
    low_open=True,
)  # fmt: skip
HOURS = Limit(
    "duration", 0, _TEN_YEARS_H, "h",
    "durations are from 0 to 10 years; a longer one is a mistake of units",
)  # fmt: skip
POSITIVE_HOURS = Limit(
    "mean duration", 0, _TEN_YEARS_H, "h",
    "durations are from 0 to 10 years; a longer one is a mistake of units",
    low_open=True,
)  # fmt: skip
HOUR_OF_DAY = Limit(
    "hour of the day", 0, 24, "h", "an hour of the day, from 0 to before 24", high_open=True
)
HEADWAY_H = Limit(
    "headway", 0.05, _TEN_YEARS_H, "h",
    "from 3 minutes, the tightest block headway of a railway, to 10 years",
)  # fmt: skip
TEU_PER_DAY = Limit(
    "demand of a flow", 0.001, 100_000, "TEU/day",
    "one flow: from a TEU every 3 years to about the world's largest port (Shanghai: "
    "135,000 TEU a day)",
)  # fmt: skip
GROWTH_PCT_PER_YEAR = Limit(
    "demand growth", -100, 100, "percent a year",
    "from the end of a flow (-100, excluded) to doubling every year",
    low_open=True,
)  # fmt: skip
ROUTE_SHARE = Limit(
    "route share", 0, 1_000_000, "",
    "shares are relative (fractions, percent or TEU a day), up to 1,000,000; only their "
    "ratios matter",
    low_open=True,
)  # fmt: skip
SHARE = Limit("share", 0, 1, "", "a fraction from 0 to 1")
WEIGHT = Limit(
    "weight", 0, math.inf, "", "weights are relative; only their ratios matter", high_open=False
)
SERVERS = Limit(
    "servers", 1, 10_000, "",
    "a process has 1 to 10,000 servers; no node has more parallel cranes, gates, lanes or "
    "tracks",
)  # fmt: skip
EXTRA_SERVERS = Limit(
    "extra servers", -10_000, 10_000, "",
    "a process has 1 to 10,000 servers; no node has more parallel cranes, gates, lanes or "
    "tracks",
)  # fmt: skip
VEHICLES = Limit(
    "fleet", 1, 10_000, "",
    "a fleet has 1 to 10,000 vehicles, more than any operator runs on one line; leave fleet "
    "out for no limit",
)  # fmt: skip
CAPACITY_TEU = Limit(
    "capacity of a departure", 1, 100_000, "TEU",
    "at least one container; the largest ships carry about 24,000 TEU",
)  # fmt: skip
LENGTH_KM = Limit("length", 0, 40_000, "km", "the Earth is 40,075 km round", low_open=True)
SPEED_KMH = Limit(
    "speed", 0.1, 1_000, "km/h",
    "from 0.1 km/h (a leg slower than that is closed) to faster than any freight vehicle",
)  # fmt: skip
COST_USD_PER_TEU = Limit(
    "cost", 0, 1_000_000, "USD/TEU", "up to more than the goods in a container are worth"
)
CO2E_KG_PER_TEU_KM = Limit(
    "emissions", 0, 10, "kg/TEU-km",
    "ten times a truck carrying a single TEU (about 1 kg per TEU-km); a larger figure is "
    "usually grams written as kilograms",
)  # fmt: skip
FACTOR = Limit(
    "factor", 0.01, 100, "", "a change of more than 100 times either way is a mistake of units"
)
STORM_RATE = Limit(
    "storm rate", 0, 31, "storms a month", "from 0 to 31 a month, a storm starting every day"
)
CV = Limit(
    "coefficient of variation", 0.001, 20, "",
    "below 0.001 a duration is fixed (write the number); above 20 it is not a duration",
)  # fmt: skip
SEED = Limit("seed", 0, 2**63, "", "seeds are whole numbers from 0 to 2**63 - 1", high_open=True)
GAMMA_SHAPE = Limit(
    "gamma shape", 1 / 400, 1_000_000, "", "shape = 1 / cv**2, with cv from 0.001 to 20"
)

LIMITS: tuple[Limit, ...] = (
    HORIZON_DAYS, DAY_OFFSET, WINDOW_HOURS, HOURS, POSITIVE_HOURS, HOUR_OF_DAY, HEADWAY_H,
    TEU_PER_DAY, GROWTH_PCT_PER_YEAR, ROUTE_SHARE, SHARE, WEIGHT, SERVERS, EXTRA_SERVERS,
    VEHICLES, CAPACITY_TEU, LENGTH_KM, SPEED_KMH, COST_USD_PER_TEU, CO2E_KG_PER_TEU_KM, FACTOR,
    STORM_RATE, CV, GAMMA_SHAPE, SEED,
)  # fmt: skip
"""Every bound, for the documentation test."""

# --- the checked types ----------------------------------------------------------------------

HorizonDays = Annotated[float, HORIZON_DAYS]
DayOffset = Annotated[float, DAY_OFFSET]
WindowHours = Annotated[float, WINDOW_HOURS]
Hours = Annotated[float, HOURS]
HourOfDay = Annotated[float, HOUR_OF_DAY]
HeadwayHours = Annotated[float, HEADWAY_H]
TeuPerDay = Annotated[float, TEU_PER_DAY]
GrowthPct = Annotated[float, GROWTH_PCT_PER_YEAR]
RouteShare = Annotated[float, ROUTE_SHARE]
Share = Annotated[float, SHARE]
Servers = Annotated[int, SERVERS]
ExtraServers = Annotated[int, EXTRA_SERVERS]
Vehicles = Annotated[int, VEHICLES]
CapacityTeu = Annotated[float, CAPACITY_TEU]
LengthKm = Annotated[float, LENGTH_KM]
SpeedKmh = Annotated[float, SPEED_KMH]
CostUsdPerTeu = Annotated[float, COST_USD_PER_TEU]
Co2eKgPerTeuKm = Annotated[float, CO2E_KG_PER_TEU_KM]
Factor = Annotated[float, FACTOR]
StormRate = Annotated[float, STORM_RATE]
Seed = Annotated[int, SEED]
