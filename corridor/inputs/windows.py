"""Time windows of a scenario: closures, storms, seasons and capacity changes.

A window is given in one of three forms: calendar ``start`` with ``end`` or ``duration_h``;
``start_day`` with ``end_day`` or ``duration_h`` (days after the scenario's ``start_date``);
or an annual ``annual_from``/``annual_to`` (MM-DD, every year). Dates have no time zone: they
are in the scenario's own calendar. The model turns windows into hours of a run.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Union

from pydantic import AfterValidator, BeforeValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from corridor.inputs.distributions import Dist
from corridor.inputs.frozen import Items
from corridor.inputs.limits import (
    CALENDAR_END,
    EARLIEST_DATE,
    REFERENCE,
    DayOffset,
    Factor,
    Servers,
    StormRate,
    WindowHours,
    bound_error,
)
from corridor.inputs.specs import Id, Strict
from corridor.inputs.yamlio import describe_value

__all__ = [
    "CapacityChange",
    "Closure",
    "Elements",
    "Moment",
    "MonthDay",
    "Season",
    "StormSpec",
    "moment_text",
]


_ISO_MOMENT = re.compile(
    r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?"
)
_DATE_HINT = "write 2025-03-01 or 2025-03-01 08:00:00"


def _a_moment(value: Any) -> Any:
    """Before-validator: a date means its midnight; a number or other text is refused.

    pydantic would read ``20250101`` (an integer) or ``'20250101'`` as a Unix timestamp, a
    moment of 1970.
    """
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, (bool, int, float)):
        hint = _DATE_HINT
        digits = str(value) if isinstance(value, int) and not isinstance(value, bool) else ""
        if len(digits) == 8:
            hint = f"write {digits[:4]}-{digits[4:6]}-{digits[6:]}; a number is not a date"
        raise PydanticCustomError(
            "corridor_date",
            f"expected a date written YYYY-MM-DD, got {describe_value(value)}",
            {"hint": hint},
        )
    if isinstance(value, str) and not _ISO_MOMENT.fullmatch(value.strip()):
        raise PydanticCustomError(
            "corridor_date",
            f"expected a date written YYYY-MM-DD, got {describe_value(value)}",
            {"hint": _DATE_HINT},
        )
    return value


def _no_time_zone(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        raise PydanticCustomError(
            "corridor_time_zone",
            "{value} has a time zone; dates are in the scenario's own calendar, without one "
            "(write 2025-03-01 08:00:00)",
            {"value": value.isoformat()},
        )
    return value


def moment_text(value: dt.datetime) -> str:
    """A moment as written in a file: ``2025-03-01``, or ``2025-03-01 08:00:00``."""
    return str(value.date()) if value.time() == dt.time() else value.isoformat(sep=" ")


def _in_calendar(value: dt.datetime) -> dt.datetime:
    if value < EARLIEST_DATE:
        raise bound_error(
            f"{moment_text(value)} is before {EARLIEST_DATE.date()}",
            f"dates are from {EARLIEST_DATE.date()}; {REFERENCE}",
        )
    if value >= CALENDAR_END:
        raise bound_error(
            f"{moment_text(value)} is not before {CALENDAR_END.date()}",
            f"results are tabulated in pandas, whose calendar ends on {CALENDAR_END.date()}; "
            f"{REFERENCE}",
        )
    return value


Moment = Annotated[
    dt.datetime,
    BeforeValidator(_a_moment, json_schema_input_type=Union[dt.date, dt.datetime]),
    AfterValidator(_no_time_zone),
    AfterValidator(_in_calendar),
]
"""A calendar moment without time zone, from 1900-01-01 to before 2262-04-11; a date alone
means its midnight."""


def _month_day(value: str) -> str:
    try:
        month, day = (int(part) for part in value.split("-"))
        dt.date(2000, month, day)  # a leap year, so 02-29 is a day of the year
    except ValueError:
        raise PydanticCustomError(
            "corridor_month_day",
            "'{value}' is not a day of the year written MM-DD (say, 12-15)",
            {"value": value},
        ) from None
    if len(value) != 5:
        raise PydanticCustomError(
            "corridor_month_day",
            "'{value}': write the day as MM-DD with two digits each (say, 01-05)",
            {"value": value},
        )
    return value


MonthDay = Annotated[str, AfterValidator(_month_day), Field(examples=["12-15"])]


class _Window(Strict):
    """A time window: calendar ``start``/``end``, day offsets, or an annual ``from``/``to``."""

    start: Moment | None = Field(default=None, description="calendar start")
    end: Moment | None = Field(default=None, description="calendar end (exclusive)")
    start_day: DayOffset | None = Field(
        default=None, description="start, days after the scenario's start_date"
    )
    end_day: DayOffset | None = Field(
        default=None, description="end, days after the scenario's start_date"
    )
    duration_h: WindowHours | None = Field(default=None, description="length, hours (with a start)")
    annual_from: MonthDay | None = Field(default=None, description="MM-DD, every year")
    annual_to: MonthDay | None = Field(default=None, description="MM-DD, every year (inclusive)")

    @model_validator(mode="after")
    def _one_form(self) -> _Window:
        forms = {
            "start": self.start is not None or self.end is not None,
            "start_day": self.start_day is not None or self.end_day is not None,
            "annual_from": self.annual_from is not None or self.annual_to is not None,
        }
        given = [name for name, there in forms.items() if there]
        if len(given) != 1:
            got = f"; got {' and '.join(given)}" if given else ""
            raise ValueError(
                "give the window in one form: start with end or duration_h (dates), "
                "start_day with end_day or duration_h (days after the scenario start), or "
                f"annual_from and annual_to (MM-DD){got}"
            )
        form = given[0]
        if form == "annual_from":
            if self.annual_from is None or self.annual_to is None:
                raise ValueError("an annual window needs both annual_from and annual_to (MM-DD)")
            if self.duration_h is not None:
                raise ValueError(
                    "an annual window runs from annual_from to annual_to; drop duration_h"
                )
            return self
        first, last = ("start", "end") if form == "start" else ("start_day", "end_day")
        if getattr(self, first) is None:
            raise ValueError(f"{last} needs {first}")
        if (getattr(self, last) is None) == (self.duration_h is None):
            raise ValueError(f"give {last} or duration_h after {first}, not both")
        if self.end is not None and self.start is not None and self.end <= self.start:
            raise ValueError(f"end {self.end} is not after start {self.start}")
        if (
            self.end_day is not None
            and self.start_day is not None
            and self.end_day <= self.start_day
        ):
            raise ValueError(f"end_day {self.end_day:g} is not after start_day {self.start_day:g}")
        return self


def _one_is_a_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _at_least_one_item(schema: dict[str, Any]) -> None:
    # pydantic writes the length of the tuple as minLength, which JSON Schema applies to the
    # string form only; the list form is what needs an item
    schema.pop("minLength", None)
    schema["minItems"] = 1


Elements = Annotated[
    Items[Id],
    BeforeValidator(_one_is_a_list, json_schema_input_type=Union[str, list[str]]),
    Field(min_length=1, json_schema_extra=_at_least_one_item),
]


class Closure(_Window):
    """Nothing departs on, or is served at, the listed nodes and legs during the window."""

    elements: Elements = Field(description="node and leg ids closed together")
    reason: str = Field(default="", description="free text, for reports")


class StormSpec(Strict):
    """Storms that close the listed elements together, generated month by month.

    In month m storms start as a Poisson process with ``rate_per_month[m-1]`` storms per
    month on average; each lasts a draw of ``duration_h``. Drawn from the run's seed.
    """

    name: Id = Field(description="unique name; also names the storms' random stream")
    elements: Elements = Field(description="node and leg ids that every storm closes")
    rate_per_month: Annotated[Items[StormRate], Field(min_length=12, max_length=12)] = Field(
        description="mean storms starting per month, January to December"
    )
    duration_h: Dist = Field(description="length of each storm, hours")


class Season(_Window):
    """Slower or smaller service on legs during a window (ice, low water)."""

    name: Id = Field(description="unique name")
    legs: Annotated[Items[Id], Field(min_length=1)] = Field(description="leg ids affected")
    speed_factor: Factor = Field(default=1.0, description="multiplies speed (0.5 = half as fast)")
    extra_delay_h: Dist | None = Field(default=None, description="added to each run's delay, hours")
    capacity_factor: Factor = Field(
        default=1.0, description="multiplies capacity_teu per departure"
    )
    headway_factor: Factor = Field(
        default=1.0, description="multiplies headway_h (2 = half as many departures)"
    )


class CapacityChange(Strict):
    """From a moment on, a node process has ``servers`` servers."""

    node: Id = Field(description="node id")
    process: Id = Field(description="process name at that node")
    servers: Servers = Field(description="servers from then on")
    at: Moment | None = Field(default=None, description="calendar moment of the change")
    at_day: DayOffset | None = Field(
        default=None, description="days after the scenario's start_date"
    )

    @model_validator(mode="after")
    def _one_time(self) -> CapacityChange:
        if (self.at is None) == (self.at_day is None):
            raise ValueError("give either at (a date) or at_day (days after the start)")
        return self
