"""SVG charts: the geometry in portal.charts, and the macros in components/charts.html."""

import re
from collections import Counter

import pytest
from bs4 import BeautifulSoup
from flask import Flask, render_template_string

from portal.charts import CHAR_WIDTH, DIGIT_WIDTH, bar_chart, line_chart

DIALOG_ROWS = [
    (1, "Mental health", 4),
    (2, "Physical health", 7),
    (3, "Job situation", 1),
    (4, "Accommodation", None),
    (5, "Leisure activities", 2),
]
REQOL_POINTS = [("3 Mar 2026", 21), ("7 Apr 2026", 27), ("5 May 2026", 26), ("2 Jun 2026", 19)]


# Bar chart geometry


def test_bar_length_is_proportional_to_the_rating():
    chart = bar_chart([(n, f"Item {n}", n) for n in range(1, 8)])

    one_point = chart.rows[0].width
    assert one_point > 0
    expected = [n * one_point for n in range(1, 8)]
    assert [bar.width for bar in chart.rows] == pytest.approx(expected, abs=0.5)


def test_each_bar_ends_on_the_tick_for_its_value():
    chart = bar_chart(DIALOG_ROWS)
    tick_x = {tick.value: tick.x1 for tick in chart.ticks}

    for bar in chart.rows:
        if bar.value is not None:
            assert bar.x + bar.width == pytest.approx(tick_x[bar.value], abs=0.1)


def test_the_lowest_rating_still_shows_a_bar():
    chart = bar_chart([(1, "Job situation", 1)])

    assert chart.rows[0].width >= 10


def test_an_unanswered_item_has_no_bar_and_no_grid():
    chart = bar_chart(DIALOG_ROWS)
    unanswered = chart.rows[3]

    assert unanswered.value is None
    assert unanswered.width == 0
    assert f" {unanswered.y - 3:g}V" not in chart.grid_path
    assert f" {chart.rows[0].y - 3:g}V" in chart.grid_path


def test_bars_keep_the_order_given_with_each_label_above_its_bar():
    chart = bar_chart(DIALOG_ROWS)

    assert [bar.key for bar in chart.rows] == [1, 2, 3, 4, 5]
    assert [bar.label for bar in chart.rows] == [label for _, label, _ in DIALOG_ROWS]
    for bar, following in zip(chart.rows, chart.rows[1:], strict=False):
        assert bar.label_y < bar.y
        assert bar.y + bar.height < following.label_y - 15  # room for the next label
    assert chart.height > chart.rows[-1].y + chart.rows[-1].height


def test_everything_fits_a_320_wide_chart():
    chart = bar_chart([(1, "Accommodation", 7)])

    assert chart.width == 320
    assert chart.rows[0].x >= 0
    assert chart.rows[0].value_label_x + 12 <= chart.width  # room for the "7"


def test_a_100_percent_bar_leaves_room_for_its_three_digits_and_long_labels_wrap_inside_the_chart():
    label = "Carers' details confirmed in 12 months (of people with carers)"
    chart = bar_chart([(1, label, 100), (2, "People with a key worker", 50)], minimum=0, maximum=100)

    full = chart.rows[0]
    assert full.value_label_x + 3 * DIGIT_WIDTH <= chart.width  # "100", not "10" cut off
    assert len(full.label_lines) > 1
    assert " ".join(line for line, _ in full.label_lines) == label
    assert all(len(line) * CHAR_WIDTH <= chart.width - full.x for line, _ in full.label_lines)
    baselines = [y for _, y in full.label_lines]
    assert baselines == sorted(baselines) and baselines[-1] < full.y  # every line above its bar
    assert chart.rows[1].label_y > full.y + full.height


def test_highlighted_rows_are_flagged_and_get_a_line_for_their_marker():
    chart = bar_chart(DIALOG_ROWS, highlighted={3, 5})

    assert [bar.highlighted for bar in chart.rows] == [False, False, True, False, True]
    job = chart.rows[2]
    assert job.label_y < job.marker_y < job.y
    assert chart.rows[0].marker_y is None
    plain_row = chart.rows[1].label_y - chart.rows[0].label_y
    highlighted_row = chart.rows[3].label_y - chart.rows[2].label_y
    assert highlighted_row > plain_row


def test_ticks_at_every_point_of_the_scale():
    assert [tick.value for tick in bar_chart(DIALOG_ROWS).ticks] == [1, 2, 3, 4, 5, 6, 7]
    goals = bar_chart([(1, "Goal", 0)], minimum=0, maximum=10)
    assert [tick.value for tick in goals.ticks] == list(range(11))
    xs = [tick.x1 for tick in goals.ticks]
    assert xs == sorted(xs)


@pytest.mark.parametrize("value", [0, 8, -1, 3.5, True, "4"])
def test_a_rating_off_the_scale_is_refused(value):
    with pytest.raises(ValueError, match="Mental health"):
        bar_chart([(1, "Mental health", value)])


@pytest.mark.parametrize(
    ("rows", "options", "message"),
    [
        ([(1, "A", 3), (1, "B", 4)], {}, "unique"),
        ([(1, "A", 3)], {"highlighted": {2}}, "Highlighted keys"),
        ([(1, "A", 3)], {"minimum": 7, "maximum": 1}, "minimum"),
        ([("1", "A", 3)], {}, "key"),
        ([(1, None, 3)], {}, "label"),
    ],
)
def test_bad_bar_chart_input_is_refused(rows, options, message):
    with pytest.raises(ValueError, match=message):
        bar_chart(rows, **options)


# Line chart geometry


def test_points_run_left_to_right_in_the_order_given():
    chart = line_chart(REQOL_POINTS)

    assert [point.label for point in chart.points] == [label for label, _ in REQOL_POINTS]
    xs = [point.x for point in chart.points]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    assert chart.polyline_points == " ".join(f"{p.x:g},{p.y:g}" for p in chart.points)


def test_higher_scores_are_drawn_higher_on_a_linear_scale():
    chart = line_chart([("a", 0), ("b", 20), ("c", 40)])
    bottom, middle, top = (point.y for point in chart.points)

    assert bottom == chart.plot_bottom
    assert top == chart.plot_top
    assert middle == pytest.approx((top + bottom) / 2, abs=0.1)


def test_y_ticks_are_every_10_for_reqol_and_every_2_for_goals():
    reqol = line_chart(REQOL_POINTS)
    assert [tick.value for tick in reqol.ticks] == [0, 10, 20, 30, 40]
    assert [tick.y1 for tick in reqol.ticks] == sorted((t.y1 for t in reqol.ticks), reverse=True)
    goals = line_chart([("3 Mar 2026", 4)], minimum=0, maximum=10)
    assert [tick.value for tick in goals.ticks] == [0, 2, 4, 6, 8, 10]
    dialog = line_chart([("3 Mar 2026", 4)], minimum=1, maximum=7)
    assert [tick.value for tick in dialog.ticks] == [2, 4, 6]


def test_the_threshold_line_sits_at_its_score():
    chart = line_chart(REQOL_POINTS, threshold=24)
    tick_y = {tick.value: tick.y1 for tick in chart.ticks}

    assert chart.threshold == 24
    assert tick_y[30] < chart.threshold_y < tick_y[20]
    expected = chart.plot_bottom - 24 / 40 * (chart.plot_bottom - chart.plot_top)
    assert chart.threshold_y == pytest.approx(expected, abs=0.1)
    assert chart.threshold_label_y < chart.threshold_y
    assert line_chart(REQOL_POINTS).threshold_y is None


def test_reliable_changes_get_shapes_not_just_colours():
    marks = {1: "improvement", 3: "deterioration", 2: "no reliable change"}
    chart = line_chart(REQOL_POINTS + [("1 Jul 2026", 22)], marks=marks | {4: "goal agreed"})

    assert [point.mark for point in chart.points] == [
        None,
        "improvement",
        "no reliable change",
        "deterioration",
        "goal agreed",
    ]
    assert [point.marker for point in chart.points] == [None, "up", None, "down", "diamond"]
    assert chart.points[0].marker_points == ""
    up = [tuple(map(float, corner.split(","))) for corner in chart.points[1].marker_points.split()]
    assert min(y for _, y in up) < chart.points[1].y  # the apex points up
    assert [key.mark for key in chart.legend] == ["improvement", "deterioration", "goal agreed"]


def test_one_point_is_a_dot_in_the_middle_without_a_line():
    chart = line_chart([("3 Mar 2026", 21)])

    assert not chart.empty
    assert chart.polyline_points == ""
    assert chart.points[0].x == pytest.approx((chart.plot_left + chart.plot_right) / 2, abs=0.1)
    assert [label.text for label in chart.axis_labels] == ["3 Mar 2026"]


def test_no_points_make_an_empty_chart():
    chart = line_chart([])

    assert chart.empty
    assert chart.points == ()
    assert chart.polyline_points == ""
    assert chart.axis_labels == ()


def test_only_the_first_and_last_dates_label_the_axis():
    chart = line_chart(REQOL_POINTS)

    assert [(label.text, label.anchor) for label in chart.axis_labels] == [
        ("3 Mar 2026", "start"),
        ("2 Jun 2026", "end"),
    ]


@pytest.mark.parametrize(
    ("points", "options", "message"),
    [
        ([("3 Mar 2026", 41)], {}, "Point 0"),
        ([("3 Mar 2026", -1)], {}, "Point 0"),
        ([("3 Mar 2026", 11)], {"minimum": 0, "maximum": 10}, "from 0 to 10"),
        ([("3 Mar 2026", 20.5)], {}, "whole number"),
        ([("3 Mar 2026", 20)], {"threshold": 50}, "Threshold"),
        ([("3 Mar 2026", 20)], {"marks": {1: "improvement"}}, "Mark for point 1"),
        ([("3 Mar 2026", 20)], {"marks": {0: ""}}, "Mark for point 0"),
        ([("3 Mar 2026", 20)], {"minimum": 10, "maximum": 10}, "minimum"),
    ],
)
def test_bad_line_chart_input_is_refused(points, options, message):
    with pytest.raises(ValueError, match=message):
        line_chart(points, **options)


# The macros


@pytest.fixture(scope="module")
def app() -> Flask:
    from portal import create_app

    return create_app("testing", {"DATABASE_URL": "sqlite://"})


def render(app: Flask, source: str, **context) -> BeautifulSoup:
    with app.test_request_context():
        html = render_template_string(
            '{% from "components/charts.html" import bar_chart, line_chart %}' + source, **context
        )
    assert not re.search(r"\sstyle=", html), "inline styles break the Content-Security-Policy"
    return BeautifulSoup(html, "html.parser")


def check_svg_is_labelled(svg) -> None:
    assert svg["role"] == "img"
    title_id, desc_id = svg["aria-labelledby"].split()
    assert svg.find("title", id=title_id) is not None
    assert svg.find("desc", id=desc_id) is not None


def table_rows(page: BeautifulSoup) -> list[list[str]]:
    return [
        [cell.get_text(strip=True) for cell in row.find_all(["th", "td"])]
        for row in page.select("table.nhsuk-table tbody tr")
    ]


def test_the_bar_chart_is_a_labelled_image_with_a_table_of_the_same_numbers(app):
    chart = bar_chart(DIALOG_ROWS, highlighted={3})

    page = render(
        app,
        '{{ bar_chart(chart, "Your ratings", "Ratings from 1 to 7", id_prefix="dialog") }}',
        chart=chart,
    )

    svg = page.find("svg")
    check_svg_is_labelled(svg)
    assert svg.find("title").get_text() == "Your ratings"
    assert svg.find("desc").get_text() == "Ratings from 1 to 7"
    assert page.select_one("table.nhsuk-table caption").get_text(strip=True) == "Your ratings"
    assert table_rows(page) == [
        ["Mental health", "4", "No"],
        ["Physical health", "7", "No"],
        ["Job situation", "1", "Yes"],
        ["Accommodation", "Not answered", "No"],
        ["Leisure activities", "2", "No"],
    ]
    bars = svg.find_all("rect", class_="portal-chart__bar")
    assert len(bars) == 4  # no bar for the unanswered item
    highlighted = svg.find_all("rect", class_="portal-chart__bar--highlighted")
    assert len(highlighted) == 1
    assert highlighted[0]["fill"] == "url(#dialog-hatch)" and highlighted[0]["stroke"]
    assert svg.find("pattern", id="dialog-hatch") is not None
    svg_text = [text.get_text() for text in svg.find_all("text")]
    assert "★ More help wanted" in svg_text
    assert svg_text.count("★ More help wanted") == 1


def test_the_line_chart_is_a_labelled_image_with_a_table_of_the_same_numbers(app):
    chart = line_chart(REQOL_POINTS, threshold=24, marks={1: "improvement", 3: "deterioration"})

    page = render(
        app,
        '{{ line_chart(chart, "ReQoL-10 scores", "Your scores since March", "Score", "Date",'
        ' id_prefix="reqol", threshold_label="Clinical cut-off") }}',
        chart=chart,
    )

    svg = page.find("svg", role="img")
    check_svg_is_labelled(svg)
    assert [th.get_text(strip=True) for th in page.select("thead th")] == [
        "Date",
        "Score",
        "Reliable change",
    ]
    assert table_rows(page) == [
        ["3 Mar 2026", "21", ""],
        ["7 Apr 2026", "27", "Reliable improvement"],
        ["5 May 2026", "26", ""],
        ["2 Jun 2026", "19", "Reliable deterioration"],
    ]
    assert svg.find("polyline")["points"] == chart.polyline_points
    assert len(svg.find_all("polygon", class_="portal-chart__marker")) == 2
    assert len(svg.find_all("circle", class_="portal-chart__point")) == 2
    threshold = svg.find("line", class_="portal-chart__threshold")
    assert threshold["stroke-dasharray"]
    assert "Clinical cut-off: 24" in svg.get_text()
    legend = [li.get_text(strip=True) for li in page.select(".portal-chart__legend li")]
    assert legend == ["Clinical cut-off: 24", "Reliable improvement", "Reliable deterioration"]
    for key in page.select(".portal-chart__legend svg"):
        assert key["aria-hidden"] == "true"


def test_a_line_chart_without_marks_has_no_change_column(app):
    page = render(
        app,
        '{{ line_chart(chart, "Goal", "Ratings", "Rating", "Date", id_prefix="goal") }}',
        chart=line_chart([("3 Mar 2026", 4)], minimum=0, maximum=10),
    )

    assert table_rows(page) == [["3 Mar 2026", "4"]]
    assert page.find("polyline") is None
    assert page.select_one(".portal-chart__legend") is None


def test_an_empty_line_chart_says_so_instead_of_drawing(app):
    page = render(
        app,
        '{{ line_chart(chart, "Goal", "Ratings", "Rating", "Date", id_prefix="goal") }}',
        chart=line_chart([]),
    )

    assert page.find("svg") is None
    assert page.find("table") is None
    assert "No scores to show yet." in page.get_text()


def test_two_charts_on_one_page_have_no_duplicate_ids(app):
    page = render(
        app,
        '{{ bar_chart(dialog, "Then", "D", id_prefix="dialog-1") }}'
        '{{ bar_chart(dialog, "Now", "D", id_prefix="dialog-2") }}'
        '{{ line_chart(reqol, "ReQoL", "D", "Score", "Date", id_prefix="reqol") }}',
        dialog=bar_chart(DIALOG_ROWS, highlighted={1}),
        reqol=line_chart(REQOL_POINTS),
    )

    ids = [tag["id"] for tag in page.find_all(id=True)]
    assert len(ids) == 8  # title and desc of each, and each bar chart's pattern
    assert [i for i, count in Counter(ids).items() if count > 1] == []
    for svg in page.find_all("svg", role="img"):
        check_svg_is_labelled(svg)
    fills = {
        rect["fill"] for rect in page.find_all("rect", class_="portal-chart__bar--highlighted")
    }
    assert fills == {"url(#dialog-1-hatch)", "url(#dialog-2-hatch)"}


def test_a_chart_without_an_id_prefix_is_refused(app):
    with pytest.raises(Exception, match="charts_need_an_id_prefix"):
        render(app, '{{ bar_chart(chart, "T", "D") }}', chart=bar_chart(DIALOG_ROWS))


def test_labels_and_titles_are_escaped(app):
    script = "<script>alert(1)</script>"

    with app.test_request_context():
        html = render_template_string(
            '{% from "components/charts.html" import bar_chart, line_chart %}'
            '{{ bar_chart(bars, title, title, id_prefix="b") }}'
            '{{ line_chart(line, title, title, title, title, id_prefix="l") }}',
            bars=bar_chart([(1, script, 3)]),
            line=line_chart([(script, 3)]),
            title=script,
        )

    assert "<script>" not in html
    assert "&lt;script&gt;" in html
