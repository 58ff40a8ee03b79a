"""Charts on a phone (issue 19, items 7 and 12): text at least the size of the page's own text,
growing with the browser's text size, and nothing cut off at the chart's edge."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import MeasureResponse, ServiceUser
from tests.browser.conftest import Demo, Page, expect, horizontal_overflow, sign_in

# For each chart text: its rendered size in CSS pixels, and how far it runs past the chart's edges
# (in the chart's own units). Beside them, the size of the page's body text.
MEASURE_TEXT = """() => {
  const body = parseFloat(getComputedStyle(document.querySelector("main p")).fontSize);
  const texts = [...document.querySelectorAll("main svg.portal-chart__svg text")].map((text) => {
    const svg = text.ownerSVGElement;
    const scale = svg.getScreenCTM().a;
    const box = text.getBBox();
    const view = svg.viewBox.baseVal;
    return {text: text.textContent.trim(), size: parseFloat(getComputedStyle(text).fontSize) * scale,
            outside: Math.max(0, view.x - box.x, box.x + box.width - (view.x + view.width))};
  });
  return {body, texts};
}"""


def _reqol_history(live_app: Flask, totals_from: tuple[int, ...]) -> int:
    """Sam sends ReQoL-10 a few times, weeks apart; the newest response's id."""
    from portal.services import measures

    with live_app.app_context():
        person = db.session.scalar(select(ServiceUser).filter_by(given_name="Samuel"))
        assert person is not None
        instrument = measures.instrument_for("reqol10")
        for weeks_ago, value in zip(range(len(totals_from), 0, -1), totals_from, strict=True):
            response = measures.start_or_resume(person.user, person, "reqol10")
            for item in measures.questions(instrument):
                measures.save_answer(person.user, response, item, item.values[value])
            measures.submit(person.user, response, person)
            response.submitted_at = response.submitted_at - timedelta(weeks=weeks_ago)
            db.session.commit()
        newest = db.session.scalars(select(MeasureResponse).where(MeasureResponse.service_user_id == person.id)
                                    .order_by(MeasureResponse.id.desc())).first()
        assert newest is not None
        db.session.remove()
        return newest.id


def _measure(page: Page) -> dict[str, Any]:
    return page.evaluate(MEASURE_TEXT)


def test_chart_text_is_body_size_on_a_phone_and_grows_with_the_text_size(phone: Page, live_server: str, demo: Demo,
                                                                         live_app: Flask) -> None:
    # Given Sam has sent ReQoL-10 three times
    response_id = _reqol_history(live_app, (1, 2, 3))
    sign_in(phone, live_server, "service.user@example.test")
    # When he looks at his results on a 360px phone
    phone.goto(f"{live_server}/me/measures/responses/{response_id}")
    expect(phone.locator("main svg.portal-chart__svg")).to_have_count(1)
    measured = _measure(phone)
    # Then every word and number in the chart is at least as big as the page's text
    assert measured["texts"], "the chart has text"
    small = [(t["text"], round(t["size"], 1)) for t in measured["texts"] if t["size"] < measured["body"] - 0.1]
    assert not small, f"chart text smaller than the body text ({measured['body']}px): {small}"
    # And when he makes text bigger in his browser (twice the size), the chart's text grows with it
    phone.evaluate("document.documentElement.style.fontSize = '200%'")
    bigger = _measure(phone)
    assert bigger["body"] >= 1.9 * measured["body"]
    small = [(t["text"], round(t["size"], 1)) for t in bigger["texts"] if t["size"] < bigger["body"] - 0.1]
    assert not small, f"at 200% text, chart text smaller than the body text ({bigger['body']}px): {small}"
    # And the chart, now wider than the screen, scrolls in its own box: the page does not scroll sideways
    # (once the phone has laid the page out again at the new size)
    phone.wait_for_function("document.documentElement.scrollWidth <= 360", timeout=5000)
    box = phone.evaluate("""() => { const box = document.querySelector('.portal-chart__scroll');
        return {right: box.getBoundingClientRect().right, scrolls: box.scrollWidth > box.clientWidth}; }""")
    assert box["right"] <= 360 and box["scrolls"]


def test_the_team_report_charts_fit_a_phone(phone: Page, live_server: str, demo: Demo) -> None:
    # Given Helen, the team lead, on a 360px phone
    sign_in(phone, live_server, "team.lead@example.test")
    # When she opens the team report
    phone.goto(f"{live_server}/staff/team/report")
    expect(phone.locator("main svg.portal-chart__svg").first).to_be_visible()
    # Then no label or number runs off the edge of a chart ("100" is not cut to "10")
    cut = [(t["text"], round(t["outside"], 1)) for t in _measure(phone)["texts"] if t["outside"] > 0.5]
    assert not cut, f"cut off at the chart's edge: {cut}"
    assert horizontal_overflow(phone, 320) <= 0
