"""Dashboard charts: accessible SVG, suppressed figures never drawn, no pyplot."""

from decimal import Decimal

from reporting import charts


def point(period: str, percentage: str | None, *, suppressed: bool = False, denominator=10):
    value = Decimal(percentage) if percentage else None
    return charts.TrendPoint(
        period=period,
        percentage=value,
        ci_low=value - 10 if value else None,
        ci_high=value + 5 if value else None,
        target=Decimal("80.0"),
        suppressed=suppressed,
        denominator=denominator,
    )


SERIES = [
    charts.TrendSeries(
        "NM1",
        "% users feeling safe",
        [
            point("2026-27 Q1", "75.0"),
            point("2026-27 Q2", None, suppressed=True, denominator=3),
            point("2026-27 Q3", None, suppressed=True, denominator=0),
        ],
    )
]


def test_trend_chart_is_titled_and_described():
    svg = charts.trend_svg(SERIES, chart_id="trend-test")

    assert svg.startswith('<svg id="trend-test" class="chart" role="img"')
    assert '<title id="trend-test-title">' in svg
    assert (
        "NM1 % users feeling safe: 2026-27 Q1 75.0%, 2026-27 Q2 suppressed, 2026-27 Q3 no data."
        " Target 80.0%." in svg
    )
    assert 'width="' not in svg.split(">", 1)[0]  # scales with the page


def test_suppressed_achievement_rows_have_no_bar_but_say_so():
    bars = [
        charts.AchievementBar("Feeling safe", 3, 1, 1, 5, False),
        charts.AchievementBar("Seeing people", None, None, None, 2, True),
    ]

    svg = charts.achievement_svg(bars, chart_id="achievement-user")

    assert "Feeling safe: 3 achieved, 1 partly achieved, 1 not achieved of 5." in svg
    assert "Seeing people: suppressed (2 in all)." in svg
    assert svg.count('id="achievement-user"') == 1


def test_count_bars_describe_each_count():
    svg = charts.count_bars_svg(
        [charts.CountBar("Transport", 7), charts.CountBar("Staffing", None)],
        chart_id="barriers",
        title="Barriers",
        unit="Outcome records",
    )

    assert "Transport: 7. Staffing: suppressed." in svg


def test_charts_never_use_pyplot():
    import reporting.charts as module

    source = open(module.__file__).read()
    assert "pyplot" not in source.replace("never pyplot", "")
