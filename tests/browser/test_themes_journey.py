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


def dashboard_count(page: Page, label: str):
    """The records count of a theme in the dashboard's themes table."""
    row = page.locator("#dash-themes-table").get_by_role("row", name=re.compile(f"^{label}"))
    return row.get_by_role("cell").first


@pytest.mark.parametrize("width", [390, 1280])
def test_a_team_leader_ticks_all_twenty_and_the_dashboard_count_changes(
    page: Page, demo_site, width: int
):
    from conversations.models import Team
    from tests.reporting.test_drilldown import review_with_words

    page.set_viewport_size({"width": width, "height": 900})
    team = Team.objects.filter(memberships__user__username="teamleader").first()
    for n in range(20):
        review_with_words(team, ref=f"ALL-{n:02d}", words=f"Nobody tells me what there is ({n}).")
    scope = f"team={team.code}&period=2026-27"
    log_in(page, demo_site.url, "teamleader", DEMO_PASSWORD)

    page.goto(f"{demo_site.url}/reports/?{scope}")
    section = page.locator("#themes")
    expect(
        section.get_by_role("heading", name=re.compile("^Themes in what people said"))
    ).to_be_visible()
    expect(dashboard_count(page, "Getting there")).to_have_text("0")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.goto(
        f"{demo_site.url}/reports/drilldown/?outcome=feeling_safe&status=not_achieved&{scope}"
    )
    boxes = page.get_by_role("checkbox", name=re.compile("Tick to code these words"))
    expect(boxes).to_have_count(20)
    select_all = page.get_by_role("checkbox", name="Select all on this page")
    select_all.focus()
    page.keyboard.press("Space")  # a keyboard user ticks it like any box
    for index in range(20):
        expect(boxes.nth(index)).to_be_checked()
    boxes.nth(3).uncheck()
    expect(select_all).not_to_be_checked()
    assert select_all.evaluate("box => box.indeterminate")
    boxes.nth(3).check()
    expect(select_all).to_be_checked()
    page.get_by_label("Theme", exact=True).select_option(label="Getting there")
    page.get_by_role("button", name="Add the theme to the ticked words").click()
    expect(page.get_by_role("status").first).to_contain_text("20 records coded")

    page.goto(f"{demo_site.url}/reports/?{scope}")
    # The count is a link; what a screen reader hears after the number says where it goes.
    expect(dashboard_count(page, "Getting there")).to_have_text(re.compile(r"^20 records: "))
    link = dashboard_count(page, "Getting there").get_by_role("link")
    expect(link).to_have_attribute("href", re.compile("/reports/themes/.*#theme-transport$"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_without_scripts_the_drilldown_is_ticked_record_by_record(browser, demo_site):
    from conversations.models import Team
    from tests.reporting.test_drilldown import review_with_words

    team = Team.objects.filter(memberships__user__username="teamleader").first()
    for n in range(2):
        review_with_words(team, ref=f"NOJS-{n}", words=f"Words {n}.")
    context = browser.new_context(java_script_enabled=False, reduced_motion="reduce")
    page = context.new_page()
    log_in(page, demo_site.url, "teamleader", DEMO_PASSWORD)

    page.goto(
        f"{demo_site.url}/reports/drilldown/?outcome=feeling_safe&status=not_achieved"
        f"&team={team.code}&period=2026-27"
    )

    expect(page.get_by_role("checkbox", name=re.compile("Tick to code these words"))).to_have_count(
        2
    )
    expect(page.get_by_role("checkbox", name="Select all on this page")).to_have_count(0)
    context.close()
