"""Server-rendered SVG charts: `{% load charts %}`, then `{% bar_chart %}` or `{% line_chart %}`.

The geometry (axis ticks, bar rectangles, polyline points, label positions and the text
summary) is computed here, in plain functions on Decimals, and handed to
`components/chart_bar.html` / `components/chart_line.html` as a `Chart` whose coordinates are
already strings (so template localisation can never turn "12.5" into "12,5"). No JavaScript,
no inline styles: colours are SVG presentation attributes with the hex values of the
`static/css/app.css` tokens.

    {% load charts %}
    {% bar_chart data title="Collections by month" money=True %}
    {% bar_chart charges title="Charges vs payments" money=True compare=payments
                 series="Charges" compare_series="Payments" %}   (one line in a template)
    {% line_chart data title="Days in A/R" unit="days" %}
    {% line_chart data title="Clean claim rate" unit="%" zero=False %}

`data` is a list of (label, value) pairs (or a dict label -> value); values are Decimal, int,
numeric str or None (a gap). Floats are refused, as everywhere money is handled. docs/kpis.md
lists every parameter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.text import slugify

register = template.Library()

__all__ = [
    "COLORS",
    "Axis",
    "Bar",
    "Chart",
    "LegendItem",
    "Point",
    "Tick",
    "XLabel",
    "bar_chart",
    "bar_chart_context",
    "bar_layout",
    "format_value",
    "line_chart",
    "line_chart_context",
    "line_layout",
    "nice_axis",
    "normalize_data",
    "scale_y",
    "summarize",
    "svg_number",
    "to_decimal",
    "truncate_label",
]

Value = Decimal | None
Pairs = list[tuple[str, Value]]
ChartData = Iterable[Sequence[object]] | Mapping[object, object] | None

# Hex values of the app.css tokens (CSP forbids inline styles; presentation attributes are fine).
COLORS = {
    "series": "#4a4fe0",  # --brand-600
    "compare": "#1f9d57",  # --success-500 (3.4:1 on white; blue/green stays apart for CVD)
    "grid": "#e8ebf0",  # --gray-150
    "baseline": "#98a1b0",  # --gray-400
    "text": "#646d7e",  # --gray-500, the smallest text colour allowed
    "title": "#394150",  # --gray-700
    "surface": "#ffffff",  # --gray-0
}

WIDTH = 640
DEFAULT_HEIGHT = 240
MIN_HEIGHT = 120
MAX_TICKS = 5
FONT_SIZE = 11
CHAR_WIDTH = Decimal("6.5")  # average width of an 11px system-font character, in px
MARGIN_TOP = 20
MARGIN_TOP_LEGEND = 36
MARGIN_RIGHT = 12
MARGIN_BOTTOM = 28
POINT_RADIUS = Decimal("3.5")
_NICE_MULTIPLIERS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5))
_PX = Decimal("0.01")
_CENT = Decimal("0.01")
_THOUSAND = Decimal(1000)
_COMPACT_UNITS = ((Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"), (_THOUSAND, "k"))


# ---------------------------------------------------------------------------------------------
# Values and text


def to_decimal(value: object) -> Value:
    """Decimal from Decimal / int / numeric str; None (or "") stays None. Floats are refused."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        raise TypeError("Chart values must be Decimal, int or str, not float.")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | str):
        try:
            result = Decimal(value)
        except InvalidOperation as exc:
            raise ValueError(f"Not a number: {value!r}") from exc
    else:
        raise TypeError(f"Unsupported chart value {value!r}.")
    if not result.is_finite():
        raise ValueError(f"Chart values must be finite, got {value!r}.")
    return result


def normalize_data(data: ChartData) -> Pairs:
    """[(label, Decimal | None)] from a list of (label, value) pairs or a dict."""
    if data is None:
        return []
    items = data.items() if isinstance(data, Mapping) else data
    pairs: Pairs = []
    for item in items:
        if isinstance(item, str) or len(item) != 2:
            raise ValueError(f"Chart data must be (label, value) pairs, got {item!r}.")
        label, value = item
        pairs.append((str(label), to_decimal(value)))
    return pairs


def _strip(value: Decimal, places: int = 2) -> str:
    """Grouped, at most `places` decimals, trailing zeros dropped: 1234.50 -> "1,234.5"."""
    quantum = Decimal(1).scaleb(-places)
    text = f"{value.quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _suffix(unit: str) -> str:
    if not unit:
        return ""
    return f" {unit}" if unit[0].isalpha() else unit


def format_value(
    value: Value, *, money: bool = False, unit: str = "", compact: bool = False
) -> str:
    """Text for a value. money: "$1,234.56" (compact "$1.23k"); unit is appended ("%" ->
    "92.5%", "days" -> "45.2 days"); compact shortens thousands to k, M, B. None -> "—"."""
    if value is None:
        return "—"
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    if compact:
        body = None
        for size, letter in _COMPACT_UNITS:
            if magnitude >= size:
                body = _strip(magnitude / size) + letter
                break
        if body is None:
            cents = magnitude.quantize(_CENT, rounding=ROUND_HALF_UP)
            body = f"{cents:,.2f}" if money and cents != cents.to_integral_value() else None
            body = body or _strip(magnitude)
    elif money:
        body = f"{magnitude.quantize(_CENT, rounding=ROUND_HALF_UP):,.2f}"
    else:
        body = f"{magnitude:,f}"
    if not body.strip("0.,"):
        sign = ""  # rounds to zero: no "-0"
    return f"{sign}{'$' if money else ''}{body}{_suffix(unit)}"


def truncate_label(label: str, max_chars: int) -> str:
    """Cut a label to `max_chars` characters, ending in "…" when cut."""
    max_chars = max(max_chars, 1)
    if len(label) <= max_chars:
        return label
    return label[: max_chars - 1].rstrip() + "…"


def svg_number(value: Decimal | int) -> str:
    """A coordinate for an SVG attribute: 2 decimals at most, no exponent, no "-0"."""
    quantized = Decimal(value).quantize(_PX, rounding=ROUND_HALF_UP)
    if quantized == 0:
        return "0"
    text = f"{quantized:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def summarize(
    pairs: Pairs, *, money: bool = False, unit: str = "", name: str = "", latest: bool = False
) -> str:
    """One or two sentences for <desc>: count and range of labels, highest and lowest value
    (and the latest one, for lines)."""
    known = [(label, value) for label, value in pairs if value is not None]
    prefix = f"{name}: " if name else ""
    if not known:
        return f"{prefix}no data."

    def fmt(value: Decimal) -> str:
        return format_value(value, money=money, unit=unit)

    high = max(known, key=lambda pair: pair[1])
    low = min(known, key=lambda pair: pair[1])
    span = pairs[0][0] if len(pairs) == 1 else f"{pairs[0][0]} to {pairs[-1][0]}"
    noun = "value" if len(pairs) == 1 else "values"
    parts = [f"{prefix}{len(pairs)} {noun}, {span}."]
    if len(known) == 1:
        parts.append(f"{known[0][0]}: {fmt(known[0][1])}.")
    else:
        parts.append(f"Highest {high[0]} ({fmt(high[1])}); lowest {low[0]} ({fmt(low[1])}).")
        if latest:
            parts.append(f"Latest {known[-1][0]} ({fmt(known[-1][1])}).")
    missing = len(pairs) - len(known)
    if missing:
        parts.append(f"{missing} without data.")
    return " ".join(parts)


# ---------------------------------------------------------------------------------------------
# Axis and scale


@dataclass(frozen=True)
class Axis:
    """A "nice" value axis: lo and hi are multiples of step; ticks run from lo to hi."""

    lo: Decimal
    hi: Decimal
    step: Decimal
    ticks: tuple[Decimal, ...]


def _clean_zero(value: Decimal) -> Decimal:
    return Decimal(0) if value == 0 else value


def nice_axis(
    values: Iterable[Value], *, max_ticks: int = MAX_TICKS, include_zero: bool = True
) -> Axis:
    """The axis for `values`: the smallest step of 1, 2, 2.5 or 5 x 10^k that covers the
    values with at most `max_ticks` (>= 3) ticks. With `include_zero`, 0 is always on the axis (bars
    must start at 0). No values (or only None) gives 0..1."""
    if max_ticks < 3:
        # A range across 0 needs -step, 0 and step: two ticks can never cover it.
        raise ValueError("An axis needs at least three ticks.")
    known = [value for value in values if value is not None]
    lo = min(known, default=Decimal(0))
    hi = max(known, default=Decimal(0))
    if include_zero:
        lo, hi = min(lo, Decimal(0)), max(hi, Decimal(0))
    if lo == hi:
        if lo == 0:
            hi = Decimal(1)
        else:
            pad = abs(lo) / 10
            lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / (max_ticks - 1)
    exponent = raw.adjusted()
    # Terminates: a step of at least max(|lo|, |hi|, hi - lo) needs at most 3 ticks.
    while True:
        for multiplier in _NICE_MULTIPLIERS:
            step = (multiplier * Decimal(1).scaleb(exponent)).normalize()
            if step < raw:
                continue
            axis_lo = (lo / step).to_integral_value(rounding=ROUND_FLOOR) * step
            axis_hi = (hi / step).to_integral_value(rounding=ROUND_CEILING) * step
            count = int((axis_hi - axis_lo) / step) + 1
            if count <= max_ticks:
                ticks = tuple(_clean_zero(axis_lo + step * i) for i in range(count))
                return Axis(_clean_zero(axis_lo), _clean_zero(axis_hi), step, ticks)
        exponent += 1


def scale_y(value: Decimal, axis: Axis, top: Decimal, bottom: Decimal) -> Decimal:
    """Pixel y of `value`: axis.lo sits on `bottom`, axis.hi on `top`."""
    return bottom - (value - axis.lo) * (bottom - top) / (axis.hi - axis.lo)


# ---------------------------------------------------------------------------------------------
# Geometry handed to the templates (coordinates are strings)


@dataclass(frozen=True)
class Tick:
    y: str
    label: str
    label_y: str
    zero: bool


@dataclass(frozen=True)
class XLabel:
    x: str
    text: str
    full: str


@dataclass(frozen=True)
class Bar:
    x: str
    y: str
    width: str
    height: str
    fill: str
    series: int  # 1 = data, 2 = compare
    title: str  # tooltip: "Mar · Payments: $1,200.00"
    value_text: str
    label_x: str
    label_y: str
    show_label: bool


@dataclass(frozen=True)
class Point:
    x: str
    y: str
    title: str
    value_text: str
    label_y: str
    show_label: bool


@dataclass(frozen=True)
class LegendItem:
    x: str
    y: str
    text_x: str
    text_y: str
    fill: str
    text: str


@dataclass(frozen=True)
class Chart:
    """Everything a chart template draws. A bar chart fills `bars` (and `legend` with a compare
    series); a line chart fills `points` and `segments` (polyline "x,y x,y …" strings, one per
    unbroken run). `rows` is the hidden table: (label, (cell, …)) with `headers` as columns."""

    kind: str  # "bar" | "line"
    id: str
    title: str
    desc: str
    width: int
    height: int
    view_box: str
    plot_left: str
    plot_right: str
    plot_top: str
    plot_bottom: str
    baseline_y: str
    tick_label_x: str
    x_label_y: str
    ticks: tuple[Tick, ...]
    x_labels: tuple[XLabel, ...]
    bars: tuple[Bar, ...] = ()
    points: tuple[Point, ...] = ()
    segments: tuple[str, ...] = ()
    legend: tuple[LegendItem, ...] = ()
    label_heading: str = "Label"
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[str, tuple[str, ...]], ...] = ()
    empty: bool = False
    colors: Mapping[str, str] | None = None
    font_size: int = FONT_SIZE
    center_x: str = ""
    center_y: str = ""


@dataclass(frozen=True)
class _Frame:
    left: Decimal
    right: Decimal
    top: Decimal
    bottom: Decimal
    axis: Axis
    ticks: tuple[Tick, ...]

    @property
    def width(self) -> Decimal:
        return self.right - self.left

    def y(self, value: Decimal) -> Decimal:
        return scale_y(value, self.axis, self.top, self.bottom)


def _frame(
    values: Iterable[Value],
    *,
    height: int,
    legend: bool,
    money: bool,
    unit: str,
    include_zero: bool,
) -> _Frame:
    axis = nice_axis(values, include_zero=include_zero)
    labels = [format_value(t, money=money, unit=unit, compact=True) for t in axis.ticks]
    longest = max(len(label) for label in labels)
    left = Decimal(12) + CHAR_WIDTH * longest
    top = Decimal(MARGIN_TOP_LEGEND if legend else MARGIN_TOP)
    bottom = Decimal(height - MARGIN_BOTTOM)
    right = Decimal(WIDTH - MARGIN_RIGHT)
    ticks = []
    for tick, label in zip(axis.ticks, labels, strict=True):
        y = scale_y(tick, axis, top, bottom)
        ticks.append(Tick(svg_number(y), label, svg_number(y + 4), tick == 0))
    return _Frame(left, right, top, bottom, axis, tuple(ticks))


def _band(frame: _Frame, count: int) -> Decimal:
    return frame.width / max(count, 1)


def _x_labels(frame: _Frame, labels: Sequence[str]) -> tuple[XLabel, ...]:
    """Labels under the band centres; every k-th one when they would not fit."""
    if not labels:
        return ()
    band = _band(frame, len(labels))
    longest = min(max(len(label) for label in labels), 14)
    needed = CHAR_WIDTH * longest + 8
    step = max(int((needed / band).to_integral_value(rounding=ROUND_CEILING)), 1)
    max_chars = max(int((band * step - 8) / CHAR_WIDTH), 3)
    result = []
    for index, label in enumerate(labels):
        if index % step:
            continue
        x = frame.left + band * index + band / 2
        result.append(XLabel(svg_number(x), truncate_label(label, max_chars), label))
    return tuple(result)


def _chart_id(chart_id: str, title: str) -> str:
    return slugify(chart_id) or ("chart-" + slugify(title) if slugify(title) else "chart")


def _fits(text: str, room: Decimal) -> bool:
    return CHAR_WIDTH * len(text) <= room


def _table(
    pairs: Pairs, compare: Pairs | None, *, money: bool, unit: str
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    rows = []
    for index, (label, value) in enumerate(pairs):
        cells = [format_value(value, money=money, unit=unit)]
        if compare is not None:
            cells.append(format_value(compare[index][1], money=money, unit=unit))
        rows.append((label, tuple(cells)))
    return tuple(rows)


def _check_height(height: int) -> int:
    height = int(height)
    if height < MIN_HEIGHT:
        raise ValueError(f"Chart height must be at least {MIN_HEIGHT}.")
    return height


def _align_compare(pairs: Pairs, compare: object) -> Pairs | None:
    """The comparison series, matched to `pairs` by position. Items may be (label, value)
    pairs (labels must then match) or bare values."""
    if compare is None:
        return None
    if isinstance(compare, Mapping):
        compare = list(compare.items())
    items = list(compare)
    if len(items) != len(pairs):
        raise ValueError("The comparison series must have as many values as the data.")
    aligned: Pairs = []
    for (label, _), item in zip(pairs, items, strict=True):
        if isinstance(item, list | tuple):
            other_label, value = item
            if str(other_label) != label:
                raise ValueError(f"Comparison label {other_label!r} does not match {label!r}.")
        else:
            value = item
        aligned.append((label, to_decimal(value)))
    return aligned


def _legend(names: Sequence[tuple[str, str]]) -> tuple[LegendItem, ...]:
    """Swatches and names in a row at the top right."""
    items = []
    x = Decimal(WIDTH - MARGIN_RIGHT)
    for text, fill in reversed(names):
        x -= CHAR_WIDTH * len(text) + 4
        text_x = x
        x -= 14
        items.append(LegendItem(svg_number(x), "8", svg_number(text_x), "17", fill, text))
        x -= 16
    return tuple(reversed(items))


def bar_layout(
    data: ChartData,
    *,
    title: str = "",
    money: bool = False,
    unit: str = "",
    compare: object = None,
    series: str = "Value",
    compare_series: str = "Comparison",
    label_heading: str = "Label",
    height: int = DEFAULT_HEIGHT,
    chart_id: str = "",
    desc: str = "",
) -> Chart:
    """Vertical bars from 0, one per (label, value); with `compare`, a second series drawn as
    a bar beside each first bar (grouped, not stacked, so negative values stay readable)."""
    height = _check_height(height)
    pairs = normalize_data(data)
    other = _align_compare(pairs, compare)
    values = [v for _, v in pairs] + ([v for _, v in other] if other else [])
    frame = _frame(
        values,
        height=height,
        legend=other is not None,
        money=money,
        unit=unit,
        include_zero=True,
    )
    zero_y = frame.y(Decimal(0))
    band = _band(frame, len(pairs))
    if other is None:
        bar_width = min(band * Decimal("0.64"), Decimal(64))
        offsets = [(-bar_width / 2, pairs, 1, COLORS["series"], series)]
        room = band
    else:
        bar_width = min(band * Decimal("0.38"), Decimal(40))
        offsets = [
            (-bar_width - 1, pairs, 1, COLORS["series"], series),
            (Decimal(1), other, 2, COLORS["compare"], compare_series),
        ]
        room = bar_width + 6
    bars = []
    for offset, series_pairs, number, fill, name in offsets:
        for index, (label, value) in enumerate(series_pairs):
            if value is None:
                continue
            centre = frame.left + band * index + band / 2
            value_y = frame.y(value)
            top, bottom = min(value_y, zero_y), max(value_y, zero_y)
            text = format_value(value, money=money, unit=unit, compact=True)
            # 4 px above the bar's top; for a negative bar the top is the baseline, so its label
            # sits just above the baseline (never on the x labels under the plot).
            label_y = top - 4
            tooltip_name = f" · {name}" if other is not None else ""
            bars.append(
                Bar(
                    x=svg_number(centre + offset),
                    y=svg_number(top),
                    width=svg_number(bar_width),
                    height=svg_number(bottom - top),
                    fill=fill,
                    series=number,
                    title=f"{label}{tooltip_name}: {format_value(value, money=money, unit=unit)}",
                    value_text=text,
                    label_x=svg_number(centre + offset + bar_width / 2),
                    label_y=svg_number(label_y),
                    show_label=_fits(text, room),
                )
            )
    if other is None:
        summary = summarize(pairs, money=money, unit=unit)
        headers: tuple[str, ...] = (series,)
        legend: tuple[LegendItem, ...] = ()
    else:
        summary = " ".join(
            (
                summarize(pairs, money=money, unit=unit, name=series),
                summarize(other, money=money, unit=unit, name=compare_series),
            )
        )
        headers = (series, compare_series)
        legend = _legend([(series, COLORS["series"]), (compare_series, COLORS["compare"])])
    return _chart(
        "bar",
        frame,
        pairs,
        height=height,
        title=title,
        chart_id=chart_id,
        desc=f"Bar chart. {desc + ' ' if desc else ''}{summary}",
        bars=tuple(bars),
        legend=legend,
        headers=headers,
        label_heading=label_heading,
        rows=_table(pairs, other, money=money, unit=unit),
        empty=not any(v is not None for v in values),
        baseline_y=zero_y,
    )


def line_layout(
    data: ChartData,
    *,
    title: str = "",
    money: bool = False,
    unit: str = "",
    series: str = "Value",
    label_heading: str = "Label",
    height: int = DEFAULT_HEIGHT,
    zero: bool = True,
    chart_id: str = "",
    desc: str = "",
) -> Chart:
    """A line through one point per (label, value), broken where a value is None. `zero=False`
    lets the axis start near the data instead of at 0 (e.g. a rate between 90% and 100%)."""
    height = _check_height(height)
    pairs = normalize_data(data)
    values = [v for _, v in pairs]
    frame = _frame(values, height=height, legend=False, money=money, unit=unit, include_zero=zero)
    band = _band(frame, len(pairs))
    points = []
    segments = []
    run: list[str] = []
    for index, (label, value) in enumerate(pairs):
        if value is None:
            if len(run) > 1:
                segments.append(" ".join(run))
            run = []
            continue
        x = svg_number(frame.left + band * index + band / 2)
        y_px = frame.y(value)
        y = svg_number(y_px)
        run.append(f"{x},{y}")
        text = format_value(value, money=money, unit=unit, compact=True)
        points.append(
            Point(
                x=x,
                y=y,
                title=f"{label}: {format_value(value, money=money, unit=unit)}",
                value_text=text,
                label_y=svg_number(y_px - 8),
                show_label=_fits(text, band - 4),
            )
        )
    if len(run) > 1:
        segments.append(" ".join(run))
    summary = summarize(pairs, money=money, unit=unit, latest=True)
    bottom_y = frame.bottom
    return _chart(
        "line",
        frame,
        pairs,
        height=height,
        title=title,
        chart_id=chart_id,
        desc=f"Line chart. {desc + ' ' if desc else ''}{summary}",
        points=tuple(points),
        segments=tuple(segments),
        headers=(series,),
        label_heading=label_heading,
        rows=_table(pairs, None, money=money, unit=unit),
        empty=not points,
        baseline_y=bottom_y,
    )


def _chart(
    kind: str,
    frame: _Frame,
    pairs: Pairs,
    *,
    height: int,
    title: str,
    chart_id: str,
    desc: str,
    baseline_y: Decimal,
    **parts: object,
) -> Chart:
    return Chart(
        kind=kind,
        id=_chart_id(chart_id, title),
        title=title or ("Bar chart" if kind == "bar" else "Line chart"),
        desc=desc,
        width=WIDTH,
        height=height,
        view_box=f"0 0 {WIDTH} {height}",
        plot_left=svg_number(frame.left),
        plot_right=svg_number(frame.right),
        plot_top=svg_number(frame.top),
        plot_bottom=svg_number(frame.bottom),
        baseline_y=svg_number(baseline_y),
        tick_label_x=svg_number(frame.left - 6),
        x_label_y=svg_number(frame.bottom + 18),
        ticks=() if parts.get("empty") else frame.ticks,  # no 0..1 axis on an empty chart
        x_labels=_x_labels(frame, [label for label, _ in pairs]),
        colors=COLORS,
        center_x=svg_number((frame.left + frame.right) / 2),
        center_y=svg_number((frame.top + frame.bottom) / 2),
        **parts,
    )


# ---------------------------------------------------------------------------------------------
# Template tags


def bar_chart_context(data: ChartData, **options: object) -> dict[str, Chart]:
    """Context for `components/chart_bar.html` (for `{% include … with chart=… %}`)."""
    return {"chart": bar_layout(data, **options)}


def line_chart_context(data: ChartData, **options: object) -> dict[str, Chart]:
    """Context for `components/chart_line.html`."""
    return {"chart": line_layout(data, **options)}


@register.inclusion_tag("components/chart_bar.html")
def bar_chart(
    data,
    title="",
    money=False,
    unit="",
    compare=None,
    series="Value",
    compare_series="Comparison",
    label_heading="Label",
    height=DEFAULT_HEIGHT,
    chart_id="",
    desc="",
):
    """{% bar_chart data title="Collections by month" money=True %} — see the module doc."""
    return bar_chart_context(
        data,
        title=title,
        money=money,
        unit=unit,
        compare=compare,
        series=series,
        compare_series=compare_series,
        label_heading=label_heading,
        height=height,
        chart_id=chart_id,
        desc=desc,
    )


@register.inclusion_tag("components/chart_line.html")
def line_chart(
    data,
    title="",
    money=False,
    unit="",
    series="Value",
    label_heading="Label",
    height=DEFAULT_HEIGHT,
    zero=True,
    chart_id="",
    desc="",
):
    """{% line_chart data title="Days in A/R" unit="days" %} — see the module doc."""
    return line_chart_context(
        data,
        title=title,
        money=money,
        unit=unit,
        series=series,
        label_heading=label_heading,
        height=height,
        zero=zero,
        chart_id=chart_id,
        desc=desc,
    )
