"""Coding words with themes while recording, in a real browser, at phone and desktop widths."""

import re

import pytest
from playwright.sync_api import Page, expect

from conversations.demo import DEMO_PASSWORD
from conversations.models import OutcomeRecord
from tests.browser.conftest import log_in
from tests.browser.test_recording_journeys import fill_outcome, open_person, sign_off, start


@pytest.mark.parametrize("width", [390, 1280])
def test_a_practitioner_codes_words_with_themes_while_recording(page: Page, demo_site, width: int):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, demo_site.url, "practitioner", DEMO_PASSWORD)
    open_person(page, demo_site.url, "N-0001")
    start(page, type_label="Assessment", date="2026-04-07")
    fill_outcome(page, "seeing_people", words="Since the bus stopped I see nobody on Tuesdays.")

    card = page.locator("#outcome-seeing_people")
    card.locator("summary", has_text="Themes").click()
    themes = card.get_by_role("group", name="Themes in what the person said")
    themes.get_by_label("Getting there").check()
    themes.get_by_label("Help comes too late").check()
    expect(card.locator("summary", has_text="Themes")).to_be_visible()
    expect(page.locator("#autosave-status")).to_contain_text("All changes saved at")

    record = OutcomeRecord.objects.get(
        conversation__subject__ref="N-0001", outcome__code="seeing_people", words__contains="bus"
    )
    assert sorted(record.themes.values_list("code", flat=True)) == ["prevention", "transport"]

    sign_off(page)
    expect(page.get_by_text(re.compile("Themes:.*Getting there"))).to_be_visible()


def test_a_team_leader_codes_twenty_words_from_a_drilldown_and_the_counts_change(
    page: Page, demo_site
):
    from conversations.models import Team
    from tests.reporting.test_drilldown import review_with_words

    team = Team.objects.filter(memberships__user__username="teamleader").first()
    for n in range(20):
        review_with_words(team, ref=f"BULK-{n:02d}", words=f"The bus no longer comes ({n}).")
    figure = "outcome=feeling_safe&status=not_achieved&period=2026-27"
    log_in(page, demo_site.url, "teamleader", DEMO_PASSWORD)

    page.goto(f"{demo_site.url}/reports/themes/?team={team.code}&period=2026-27")
    getting_there = page.locator("#themes-table").get_by_role(
        "row", name=re.compile("^Getting there")
    )
    expect(getting_there.get_by_role("cell").first).to_have_text("0")

    page.goto(f"{demo_site.url}/reports/drilldown/?{figure}&team={team.code}")
    boxes = page.get_by_role("checkbox", name=re.compile("Tick to code these words"))
    expect(boxes).to_have_count(20)
    for index in range(20):
        boxes.nth(index).check()
    page.get_by_label("Theme", exact=True).select_option(label="Getting there")
    page.get_by_role("button", name="Add the theme to the ticked words").click()
    expect(page.get_by_role("status").first).to_contain_text("20 records coded")

    page.goto(f"{demo_site.url}/reports/themes/?team={team.code}&period=2026-27")
    expect(getting_there.get_by_role("cell").first).to_have_text("20")
    expect(getting_there).to_contain_text("The bus no longer comes")
