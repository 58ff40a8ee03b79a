"""Geometry for server-rendered SVG charts: plain data, no Flask.

``bar_chart`` lays out one horizontal bar per item (a DIALOG rating, say), its label
above the bar so it fits a 320px phone. ``line_chart`` plots scores over time (ReQoL-10
totals, a goal's ratings) with an optional cut-off line and reliable-change marks.
Both return frozen dataclasses holding every coordinate the template
``components/charts.html`` draws, so the template does no arithmetic.

All coordinates are in the SVG's own units (its viewBox). Text is ``FONT_SIZE`` units
high, and the page draws the SVG ``WIDTH / FONT_SIZE`` ems wide or the column's width,
whichever is wider (portal.css): so chart text is never smaller than the text around it,
and grows with the browser's text size. Labels are wrapped to fit the width here,
measured with a generous average character width, so nothing runs off the edge.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

WIDTH = 320
FONT_SIZE = 18  # every chart text, in the SVG's units; the page makes this at least its body text size
CHAR_WIDTH = 0.6 * FONT_SIZE  # an average character, generously (bold text and wide letters included)
DIGIT_WIDTH = 0.62 * FONT_SIZE  # a bold digit

# Bar chart: each row is a label line, an optional "more help" line, then the bar.
BAR_TOP = 4
BAR_ORIGIN_X = 2
BAR_VALUE_SPACE_MIN = 26  # right of the longest bar, for its value label (more for longer numbers)
BAR_VALUE_MARGIN = 4  # between the value label and the chart's right edge
BAR_LINE_HEIGHT = 24
BAR_LABEL_BASELINE = 18
BAR_GAP_ABOVE_BAR = 8
BAR_HEIGHT = 26
BAR_VALUE_BASELINE = 19  # from the top of the bar
BAR_GAP_BELOW_ROW = 16
BAR_VALUE_LABEL_GAP = 6
BAR_GRID_OVERHANG = 3  # gridlines stick out this far above and below each bar
BAR_TICK_MARK = 4
BAR_TICK_LABEL_BASELINE = 22  # below the last bar
BAR_BOTTOM_MARGIN = 8

# Line chart: y-axis labels on the left, first and last date below.
LINE_PLOT_LEFT = 42
LINE_PLOT_RIGHT = WIDTH - 12
LINE_PLOT_TOP = 26
LINE_PLOT_BOTTOM = 172
LINE_POINT_INSET = 10  # keeps the first and last points off the plot's edges
LINE_TICK_LABEL_GAP = 8
LINE_TICK_LABEL_DROP = 6  # baseline below the gridline, to centre the number on it
LINE_DATE_BASELINE = 198
LINE_HEIGHT = 206
LINE_THRESHOLD_LABEL_RISE = 6
MARKER_SIZE = 7
MAX_TICK_INTERVALS = 5
LEGEND_KEY_CENTRE = (12, 8)

MARKER_SHAPES: dict[str, str | None] = {
    "improvement": "up",
    "deterioration": "down",
    "no reliable change": None,
}
OTHER_MARKER_SHAPE = "diamond"


@dataclass(frozen=True)
class Tick:
    """A line from (x1, y1) to (x2, y2), and where its number is written.

    Across the plot in a line chart; a short mark under the last bar in a bar chart.
    """

    value: int
    x1: float
    y1: float
    x2: float
    y2: float
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Bar:
    """One item: its label, its bar (absent when not answered) and its value label.

    ``label_y``, ``marker_y`` and ``value_label_y`` are text baselines; ``marker_y`` is
    None unless the row is highlighted (the "more help" line).
    """

    key: int
    label: str
    value: int | None
    label_lines: tuple[tuple[str, float], ...]  # the label wrapped to fit: each line and its baseline
    x: float
    y: float
    width: float
    height: float
    highlighted: bool
    value_label_x: float
    value_label_y: float
    label_y: float
    marker_y: float | None


@dataclass(frozen=True)
class BarChart:
    """Bars in the order given. Each tick's line is a short mark under the last bar."""

    width: int
    height: float
    rows: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    minimum: int
    maximum: int
    grid_path: str  # SVG path data: gridlines behind each bar, never through its label
    axis_path: str  # SVG path data: the origin line beside each bar

    @property
    def empty(self) -> bool:
        return not self.rows

    @property
    def font_size(self) -> int:
        return FONT_SIZE


@dataclass(frozen=True)
class Point:
    """One score. ``marker`` is "up", "down", "diamond" or None (a plain dot)."""

    label: str
    value: int
    x: float
    y: float
    mark: str | None
    marker: str | None
    marker_points: str


@dataclass(frozen=True)
class AxisLabel:
    text: str
    x: float
    y: float
    anchor: str  # SVG text-anchor: "start", "middle" or "end"


@dataclass(frozen=True)
class MarkKey:
    """A legend entry: a mark's word and its marker, drawn in a 24 by 16 key."""

    mark: str
    marker: str
    marker_points: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    minimum: int
    maximum: int
    points: tuple[Point, ...]
    polyline_points: str  # empty unless there are two points or more
    ticks: tuple[Tick, ...]
    axis_labels: tuple[AxisLabel, ...]
    threshold: int | None
    threshold_y: float | None
    threshold_label_y: float | None
    legend: tuple[MarkKey, ...]  # each different marker drawn, once, in order
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float

    @property
    def empty(self) -> bool:
        return not self.points

    @property
    def font_size(self) -> int:
        return FONT_SIZE


def bar_chart(
    rows: Sequence[tuple[int, str, int | None]],
    *,
    minimum: int = 1,
    maximum: int = 7,
    highlighted: Collection[int] = frozenset(),
) -> BarChart:
    """Lay out one horizontal bar per ``(key, label, value)`` row, in the order given.

    ``value`` is None for an unanswered item (no bar). Bars grow one step per point
    from an origin one step below ``minimum``, so a rating of ``minimum`` still shows
    a short bar and, for a 1-7 scale, length is proportional to the rating.
    ``highlighted`` holds the keys of rows to mark (DIALOG "more help wanted").
    """
    _check_scale(minimum, maximum)
    keys = [_check_row(row, minimum, maximum) for row in rows]
    if len(set(keys)) != len(keys):
        raise ValueError(f"Bar chart keys must be unique, got {keys!r}")
    unknown = set(highlighted) - set(keys)
    if unknown:
        raise ValueError(f"Highlighted keys {sorted(unknown)!r} are not rows of the chart")

    value_space = max(BAR_VALUE_SPACE_MIN,
                      math.ceil(BAR_VALUE_LABEL_GAP + len(str(maximum)) * DIGIT_WIDTH + BAR_VALUE_MARGIN))
    track = WIDTH - value_space - BAR_ORIGIN_X
    step = track / (maximum - minimum + 1)

    def end_x(value: int) -> float:
        return BAR_ORIGIN_X + (value - minimum + 1) * step

    bars = []
    top = BAR_TOP
    for key, label, value in rows:
        is_highlighted = key in highlighted
        label_y = top + BAR_LABEL_BASELINE
        lines = wrap(label, WIDTH - BAR_ORIGIN_X)
        label_lines = tuple((line, label_y + n * BAR_LINE_HEIGHT) for n, line in enumerate(lines))
        last_label_y = label_lines[-1][1]
        marker_y = last_label_y + BAR_LINE_HEIGHT if is_highlighted else None
        bar_y = (last_label_y if marker_y is None else marker_y) + BAR_GAP_ABOVE_BAR
        width = 0.0 if value is None else end_x(value) - BAR_ORIGIN_X
        bars.append(
            Bar(
                key=key,
                label=label,
                value=value,
                label_lines=label_lines,
                x=BAR_ORIGIN_X,
                y=bar_y,
                width=_round(width),
                height=BAR_HEIGHT,
                highlighted=is_highlighted,
                value_label_x=_round(BAR_ORIGIN_X + width + BAR_VALUE_LABEL_GAP),
                value_label_y=bar_y + BAR_VALUE_BASELINE,
                label_y=label_y,
                marker_y=marker_y,
            )
        )
        top = bar_y + BAR_HEIGHT + BAR_GAP_BELOW_ROW

    plot_bottom = top - BAR_GAP_BELOW_ROW
    label_y = plot_bottom + BAR_TICK_LABEL_BASELINE
    ticks = tuple(
        Tick(
            value=value,
            x1=_round(end_x(value)),
            y1=plot_bottom,
            x2=_round(end_x(value)),
            y2=plot_bottom + BAR_TICK_MARK,
            label_x=_round(end_x(value)),
            label_y=label_y,
        )
        for value in _tick_values(minimum, maximum, every_integer_up_to=10)
    )
    grid_path = " ".join(
        _vertical(tick.x1, bar) for bar in bars if bar.value is not None for tick in ticks
    )
    return BarChart(
        width=WIDTH,
        height=label_y + BAR_BOTTOM_MARGIN,
        rows=tuple(bars),
        ticks=ticks,
        minimum=minimum,
        maximum=maximum,
        grid_path=grid_path,
        axis_path=" ".join(_vertical(BAR_ORIGIN_X, bar) for bar in bars),
    )


def wrap(text: str, width: float) -> list[str]:
    """``text`` in lines that fit ``width`` units at ``FONT_SIZE`` (a word longer than a line is
    broken). Always at least one line."""
    return textwrap.wrap(text, max(1, int(width // CHAR_WIDTH))) or [""]


def _vertical(x: float, bar: Bar) -> str:
    """SVG path data for a line at ``x`` the height of ``bar``, a little over each end."""
    top, bottom = bar.y - BAR_GRID_OVERHANG, bar.y + bar.height + BAR_GRID_OVERHANG
    return f"M{x:g} {top:g}V{bottom:g}"


def line_chart(
    points: Sequence[tuple[str, int]],
    *,
    minimum: int = 0,
    maximum: int = 40,
    threshold: int | None = None,
    marks: Mapping[int, str] | None = None,
) -> LineChart:
    """Plot ``(label, value)`` points, oldest first, evenly spaced across the chart.

    ``threshold`` adds a horizontal line (a clinical cut-off). ``marks`` maps a point's
    index to a short word: "improvement" and "deterioration" draw an up or down
    triangle, "no reliable change" a plain dot, anything else a diamond.
    """
    _check_scale(minimum, maximum)
    marks = dict(marks or {})
    for index, (label, value) in enumerate(points):
        if not isinstance(label, str):
            raise ValueError(f"Point {index} label must be text, got {label!r}")
        _check_value(value, minimum, maximum, f"Point {index} ({label})")
    if threshold is not None:
        _check_value(threshold, minimum, maximum, "Threshold")
    for index, mark in marks.items():
        if not _is_whole_number(index) or not 0 <= index < len(points):
            raise ValueError(f"Mark for point {index!r}, but there are {len(points)} points")
        if not isinstance(mark, str) or not mark:
            raise ValueError(f"Mark for point {index} must be a word, got {mark!r}")

    def y_for(value: int) -> float:
        share = (value - minimum) / (maximum - minimum)
        return _round(LINE_PLOT_BOTTOM - share * (LINE_PLOT_BOTTOM - LINE_PLOT_TOP))

    xs = _spread(len(points))
    plotted = tuple(
        _point(label, value, x, y_for(value), marks.get(index))
        for index, ((label, value), x) in enumerate(zip(points, xs, strict=True))
    )
    polyline = " ".join(f"{p.x:g},{p.y:g}" for p in plotted) if len(plotted) > 1 else ""

    ticks = tuple(
        Tick(
            value=value,
            x1=LINE_PLOT_LEFT,
            y1=y_for(value),
            x2=LINE_PLOT_RIGHT,
            y2=y_for(value),
            label_x=LINE_PLOT_LEFT - LINE_TICK_LABEL_GAP,
            label_y=y_for(value) + LINE_TICK_LABEL_DROP,
        )
        for value in _tick_values(minimum, maximum)
    )
    threshold_y = None if threshold is None else y_for(threshold)
    return LineChart(
        width=WIDTH,
        height=LINE_HEIGHT,
        minimum=minimum,
        maximum=maximum,
        points=plotted,
        polyline_points=polyline,
        ticks=ticks,
        axis_labels=_date_labels(plotted),
        threshold=threshold,
        threshold_y=threshold_y,
        threshold_label_y=(
            None if threshold_y is None else threshold_y - LINE_THRESHOLD_LABEL_RISE
        ),
        legend=_legend(plotted),
        plot_left=LINE_PLOT_LEFT,
        plot_right=LINE_PLOT_RIGHT,
        plot_top=LINE_PLOT_TOP,
        plot_bottom=LINE_PLOT_BOTTOM,
    )


def _point(label: str, value: int, x: float, y: float, mark: str | None) -> Point:
    shape = None if mark is None else MARKER_SHAPES.get(mark, OTHER_MARKER_SHAPE)
    return Point(
        label=label,
        value=value,
        x=x,
        y=y,
        mark=mark,
        marker=shape,
        marker_points=_marker_points(shape, x, y),
    )


def _legend(points: tuple[Point, ...]) -> tuple[MarkKey, ...]:
    keys: dict[str, MarkKey] = {}
    for point in points:
        if point.mark and point.marker and point.mark not in keys:
            x, y = LEGEND_KEY_CENTRE
            keys[point.mark] = MarkKey(point.mark, point.marker, _marker_points(point.marker, x, y))
    return tuple(keys.values())


def _marker_points(shape: str | None, x: float, y: float) -> str:
    """An SVG polygon's points for a triangle (up or down) or a diamond at (x, y)."""
    s = MARKER_SIZE
    corners = {
        "up": [(x, y - s), (x + s, y + s * 0.7), (x - s, y + s * 0.7)],
        "down": [(x, y + s), (x + s, y - s * 0.7), (x - s, y - s * 0.7)],
        "diamond": [(x, y - s), (x + s, y), (x, y + s), (x - s, y)],
    }.get(shape or "", [])
    return " ".join(f"{_round(cx):g},{_round(cy):g}" for cx, cy in corners)


def _spread(count: int) -> list[float]:
    """x positions for ``count`` evenly spaced points; one point sits in the middle."""
    if count == 1:
        return [_round((LINE_PLOT_LEFT + LINE_PLOT_RIGHT) / 2)]
    left = LINE_PLOT_LEFT + LINE_POINT_INSET
    span = LINE_PLOT_RIGHT - LINE_POINT_INSET - left
    return [_round(left + index * span / (count - 1)) for index in range(count)]


def _date_labels(points: tuple[Point, ...]) -> tuple[AxisLabel, ...]:
    """The first and last dates only: more would overlap on a phone (the table has all)."""
    if not points:
        return ()
    if len(points) == 1:
        return (AxisLabel(points[0].label, points[0].x, LINE_DATE_BASELINE, "middle"),)
    first, last = points[0], points[-1]
    return (
        AxisLabel(first.label, LINE_PLOT_LEFT, LINE_DATE_BASELINE, "start"),
        AxisLabel(last.label, LINE_PLOT_RIGHT, LINE_DATE_BASELINE, "end"),
    )


def _tick_values(minimum: int, maximum: int, every_integer_up_to: int = 0) -> list[int]:
    """Every integer on short scales, otherwise multiples of a round step (1, 2, 5, 10...)."""
    span = maximum - minimum
    if span <= every_integer_up_to:
        return list(range(minimum, maximum + 1))
    step = _nice_step(span)
    first = -(-minimum // step) * step  # the first multiple of step at or above minimum
    return list(range(first, maximum + 1, step))


def _nice_step(span: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50... that splits ``span`` into at most 5 parts."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if span / step <= MAX_TICK_INTERVALS:
                return step
        magnitude *= 10


def _check_scale(minimum: Any, maximum: Any) -> None:
    if not (_is_whole_number(minimum) and _is_whole_number(maximum)) or minimum >= maximum:
        raise ValueError(
            f"A chart's minimum and maximum must be whole numbers, minimum below maximum, "
            f"got {minimum!r} and {maximum!r}"
        )


def _check_row(row: Any, minimum: int, maximum: int) -> int:
    key, label, value = row
    if not _is_whole_number(key):
        raise ValueError(f"Bar chart key must be a whole number, got {key!r}")
    if not isinstance(label, str):
        raise ValueError(f"Bar chart row {key} label must be text, got {label!r}")
    if value is not None:
        _check_value(value, minimum, maximum, f"Bar chart row {key} ({label})")
    return key


def _check_value(value: Any, minimum: int, maximum: int, name: str) -> None:
    if not _is_whole_number(value) or not minimum <= value <= maximum:
        raise ValueError(
            f"{name} must be a whole number from {minimum} to {maximum}, got {value!r}"
        )


def _is_whole_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _round(value: float) -> float:
    return round(value, 1)
