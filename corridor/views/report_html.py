"""The pieces of the HTML report: blocks of its sections, and the page from its templates.

A section is a list of blocks (a heading, a table, a figure, a note, the map's frame); the
Jinja2 templates in ``corridor/views/templates`` write them out, escaping every value
(autoescape), so no HTML is assembled by hand.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jinja2
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from corridor.kpis import THROUGHPUT, THROUGHPUT_TITLE
from corridor.views.style import FIGURE_FORMATS

__all__ = [
    "FIGURE_FORMATS",
    "Block",
    "Section",
    "column_title",
    "figure",
    "frame",
    "heading",
    "image_uri",
    "lead",
    "note",
    "render_experiment_report",
    "render_report",
    "table",
]

_MIME = {"png": "image/png", "svg": "image/svg+xml"}
_LONG_TEXT = 80  # characters: a text column with a longer cell wraps (a factor's source)


@dataclass(frozen=True)
class Block:
    """One block of a section: ``kind`` says which template branch writes it."""

    kind: str
    text: str = ""
    columns: tuple[dict[str, str], ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    alt: str = ""
    caption: str = ""
    src: str = ""
    title: str = ""
    page: str = ""


@dataclass
class Section:
    """A titled section that the page's navigation links to by ``anchor``."""

    anchor: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    nav: str = ""


def heading(text: str) -> Block:
    """A sub-heading (``<h3>``)."""
    return Block("heading", text=text)


def note(text: str) -> Block:
    """A paragraph of small print."""
    return Block("note", text=text)


def lead(text: str) -> Block:
    """A paragraph that stands out: a headline finding."""
    return Block("lead", text=text)


def frame(page: str, title: str) -> Block:
    """An ``<iframe srcdoc>`` holding a whole HTML page (the interactive map)."""
    return Block("frame", page=page, title=title)


def image_uri(fig: Figure, fmt: str = "png", dpi: int = 110) -> str:
    """The figure as a ``data:`` URI of a PNG or an SVG.

    Raises
    ------
    ValueError
        If ``fmt`` is not one of :data:`FIGURE_FORMATS`.
    """
    if fmt not in _MIME:
        raise ValueError(f"figure format {fmt!r} is not one of {', '.join(FIGURE_FORMATS)}")
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=dpi, metadata={"Date": None} if fmt == "svg" else None)
    return f"data:{_MIME[fmt]};base64,{base64.b64encode(buf.getvalue()).decode('ascii')}"


def figure(make: Callable[[], Figure], alt: str, caption: str, fmt: str = "png") -> Block:
    """A figure with the chart ``make`` draws, embedded as ``fmt``; or a note saying why it
    was not drawn (``make`` raised a :class:`ValueError`)."""
    try:
        fig = make()
    except ValueError as exc:  # documented "cannot draw this" errors, e.g. no tariffs
        return Block("figure", alt=alt, caption=str(exc))
    return Block("figure", alt=alt, caption=caption, src=image_uri(fig, fmt))


def _cell(value: object, fmt: str | None) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "–"
    if fmt is not None:
        return fmt.format(value)
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


_TITLES = {
    THROUGHPUT: THROUGHPUT_TITLE,
    "demand_teu_per_day": "demand (TEU/day created after warm-up)",
    "backlog_growth_teu_per_day": "backlog growth (TEU/day per day)",
    "created": "created (containers)",
    "delivered": "delivered (containers)",
    "in_transit": "in transit (containers)",
    "containers": "containers (count)",
    "teu_delivered": "delivered (TEU)",
    "share": "share (of the flow's containers)",
    "on_time_share": "on time (share)",
    "km": "length (km)",
    "usd_per_teu": "cost (USD/TEU)",
}
# unit suffixes of column names, longest first, and how a header says them
_UNITS = (
    ("_teu_per_day", "TEU/day"),
    ("_usd_per_teu", "USD/TEU"),
    ("_kg_per_teu", "kg/TEU"),
    ("_kmh", "km/h"),
    ("_days", "days"),
    ("_teu", "TEU"),
    ("_usd", "USD"),
    ("_km", "km"),
    ("_pct", "%"),
    ("_h", "h"),
)


def column_title(name: str) -> str:
    """The header of a column in a report table: its name in words, with its unit.

    ``p95_days`` becomes ``p95 (days)``; columns whose name does not carry the unit have a
    title of their own (``throughput_teu_per_day`` is headed
    :data:`corridor.kpis.THROUGHPUT_TITLE`).
    """
    if name in _TITLES:
        return _TITLES[name]
    for suffix, unit in _UNITS:
        if name.endswith(suffix) and len(name) > len(suffix):
            return f"{name.removesuffix(suffix).replace('_', ' ')} ({unit})"
    return name.replace("_", " ")


def table(frame: pd.DataFrame, formats: Mapping[str, str] | None = None) -> Block:
    """A table: numbers right-aligned and formatted (floats to one decimal unless
    ``formats`` says otherwise), text left-aligned (on one line, unless a cell of the column is
    long: then the column wraps); headers with units (:func:`column_title`)."""
    fmts = dict(formats or {})
    columns, chosen = [], []
    for c in frame.columns:
        s = frame[c]
        numeric = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
        long = not numeric and bool(s.astype(str).str.len().gt(_LONG_TEXT).any())
        align = "num" if numeric else "wrap" if long else "text"
        columns.append({"title": column_title(str(c)), "align": align})
        chosen.append(fmts.get(str(c)) or ("{:,.1f}" if pd.api.types.is_float_dtype(s) else None))
    rows = tuple(
        tuple(_cell(v, f) for v, f in zip(values, chosen, strict=True))
        for values in frame.itertuples(index=False)
    )
    return Block("table", columns=tuple(columns), rows=rows)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("corridor", "views/templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.globals["zip"] = zip
    return env


def render_report(sections: Sequence[Section], notes: Sequence[str], **page: Any) -> str:
    """The report page: ``sections`` in order, ``notes`` after them, then the methods.

    ``page`` gives ``title``, ``scenario``, ``seed``, ``start_date``, ``horizon_days``,
    ``warmup_days``, ``created``, ``delivered``, ``made`` and ``version``.
    """
    template = _environment().get_template("report.html.j2")
    return template.render(sections=list(sections), notes=list(notes), **page)


def render_experiment_report(sections: Sequence[Section], **page: Any) -> str:
    """The report page of an experiment: ``sections`` in order, then the methods.

    ``page`` gives ``title``, ``scenarios``, ``replications``, ``seed``, ``warmup``,
    ``confidence``, ``min_effect``, ``made`` and ``version``.
    """
    template = _environment().get_template("experiment.html.j2")
    return template.render(sections=list(sections), **page)
