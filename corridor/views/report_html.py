"""The pieces of the HTML report: its style, embedded charts, tables and sections."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

__all__ = ["CSS", "METHODS", "figure", "note", "png", "section", "table"]

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       color: #222; background: #fafafa; }
main { max-width: 1150px; margin: 0 auto; padding: 1.5em 2em 4em; background: white; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 2em; border-bottom: 2px solid #ddd; }
.meta { color: #555; margin-top: 0; }
table.kpi { border-collapse: collapse; font-size: 0.85em; margin: 0.6em 0 1.2em; }
table.kpi th, table.kpi td { border-bottom: 1px solid #e2e2e2; padding: 3px 8px; }
table.kpi th { background: #f2f2f2; vertical-align: bottom; }
table.kpi .num { text-align: right; } table.kpi .text { text-align: left; white-space: nowrap; }
div.scroll { overflow-x: auto; }
figure { margin: 1em 0 2em; } figure img { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: 0.9em; }
iframe.map { width: 100%; height: 620px; border: 1px solid #ccc; }
.note { color: #666; font-size: 0.9em; }
nav a { margin-right: 1em; }
"""


METHODS = """
<p>Statistics are over containers created after the warm-up and delivered before the end of
the horizon, unless a table says otherwise. On-time shares also count containers still in
transit whose age already exceeds the promise.</p>
<p><b>Time/cost–distance</b> (UNESCAP, 2004): cumulative time or cost against cumulative
distance; slopes are legs, vertical steps are nodes.
<b>CAREC CPMM</b>: TFI1, time to clear a border crossing point (entry to exit, both sides);
TFI4, speed without delay (distance over moving time) and with delay (distance over total
time). Border posts of one crossing are grouped by node id: <code>AST-IR</code> and
<code>AST-AZ</code> form the crossing <code>AST</code>.</p>
<p><b>CO2e</b>: distance times a well-to-wheel factor per mode and fuel (GLEC Framework /
ISO 14083 approach); see the factor table for each value's status and basis.</p>
"""


def png(fig: Figure, dpi: int = 110) -> str:
    """The figure as a base64 PNG."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def figure(make: Callable[[], Figure], alt: str, caption: str) -> str:
    """A ``<figure>`` with the chart ``make`` draws as an embedded PNG, or a note saying why
    it was not drawn (``make`` raised a :class:`ValueError`)."""
    try:
        fig = make()
    except ValueError as exc:  # documented "cannot draw this" errors, e.g. no tariffs
        return f"<p class='note'>{html.escape(alt)}: not drawn ({html.escape(str(exc))}).</p>"
    data = png(fig)
    return (
        f"<figure><img alt='{html.escape(alt, quote=True)}' src='data:image/png;base64,{data}'>"
        f"<figcaption>{caption}</figcaption></figure>"
    )


def _cell(value: object, fmt: str | None) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "–"
    if fmt is not None:
        return fmt.format(value)
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def table(frame: pd.DataFrame, formats: Mapping[str, str] | None = None) -> str:
    """An HTML table: numbers right-aligned and formatted, text left-aligned, all escaped."""
    if frame.empty:
        return "<p class='note'>(nothing to show)</p>"
    fmts = dict(formats or {})
    columns = [str(c) for c in frame.columns]
    numeric = [
        pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
        for c in frame.columns
    ]
    chosen = [
        fmts.get(c) or ("{:,.1f}" if pd.api.types.is_float_dtype(frame[c]) else None)
        for c in columns
    ]
    head = "".join(
        f"<th class='{'num' if n else 'text'}'>{html.escape(c.replace('_', ' '))}</th>"
        for c, n in zip(columns, numeric, strict=True)
    )
    rows = []
    for values in frame.itertuples(index=False):
        cells = "".join(
            f"<td class='{'num' if n else 'text'}'>{html.escape(_cell(v, f))}</td>"
            for v, n, f in zip(values, numeric, chosen, strict=True)
        )
        rows.append(f"<tr>{cells}</tr>")
    return (
        f"<div class='scroll'><table class='kpi'><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def section(anchor: str, title: str, body: str) -> str:
    """A titled ``<section>`` that the page's navigation links to by ``anchor``."""
    return f"<section id='{anchor}'><h2>{html.escape(title)}</h2>{body}</section>"


def note(text: str) -> str:
    """A paragraph of small print, escaped."""
    return f"<p class='note'>{html.escape(text)}</p>"
