"""Charts drawn on the server with ``matplotlib.figure.Figure`` (never pyplot, which keeps
global state that is unsafe in a web process), returned as SVG text to put inline in a page.

Every chart comes with a ``<title>`` and ``<desc>`` that say in words what it shows, and the
page shows the same data as a table beside it.
"""

from __future__ import annotations

import io
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from html import escape

import matplotlib
from matplotlib.figure import Figure

from conversations.models import OutcomeStatus
from conversations.selectors import StatusAtReview
from frameworks.dates import is_plausible

LEVELS: dict[str, int] = {
    OutcomeStatus.NOT_ACHIEVED: 0,
    OutcomeStatus.PARTLY_ACHIEVED: 1,
    OutcomeStatus.ACHIEVED: 2,
}
LEVEL_LABELS = ["Not achieved", "Partly achieved", "Achieved"]

# Okabe–Ito colours, safe for the common colour-vision differences; marker shape and line
# style carry the same distinction for anyone who cannot use colour at all.
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999933"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
LINESTYLES = ["-", "--", ":", "-."]


def series_style(index: int) -> dict[str, str]:
    """Colour and marker change together; the line style changes every eight series, so that
    up to 32 outcomes each have their own marker-and-line combination."""
    return {
        "color": COLOURS[index % len(COLOURS)],
        "marker": MARKERS[index % len(MARKERS)],
        "linestyle": LINESTYLES[(index // len(MARKERS)) % len(LINESTYLES)],
    }


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def describe(rows: Sequence[StatusAtReview]) -> str:
    """The chart's data in sentences, for its ``<desc>``."""
    by_outcome: dict[str, list[StatusAtReview]] = defaultdict(list)
    labels: dict[str, str] = {}
    for row in rows:
        by_outcome[row.outcome].append(row)
        labels[row.outcome] = row.label
    dates = sorted({row.date_held for row in rows})
    parts = [
        f"Status of {len(by_outcome)} outcome{'s' if len(by_outcome) != 1 else ''} "
        f"at {len(dates)} review{'s' if len(dates) != 1 else ''}"
        + (f" from {_day(dates[0])} to {_day(dates[-1])}." if dates else ".")
    ]
    for code, outcome_rows in by_outcome.items():
        steps = ", ".join(
            f"{OutcomeStatus(r.status).label.lower()} on {_day(r.date_held)}" for r in outcome_rows
        )
        parts.append(f"{labels[code]}: {steps}.")
    return " ".join(parts)


def _prefix_ids(svg: str, prefix: str) -> str:
    """Give every id in the drawing a prefix, so two charts inline in one page never share
    an id (matplotlib names its groups ``figure_1``, ``axes_1``… in every drawing)."""
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", svg)
    return re.sub(r'xlink:href="#([^"]+)"', rf'xlink:href="#{prefix}-\1"', svg)


_STYLE_ELEMENT = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_DECLARATION = re.compile(r"^\s*([a-z-]+)\s*:\s*(.*?)\s*$")


def _attributes(declarations: str) -> str:
    """CSS declarations (``fill: #000; stroke-width: 0.8``) as SVG presentation attributes."""
    pairs = (_DECLARATION.match(part) for part in declarations.split(";") if part.strip())
    return "".join(f' {match[1]}="{match[2]}"' for match in pairs if match)


def _without_inline_styles(svg: str) -> str:
    """Presentation attributes instead of ``style`` attributes and the ``<style>`` element:
    the page's Content-Security-Policy (style-src 'self') blocks inline styles, and every
    property matplotlib writes (fill, stroke…, font-size, font-family, text-anchor) is also an
    SVG attribute. Its one rule, ``*{stroke-linejoin: round; stroke-linecap: butt}``, becomes
    attributes of the root, which every element inherits unless it sets its own."""
    rules = "; ".join(
        re.sub(r"^[^{]*\{|\}\s*$", "", rule.strip()) for rule in _STYLE_ELEMENT.findall(svg)
    )
    svg = _STYLE_ELEMENT.sub("", svg)
    svg = _STYLE_ATTRIBUTE.sub(lambda match: _attributes(match[1]), svg)
    return svg.replace("<svg", "<svg" + _attributes(rules), 1)


def _accessible(svg: str, *, chart_id: str, title: str, description: str) -> str:
    svg = svg[svg.index("<svg") :]
    svg = _without_inline_styles(_prefix_ids(svg, chart_id))
    opening_end = svg.index(">") + 1
    opening = svg[:opening_end]
    # Scale with the page instead of keeping matplotlib's fixed size in points.
    opening = re.sub(r'\s(width|height)="[^"]*"', "", opening, count=2)
    opening = opening.replace(
        "<svg",
        f'<svg id="{chart_id}" class="chart" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc"',
        1,
    )
    text = (
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )
    return opening + text + svg[opening_end:]


def outcomes_over_time_svg(
    rows: Sequence[StatusAtReview], *, chart_id: str = "outcomes-chart", title: str = ""
) -> str:
    """One line per outcome across the review dates, on a scale from not achieved to
    achieved. "Not applicable" breaks the line rather than being drawn as a level.

    Outcomes at the same status on the same date would hide one another, so each series is
    nudged up or down a little within its band; the band, not the exact height, is the value.
    """
    title = title or "Outcomes over time"
    # A date that cannot be right (year 0026, typed before dates were checked) would stretch
    # the axis past what dates can hold: such reviews stay in the table but are not drawn.
    left_out = [row for row in rows if not is_plausible(row.date_held)]
    rows = [row for row in rows if is_plausible(row.date_held)]
    by_outcome: dict[str, list[StatusAtReview]] = defaultdict(list)
    labels: dict[str, str] = {}
    for row in rows:
        by_outcome[row.outcome].append(row)
        labels[row.outcome] = row.label if row.current else f"{row.label} (earlier framework)"
    count = len(by_outcome)
    dates = sorted({row.date_held for row in rows})

    legend_rows = math.ceil(count / 2)
    figure = Figure(figsize=(8, 3.4 + 0.28 * legend_rows), layout="constrained")
    axes = figure.add_subplot()
    step = min(0.08, 0.5 / max(count, 1))
    for index, (code, outcome_rows) in enumerate(by_outcome.items()):
        nudge = (index - (count - 1) / 2) * step
        xs = [r.date_held for r in outcome_rows]
        ys = [LEVELS[r.status] + nudge if r.status in LEVELS else math.nan for r in outcome_rows]
        axes.plot(xs, ys, label=labels[code], linewidth=1.6, markersize=7, **series_style(index))

    axes.set_yticks(range(len(LEVEL_LABELS)), LEVEL_LABELS)
    axes.set_ylim(-0.5, len(LEVEL_LABELS) - 0.5)
    for level in range(len(LEVEL_LABELS) - 1):
        axes.axhline(level + 0.5, color="#d0d4d8", linewidth=0.8)
    if dates:
        margin = timedelta(days=max(14, (dates[-1] - dates[0]).days // 12))
        axes.set_xlim(dates[0] - margin, dates[-1] + margin)
        axes.set_xticks(dates, [_day(d) for d in dates], rotation=30 if len(dates) > 4 else 0)
    axes.set_xlabel("Review date")
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(labelsize=10)
    if count:
        figure.legend(loc="outside lower center", ncols=2, frameon=False, fontsize=9.5)

    buffer = io.StringIO()
    # Keep text as text (searchable, selectable, read by screen readers) and leave out the
    # creation date so the same data always gives the same drawing.
    with matplotlib.rc_context({"svg.fonttype": "none", "font.family": "sans-serif"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    description = describe(rows)
    if left_out:
        description += (
            f" Not drawn: {len(left_out)} review{'s' if len(left_out) != 1 else ''} dated "
            f"{', '.join(sorted({row.date_held.isoformat() for row in left_out}))}, "
            "which cannot be right; see the table."
        )
    return _accessible(buffer.getvalue(), chart_id=chart_id, title=title, description=description)
