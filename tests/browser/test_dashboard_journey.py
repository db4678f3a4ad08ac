"""A team leader opens Reports from the navigation and reads the dashboard."""

import re
from pathlib import Path

from playwright.sync_api import expect

from conversations.demo import DEMO_PASSWORD, seed_conversations
from tests.browser.conftest import log_in

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_team_leader_reads_the_dashboard(page, demo_site):
    seed_conversations(count=200)
    log_in(page, demo_site.url, "teamleader", DEMO_PASSWORD)

    page.get_by_role("link", name="Reports", exact=True).click()

    expect(page).to_have_url(re.compile(r"/reports/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Reports")
    measures = page.get_by_role("table", name=re.compile("The four national measures"))
    expect(measures).to_be_visible()
    expect(measures.get_by_role("row")).to_have_count(5)
    expect(page.get_by_role("img", name="The four measures, quarter by quarter")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("Percentage each quarter"))).to_be_visible()

    page.get_by_role("link", name="Reviews overdue").click()
    expect(page).to_have_url(re.compile(r"#coverage$"))
    expect(page.get_by_role("heading", name="Reviews overdue")).to_be_visible()

    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{demo_site.url}/reports/")
    page.screenshot(path=str(ARTIFACTS / "dashboard-team-leader.png"), full_page=True)


def test_keyboard_reaches_the_period_choice(page, demo_site):
    log_in(page, demo_site.url, "teamleader", DEMO_PASSWORD)
    page.goto(f"{demo_site.url}/reports/?period=2020-21")

    period = page.get_by_label("Period")
    period.select_option(index=1)
    page.get_by_role("button", name="Show reports").press("Enter")

    expect(page).to_have_url(re.compile(r"period="))
    expect(page.get_by_role("table", name=re.compile("national measures"))).to_be_visible()
