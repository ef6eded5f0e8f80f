"""Chart geometry (pure) and chart templates rendered with Django's template engine.

No database: the templates are rendered without a request, so no context processor runs."""

import itertools
import re
from decimal import Decimal

import pytest
from django.template import Context, Engine, engines
from django.template.loader import render_to_string
from hypothesis import given
from hypothesis import strategies as st

from mso.templatetags.charts import (
    bar_chart_context,
    bar_layout,
    format_value,
    line_chart_context,
    line_layout,
    nice_axis,
    normalize_data,
    scale_y,
    summarize,
    svg_number,
    to_decimal,
    truncate_label,
)

D = Decimal
MONTHS = [
    ("Jan", D("12000.50")),
    ("Feb", D("9800.00")),
    ("Mar", D("-1500.00")),
    ("Apr", None),
    ("May", D("15000.00")),
]


# ---------------------------------------------------------------------------------------------
# Values and text


@pytest.mark.parametrize(
    ("value", "options", "text"),
    [
        (D("1234.5"), {"money": True}, "$1,234.50"),
        (D("-1234.567"), {"money": True}, "-$1,234.57"),
        (D("1234.5"), {"money": True, "compact": True}, "$1.23k"),
        (D("-1500"), {"money": True, "compact": True}, "-$1.5k"),
        (D("12.5"), {"money": True, "compact": True}, "$12.50"),
        (D("950"), {"money": True, "compact": True}, "$950"),
        (D("0"), {"money": True, "compact": True}, "$0"),
        (D("-0.001"), {"money": True}, "$0.00"),
        (D("2500000"), {"compact": True}, "2.5M"),
        (D("3000000000"), {"money": True, "compact": True}, "$3B"),
        (D("92.50"), {"unit": "%"}, "92.50%"),
        (D("92.50"), {"unit": "%", "compact": True}, "92.5%"),
        (D("45.2"), {"unit": "days"}, "45.2 days"),
        (D("1E+3"), {}, "1,000"),
        (None, {"money": True}, "—"),
    ],
)
def test_format_value(value, options, text):
    assert format_value(value, **options) == text


def test_to_decimal_and_normalize():
    assert to_decimal("12.30") == D("12.30")
    assert to_decimal(7) == D(7)
    assert to_decimal(None) is None
    assert to_decimal("") is None
    with pytest.raises(TypeError):
        to_decimal(1.5)
    with pytest.raises(ValueError, match="Not a number"):
        to_decimal("twelve")
    with pytest.raises(ValueError, match="finite"):
        to_decimal("NaN")
    assert normalize_data({"a": 1, "b": "2.5"}) == [("a", D(1)), ("b", D("2.5"))]
    assert normalize_data(None) == []
    with pytest.raises(ValueError, match="pairs"):
        normalize_data(["ab"])


def test_truncate_and_svg_number():
    assert truncate_label("January", 10) == "January"
    assert truncate_label("Blue Cross Blue Shield", 8) == "Blue Cr…"
    assert svg_number(D("148.625")) == "148.63"  # half-up
    assert svg_number(D("40.00")) == "40"
    assert svg_number(D("-0.001")) == "0"
    assert svg_number(D("1E+2")) == "100"


def test_summarize():
    text = summarize(MONTHS, money=True, latest=True)
    assert text == (
        "5 values, Jan to May. Highest May ($15,000.00); lowest Mar (-$1,500.00). "
        "Latest May ($15,000.00). 1 without data."
    )
    assert summarize([], name="Payments") == "Payments: no data."
    assert summarize([("Q1", D(3))], unit="%") == "1 value, Q1. Q1: 3%."


# ---------------------------------------------------------------------------------------------
# Axis


@pytest.mark.parametrize(
    ("values", "include_zero", "ticks"),
    [
        # 0..12,300 over 4 gaps = 3,075 -> next nice step 5,000 -> 0..15,000
        ([D(0), D(12300)], True, ["0", "5000", "10000", "15000"]),
        # -1,500..15,000: 16,500 / 4 = 4,125 -> 5,000 -> -5,000..15,000
        ([D(-1500), D(15000)], True, ["-5000", "0", "5000", "10000", "15000"]),
        # 0..100: 100 / 4 = 25 -> 25
        ([D(40), D(100)], True, ["0", "25", "50", "75", "100"]),
        # 92.5..97 without zero: 4.5 / 4 = 1.125 -> 2 -> 92..98
        ([D(97), D("92.5")], False, ["92", "94", "96", "98"]),
        # no data: 0..1 in quarters
        ([], True, ["0", "0.25", "0.5", "0.75", "1"]),
        ([None, None], True, ["0", "0.25", "0.5", "0.75", "1"]),
        # one value without zero: +/- 10% -> 4.5..5.5; 1 / 4 = 0.25
        ([D(5)], False, ["4.5", "4.75", "5", "5.25", "5.5"]),
        # 0..0.034: 0.0085 -> 0.01 -> 0..0.04
        ([D("0.034")], True, ["0", "0.01", "0.02", "0.03", "0.04"]),
    ],
)
def test_nice_axis(values, include_zero, ticks):
    axis = nice_axis(values, include_zero=include_zero)
    assert [format(t.normalize(), "f") for t in axis.ticks] == ticks
    assert (axis.lo, axis.hi) == (axis.ticks[0], axis.ticks[-1])


values_strategy = st.lists(
    st.none() | st.integers(min_value=-(10**12), max_value=10**12).map(lambda n: D(n) / 100),
    max_size=30,
)


@given(values_strategy, st.booleans(), st.integers(min_value=3, max_value=10))
def test_nice_axis_covers_the_data(values, include_zero, max_ticks):
    axis = nice_axis(values, include_zero=include_zero, max_ticks=max_ticks)
    known = [v for v in values if v is not None]
    assert 2 <= len(axis.ticks) <= max_ticks
    assert all(axis.lo <= v <= axis.hi for v in known)
    gaps = {b - a for a, b in itertools.pairwise(axis.ticks)}
    assert gaps == {axis.step}
    if include_zero:
        assert D(0) in axis.ticks


def test_scale_y():
    axis = nice_axis([D(0), D(100)])
    assert scale_y(D(0), axis, D(20), D(212)) == D(212)
    assert scale_y(D(100), axis, D(20), D(212)) == D(20)
    assert scale_y(D(50), axis, D(20), D(212)) == D(116)  # 212 - 50 x 192 / 100


# ---------------------------------------------------------------------------------------------
# Bar geometry


def test_bar_geometry_by_hand():
    chart = bar_layout([("A", D(50)), ("B", D(100))], title="T")
    # Axis 0..100 step 25; the longest tick label "100" is 3 chars: left = 12 + 3 x 6.5 = 31.5.
    # Plot: x 31.5..628, y 20..212 (height 240 - 28), so 192 px for 100.
    assert (chart.plot_left, chart.plot_right) == ("31.5", "628")
    assert (chart.plot_top, chart.plot_bottom) == ("20", "212")
    assert [t.label for t in chart.ticks] == ["0", "25", "50", "75", "100"]
    assert [t.y for t in chart.ticks] == ["212", "164", "116", "68", "20"]
    a, b = chart.bars
    # band = (628 - 31.5) / 2 = 298.25; bar width = min(0.64 x 298.25, 64) = 64
    # A: centre 31.5 + 149.125 = 180.625, x = 148.625 -> 148.63; top = 212 - 96 = 116
    assert (a.x, a.y, a.width, a.height) == ("148.63", "116", "64", "96")
    # B: centre 180.625 + 298.25 = 478.875, x = 446.875 -> 446.88; full height 192
    assert (b.x, b.y, b.width, b.height) == ("446.88", "20", "64", "192")
    assert (a.value_text, a.label_y) == ("50", "112")  # 4 px above the bar
    assert [label.x for label in chart.x_labels] == ["180.63", "478.88"]
    assert chart.baseline_y == "212"


def test_negative_bars_hang_from_zero():
    chart = bar_layout([("Up", D(100)), ("Down", D(-50))])
    up, down = chart.bars
    zero = D(chart.baseline_y)
    assert D(up.y) + D(up.height) == zero
    assert D(down.y) == zero
    assert D(down.height) * 2 == D(up.height)
    assert down.value_text == "-50"
    assert D(down.label_y) < zero  # the label sits above the baseline


def test_grouped_bars_and_legend():
    chart = bar_layout(
        [("Q1", D(100)), ("Q2", D(200))],
        compare=[("Q1", D(80)), ("Q2", None)],
        series="Charges",
        compare_series="Payments",
        money=True,
    )
    assert [(bar.series, bar.title) for bar in chart.bars] == [
        (1, "Q1 · Charges: $100.00"),
        (1, "Q2 · Charges: $200.00"),
        (2, "Q1 · Payments: $80.00"),
    ]
    first, _, second = chart.bars
    # side by side in the same band: the compare bar starts 2 px after the first one ends
    assert D(first.x) + D(first.width) + 2 == D(second.x)
    assert [item.text for item in chart.legend] == ["Charges", "Payments"]
    assert chart.headers == ("Charges", "Payments")
    assert chart.rows == (("Q1", ("$100.00", "$80.00")), ("Q2", ("$200.00", "—")))


def test_compare_must_match_the_data():
    with pytest.raises(ValueError, match="as many values"):
        bar_layout([("a", 1), ("b", 2)], compare=[1])
    with pytest.raises(ValueError, match="does not match"):
        bar_layout([("a", 1)], compare=[("z", 1)])
    assert [bar.series for bar in bar_layout([("a", 1)], compare=[2]).bars] == [1, 2]


def test_crowded_x_labels_are_thinned_and_cut():
    data = [(f"Week of 2025-{i:03d}", D(i)) for i in range(1, 41)]
    chart = bar_layout(data)
    assert len(chart.bars) == 40
    assert 1 < len(chart.x_labels) < 40
    assert all(label.text.endswith("…") for label in chart.x_labels)
    assert chart.x_labels[0].full == "Week of 2025-001"


coordinate_values = st.lists(
    st.tuples(
        st.text(min_size=1, max_size=12),
        st.none() | st.integers(min_value=-(10**9), max_value=10**9).map(lambda n: D(n) / 100),
    ),
    max_size=24,
)


@given(coordinate_values, st.integers(min_value=120, max_value=600))
def test_bars_stay_inside_the_plot(data, height):
    chart = bar_layout(data, height=height)
    top, bottom = D(chart.plot_top), D(chart.plot_bottom)
    left, right = D(chart.plot_left), D(chart.plot_right)
    assert len(chart.bars) == sum(value is not None for _, value in data)
    for bar in chart.bars:
        assert D(bar.height) >= 0
        assert top <= D(bar.y) and D(bar.y) + D(bar.height) <= bottom + D("0.01")
        assert left <= D(bar.x) and D(bar.x) + D(bar.width) <= right + D("0.01")


@given(coordinate_values)
def test_line_points_follow_the_data(data):
    chart = line_layout(data, zero=False)
    known = [value for _, value in data if value is not None]
    assert len(chart.points) == len(known)
    top, bottom = D(chart.plot_top), D(chart.plot_bottom)
    ys = [D(point.y) for point in chart.points]
    assert all(top <= y <= bottom for y in ys)
    # a larger value is never drawn lower (SVG y grows downwards)
    pairs = list(zip(known, ys, strict=True))
    for (v1, y1), (v2, y2) in itertools.combinations(pairs, 2):
        if v1 < v2:
            assert y1 >= y2
    assert sum(len(s.split(" ")) for s in chart.segments) <= len(chart.points)


def test_line_geometry_by_hand():
    chart = line_layout([("Q1", D(0)), ("Q2", D(100))])
    # same frame as the bars: left 31.5, band 298.25; x = 180.625 -> 180.63, 478.875 -> 478.88
    assert chart.segments == ("180.63,212 478.88,20",)
    assert [(p.x, p.y) for p in chart.points] == [("180.63", "212"), ("478.88", "20")]


def test_line_breaks_at_gaps():
    chart = line_layout([("a", 1), ("b", None), ("c", 3), ("d", 4), ("e", None), ("f", 6)])
    assert len(chart.points) == 4
    assert len(chart.segments) == 1  # c-d; a and f stand alone as points
    assert len(chart.segments[0].split(" ")) == 2


def test_height_and_ticks_are_checked():
    with pytest.raises(ValueError, match="at least"):
        bar_layout([("a", 1)], height=50)
    with pytest.raises(ValueError, match="three ticks"):
        nice_axis([D(1)], max_ticks=2)


# ---------------------------------------------------------------------------------------------
# Rendering


def assert_csp_safe(html: str) -> None:
    assert "style=" not in html
    assert "<script" not in html.lower()
    assert not re.search(r"\son[a-z]+=", html)


def test_bar_template_renders():
    html = render_to_string(
        "components/chart_bar.html",
        bar_chart_context(MONTHS, title="Collections by month", money=True, label_heading="Month"),
    )
    assert_csp_safe(html)
    assert html.count("<rect") == 4  # Apr has no value
    assert html.count("<rect") == html.count("</rect>")
    assert 'role="img"' in html
    assert 'viewBox="0 0 640 240"' in html
    assert 'width="100%"' in html
    labelled = "chart-collections-by-month-title chart-collections-by-month-desc"
    assert f'aria-labelledby="{labelled}"' in html
    assert '<title id="chart-collections-by-month-title">Collections by month</title>' in html
    assert re.search(r"<desc id=\"[^\"]+\">Bar chart\. 5 values, Jan to May\.", html)
    assert "<title>Jan: $12,000.50</title>" in html
    # hidden data table: caption, headings, one row per label
    assert '<table class="visually-hidden">' in html
    assert "<caption>Collections by month</caption>" in html
    assert '<th scope="col">Month</th>' in html
    assert html.count('<th scope="row">') == 5
    assert "<td>—</td>" in html
    assert "No data" not in html


def test_grouped_bar_template_renders():
    html = render_to_string(
        "components/chart_bar.html",
        bar_chart_context(
            [("Q1", 100), ("Q2", 200), ("Q3", 300)],
            compare=[90, 150, 310],
            series="Charges",
            compare_series="Payments",
            title="Charges vs payments",
        ),
    )
    assert_csp_safe(html)
    assert html.count("</rect>") == 6  # bars (with a tooltip)
    assert html.count("<rect") == 8  # + 2 legend swatches
    assert html.count("<td>") == 6


def test_line_template_renders():
    data = [("Jan", D("41.2")), ("Feb", D("38.9")), ("Mar", None), ("Apr", D("36.0"))]
    html = render_to_string(
        "components/chart_line.html",
        line_chart_context(data, title="Days in A/R", unit="days", chart_id="dar"),
    )
    assert_csp_safe(html)
    assert html.count("<circle") == 3
    assert html.count("<polyline") == 1  # Jan-Feb; Apr stands alone after the gap
    assert '<figure id="dar">' in html
    assert '<title id="dar-title">Days in A/R</title>' in html
    assert 'aria-labelledby="dar-title dar-desc"' in html
    assert "Latest Apr (36.0 days)" in html
    assert "<title>Feb: 38.9 days</title>" in html
    assert html.count('<th scope="row">') == 4


@pytest.mark.parametrize("template", ["components/chart_bar.html", "components/chart_line.html"])
def test_empty_charts_say_so(template):
    context = (bar_chart_context if "bar" in template else line_chart_context)([], title="Empty")
    html = render_to_string(template, context)
    assert_csp_safe(html)
    assert "<rect" not in html
    assert "<circle" not in html
    assert html.count("No data") == 2  # in the SVG and in the table
    assert "<line" not in html  # no made-up axis
    assert "Bar chart. no data." in html or "Line chart. no data." in html


def test_text_is_escaped():
    html = render_to_string(
        "components/chart_bar.html",
        bar_chart_context([("<b>x</b>", 1)], title='A "quoted" <title>'),
    )
    assert "<b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert "A &quot;quoted&quot; &lt;title&gt;" in html


def charts_engine() -> Engine:
    """The project's Django engine if it already loads `charts`; else the same engine with the
    library registered (mso itself is not an installed app, see docs/kpis.md)."""
    engine = engines["django"].engine
    if "charts" in engine.template_libraries:
        return engine
    return Engine(
        dirs=engine.dirs,
        app_dirs=engine.app_dirs,
        libraries={"charts": "mso.templatetags.charts"},
    )


def test_tags_render_from_a_template():
    template = charts_engine().from_string(
        '{% load charts %}{% bar_chart months title="Collections by month" money=True %}'
        '{% line_chart rates title="Clean claim rate" unit="%" zero=False chart_id="ccr" %}'
    )
    rates = [("Jan", D("95.5")), ("Feb", D("97.25")), ("Mar", D("96"))]
    html = template.render(Context({"months": MONTHS, "rates": rates}))
    assert_csp_safe(html)
    assert html.count("<svg") == 2
    assert html.count("</rect>") == 4
    assert html.count("<circle") == 3
    assert "<title>Feb: 97.25%</title>" in html
    assert ">$15k</text>" in html  # compact value label above the May bar
