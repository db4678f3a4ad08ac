"""A team leader sets a local improvement target, and follows a "not achieved" figure on the
dashboard to the words behind it, in a real browser."""

import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from conversations.demo import DEMO_PASSWORD
from conversations.models import Person, Team
from frameworks.periods import Period
from tests.browser.conftest import log_in
from tests.factories import PersonFactory, answered_conversation


def test_team_leader_sets_a_target_and_sees_it_listed(page: Page, demo_site):
    year = str(Period.year_containing(timezone.localdate()))
    log_in(page, demo_site.url, "teamleader", DEMO_PASSWORD)
    page.goto(f"{demo_site.url}/reports/targets/")
    expect(page.get_by_role("heading", name="Local improvement targets")).to_be_visible()

    page.get_by_role("link", name="Set a target").click()
    # Nothing chosen yet: the error summary says what is missing.
    page.get_by_role("button", name="Save target").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose a measure or an outcome")

    page.get_by_label("Who the target is for").select_option(label="North Community Care")
    page.get_by_label("National measure").select_option(value=_measure_pk("NM1"))
    page.get_by_label("Period").select_option(value=year)
    page.get_by_label("Target (%)").fill("77.5")
    page.get_by_role("button", name="Save target").click()

    expect(page.get_by_text("Target saved.")).to_be_visible()
    # The demo already has targets for North (other measures): find the one just set.
    row = page.get_by_role("row").filter(has_text="North Community Care").filter(has_text="77.5%")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("NM1")
    expect(row).to_contain_text(year)
    expect(row).to_contain_text("77.5%")
    expect(row).to_contain_text("Mhairi Campbell")


def _measure_pk(code: str) -> str:
    from frameworks.models import Measure

    return str(Measure.objects.get(code=code).pk)


def _review(team: Team, *, ref: str, status: str, day, words: str = "") -> Person:
    person = PersonFactory(partnership=team.partnership, ref=ref, teams=[team])
    conversation = answered_conversation(
        person=person, team=team, date_held=day, answers={}, outcomes={"feeling_safe": status}
    )
    if words:
        record = conversation.outcome_records.get()
        record.words = words
        record.helping = "A neighbour looks in most evenings."
        record.barrier_words = "The stair light has been broken since March."
        record.save()
        record.actions.create(
            what="Ask the housing officer about the stair light", owner="services"
        )
    return person


def test_team_leader_follows_a_not_achieved_figure_from_the_dashboard_to_the_words(
    page: Page, demo_site
):
    today = timezone.localdate()
    north = Team.objects.get(code="LOCHARD-N")
    south = Team.objects.get(code="LOCHARD-S")
    # Five rated reviews in North, so the dashboard shows its counts (no suppression).
    _review(
        north,
        ref="N-DRILL",
        status="not_achieved",
        day=today,
        words="I don't feel safe on the stairs.",
    )
    _review(north, ref="N-QUIET", status="not_achieved", day=today)
    for n in range(3):
        _review(north, ref=f"N-FINE{n}", status="achieved", day=today)
    _review(
        south, ref="S-DRILL", status="not_achieved", day=today, words="South's words stay in South."
    )
    period = str(Period.year_containing(today))

    log_in(page, demo_site.url, "teamleader", DEMO_PASSWORD)
    page.goto(f"{demo_site.url}/reports/?team=LOCHARD-N&period={period}")
    page.get_by_role("link", name=re.compile("not achieved: Feeling safe")).click()

    expect(page).to_have_url(re.compile(r"/reports/drilldown/\?"))
    expect(page.get_by_role("heading", name="The words behind the figure")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("2 outcome records")
    record = page.get_by_role("article").filter(has_text="N-DRILL")
    expect(record).to_contain_text("I don't feel safe on the stairs.")
    expect(record).to_contain_text("A neighbour looks in most evenings.")
    expect(record).to_contain_text("The stair light has been broken since March.")
    expect(record).to_contain_text("Ask the housing officer about the stair light")
    expect(page.get_by_text("South's words stay in South.")).to_have_count(0)

    record.get_by_role("link", name="N-DRILL").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("N-DRILL")

    # Another team leader's team is not found, even with a hand-made link.
    response = page.goto(
        f"{demo_site.url}/reports/drilldown/?outcome=feeling_safe&status=not_achieved"
        f"&period={period}&team=LOCHARD-S"
    )
    assert response.status == 404
