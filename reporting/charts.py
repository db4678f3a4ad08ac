"""Dashboard charts, drawn on the server with ``matplotlib.figure.Figure`` (never pyplot) and
returned as inline SVG text with a ``<title>`` and a ``<desc>`` that say in words what the
chart shows. The page always puts the same figures in a table beside the chart.

Suppressed figures are never drawn: a suppressed point is a gap in a line, a suppressed bar
is left out and labelled "suppressed".
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import matplotlib
from matplotlib.figure import Figure

from conversations.charts import _accessible

# Okabe–Ito colours; hatching carries the same distinction for anyone who cannot use colour.
ACHIEVED = "#009E73"
PARTLY = "#E69F00"
NOT_ACHIEVED = "#D55E00"
LINE = "#0072B2"
TARGET = "#000000"
BAR = "#0072B2"


def _number(value: Decimal | float | int | None) -> float:
    return math.nan if value is None else float(value)


# Drawing takes a few tenths of a second while the figures behind a chart change only when
# conversations are signed off: the same data always gives the same drawing, so recent
# drawings are kept (a few hundred kilobytes each at most).
CHART_CACHE_SIZE = 64


def _svg(figure: Figure, *, chart_id: str, title: str, description: str) -> str:
    buffer = io.StringIO()
    # Text stays text (read by screen readers) and no creation date: same data, same drawing.
    with matplotlib.rc_context({"svg.fonttype": "none", "font.family": "sans-serif"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return _accessible(buffer.getvalue(), chart_id=chart_id, title=title, description=description)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _bar_margins(figure: Figure, labels: Sequence[str], *, height: float, bottom: float) -> None:
    """Room on the left for the longest label (about 0.068 inch a character at 8.5 points),
    and ``bottom`` inches below for the axis title and legend."""
    longest = max((len(label) for label in labels), default=10)
    left = min(0.55, (0.25 + 0.075 * longest) / figure.get_figwidth())
    figure.subplots_adjust(left=left, right=0.96, top=1 - 0.2 / height, bottom=bottom / height)


@dataclass(frozen=True)
class TrendPoint:
    period: str
    percentage: Decimal | None
    ci_low: Decimal | None
    ci_high: Decimal | None
    target: Decimal | None
    suppressed: bool
    denominator: int


@dataclass(frozen=True)
class TrendSeries:
    code: str
    title: str
    points: Sequence[TrendPoint]


def _percent(value: Decimal | None) -> str:
    return f"{value}%" if value is not None else ""


def describe_trend(series: Sequence[TrendSeries]) -> str:
    parts = []
    for line in series:
        steps = []
        for point in line.points:
            if point.suppressed and point.denominator:
                steps.append(f"{point.period} suppressed")
            elif point.percentage is None:
                steps.append(f"{point.period} no data")
            else:
                steps.append(f"{point.period} {_percent(point.percentage)}")
        targets = {p.target for p in line.points if p.target is not None}
        target = ""
        if len(targets) == 1:
            target = f" Target {_percent(targets.pop())}."
        elif targets:
            target = " Targets vary by quarter (see the table)."
        parts.append(f"{line.code} {line.title}: {', '.join(steps)}.{target}")
    return " ".join(parts)


def trend_svg(
    series: Sequence[TrendSeries], *, chart_id: str = "trend-chart", title: str = ""
) -> str:
    """Small multiples, one panel per measure: the percentage each quarter with its 95%
    interval as an error bar, and the target as a dashed line. Suppressed quarters and
    quarters with nothing counted are gaps."""
    frozen = tuple(TrendSeries(s.code, s.title, tuple(s.points)) for s in series)
    return _trend_svg(frozen, chart_id, title)


@lru_cache(maxsize=CHART_CACHE_SIZE)
def _trend_svg(series: tuple[TrendSeries, ...], chart_id: str, title: str) -> str:
    title = title or "The four measures, quarter by quarter"
    columns = 2
    rows = max(1, math.ceil(len(series) / columns))
    height = 3.1 * rows + 0.5
    figure = Figure(figsize=(9, height))
    # Fixed margins: a layout engine would measure every label and triple the drawing time.
    figure.subplots_adjust(
        left=0.07, right=0.98, top=1 - 0.45 / height, bottom=0.95 / height, hspace=0.55, wspace=0.12
    )
    axes_grid = figure.subplots(rows, columns, squeeze=False, sharey=True)
    for index, axes in enumerate(axes_grid.flat):
        if index >= len(series):
            axes.set_visible(False)
            continue
        line = series[index]
        xs = list(range(len(line.points)))
        ys = [_number(p.percentage) for p in line.points]
        lows = [y - _number(p.ci_low) for y, p in zip(ys, line.points, strict=True)]
        highs = [_number(p.ci_high) - y for y, p in zip(ys, line.points, strict=True)]
        axes.errorbar(
            xs,
            ys,
            yerr=[lows, highs],
            color=LINE,
            marker="o",
            markersize=5,
            linewidth=1.8,
            capsize=3,
            elinewidth=0.9,
            label="Percentage (95% interval)",
        )
        targets = [_number(p.target) for p in line.points]
        if any(not math.isnan(t) for t in targets):
            axes.step(
                xs,
                targets,
                where="mid",
                color=TARGET,
                linestyle="--",
                linewidth=1.2,
                label="Target",
            )
        for x, point in zip(xs, line.points, strict=True):
            if point.suppressed and point.denominator:
                axes.annotate(
                    "suppressed",
                    (x, 4),
                    ha="center",
                    fontsize=7,
                    color="#41474e",
                    rotation=90,
                    va="bottom",
                )
        axes.set_title(_shorten(f"{line.code} {line.title}", 58), fontsize=9.5, loc="left")
        axes.set_ylim(0, 100)
        axes.set_xlim(-0.5, len(xs) - 0.5)
        axes.set_xticks(xs, [p.period.replace(" ", "\n") for p in line.points], fontsize=7.5)
        axes.set_yticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"], fontsize=8)
        axes.grid(axis="y", color="#d0d4d8", linewidth=0.6)
        axes.spines[["top", "right"]].set_visible(False)
    handles, labels = [], []
    for axes in axes_grid.flat:
        for handle, label in zip(*axes.get_legend_handles_labels(), strict=True):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    if handles:
        figure.legend(handles, labels, loc="lower center", ncols=2, frameon=False, fontsize=9)
    return _svg(figure, chart_id=chart_id, title=title, description=describe_trend(series))


@dataclass(frozen=True)
class AchievementBar:
    label: str
    achieved: int | None
    partly_achieved: int | None
    not_achieved: int | None
    total: int
    suppressed: bool


def describe_achievement(bars: Sequence[AchievementBar]) -> str:
    parts = []
    for bar in bars:
        if bar.suppressed:
            parts.append(f"{bar.label}: suppressed ({bar.total} in all).")
        else:
            parts.append(
                f"{bar.label}: {bar.achieved} achieved, {bar.partly_achieved} partly achieved, "
                f"{bar.not_achieved} not achieved of {bar.total}."
            )
    return " ".join(parts) or "Nothing recorded."


def achievement_svg(
    bars: Sequence[AchievementBar], *, chart_id: str, title: str = "Outcomes at review"
) -> str:
    """One horizontal bar per outcome, split into the share achieved, partly achieved and not
    achieved (each bar is 100% of that outcome's statuses). Suppressed outcomes have no bar."""
    return _achievement_svg(tuple(bars), chart_id, title)


@lru_cache(maxsize=CHART_CACHE_SIZE)
def _achievement_svg(bars: tuple[AchievementBar, ...], chart_id: str, title: str) -> str:
    height = 1.5 + 0.34 * max(len(bars), 1)
    figure = Figure(figsize=(9, height))
    _bar_margins(figure, [bar.label for bar in bars], height=height, bottom=0.95)
    axes = figure.add_subplot()
    ys = list(range(len(bars)))
    left = [0.0] * len(bars)
    parts = [
        ("achieved", "Achieved", ACHIEVED, ""),
        ("partly_achieved", "Partly achieved", PARTLY, "//"),
        ("not_achieved", "Not achieved", NOT_ACHIEVED, "xx"),
    ]
    for field, label, colour, hatch in parts:
        widths = []
        for bar in bars:
            value = getattr(bar, field)
            widths.append(0.0 if bar.suppressed or not bar.total else 100 * value / bar.total)
        axes.barh(
            ys,
            widths,
            left=left,
            color=colour,
            hatch=hatch,
            edgecolor="white",
            linewidth=0.6,
            label=label,
        )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    for y, bar in zip(ys, bars, strict=True):
        if bar.suppressed:
            axes.text(1, y, f"suppressed ({bar.total} in all)", va="center", fontsize=8)
    axes.set_yticks(ys, [bar.label for bar in bars], fontsize=8.5)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"], fontsize=8)
    axes.set_xlabel("Share of statuses recorded at review")
    axes.spines[["top", "right"]].set_visible(False)
    figure.legend(loc="lower center", ncols=3, frameon=False, fontsize=9)
    return _svg(figure, chart_id=chart_id, title=title, description=describe_achievement(bars))


@dataclass(frozen=True)
class CountBar:
    label: str
    count: int | None  # None when suppressed


def describe_counts(bars: Sequence[CountBar], *, unit: str) -> str:
    parts = [f"{bar.label}: {'suppressed' if bar.count is None else bar.count}." for bar in bars]
    return f"{unit}. " + " ".join(parts) if parts else f"{unit}. Nothing recorded."


def count_bars_svg(bars: Sequence[CountBar], *, chart_id: str, title: str, unit: str) -> str:
    """Horizontal bars, largest first as given; a suppressed count has no bar."""
    return _count_bars_svg(tuple(bars), chart_id, title, unit)


@lru_cache(maxsize=CHART_CACHE_SIZE)
def _count_bars_svg(bars: tuple[CountBar, ...], chart_id: str, title: str, unit: str) -> str:
    height = 1.0 + 0.38 * max(len(bars), 1)
    figure = Figure(figsize=(9, height))
    _bar_margins(figure, [bar.label for bar in bars], height=height, bottom=0.7)
    axes = figure.add_subplot()
    ys = list(range(len(bars)))
    counts = [0 if bar.count is None else bar.count for bar in bars]
    axes.barh(ys, counts, color=BAR)
    top = max(counts, default=0) or 1
    for y, bar in zip(ys, bars, strict=True):
        text = "suppressed" if bar.count is None else str(bar.count)
        axes.text((bar.count or 0) + top * 0.01, y, text, va="center", fontsize=10)
    axes.set_yticks(ys, [bar.label for bar in bars], fontsize=10)
    axes.invert_yaxis()
    axes.set_xlim(0, top * 1.15)
    axes.set_xlabel(unit)
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(
        figure, chart_id=chart_id, title=title, description=describe_counts(bars, unit=unit)
    )
