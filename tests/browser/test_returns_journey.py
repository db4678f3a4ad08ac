import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conversations.demo import DEMO_PASSWORD
from conversations.models import Person
from reporting.models import ReturnRecord
from reporting.views.returns import default_period
from tests.browser.conftest import log_in
from tests.factories import answered_conversation

HEADER = (
    "partnership_code,partnership_name,period,measure_code,measure_title,population,"
    "numerator,denominator,percentage,ci_low,ci_high,suppressed,target,target_status"
)


@pytest.fixture
def period():
    """The period the returns page offers first: the last quarter that has ended."""
    return default_period(timezone.localdate())


@pytest.fixture
def demo_answers(demo_site, period):
    """Six people in the demo partnership answer NM1 in the period: five say yes."""
    people = (
        Person.objects.filter(partnership__code="LOCHARD", teams__isnull=False)
        .exclude(cares_for__isnull=False)
        .prefetch_related("teams")
        .order_by("ref")
        .distinct()[:6]
    )
    for index, person in enumerate(people):
        answered_conversation(
            person=person,
            team=person.teams.all()[0],
            date_held=period.first_day + dt.timedelta(days=index),
            answers={"NM1": "yes" if index else "no"},
        )
    return demo_site


def test_a_partnership_lead_downloads_the_national_return(page, demo_answers, period):
    log_in(page, demo_answers.url, "partnershiplead", DEMO_PASSWORD)
    page.get_by_role("link", name="Returns").click()

    expect(page.get_by_role("heading", name="National returns")).to_be_visible()
    preview = page.get_by_role("table").first
    expect(preview.get_by_role("row").nth(1)).to_contain_text("83.3")

    page.get_by_label("Period", exact=True).select_option(str(period))
    page.get_by_role("group", name="Format").get_by_label(re.compile("^CSV")).check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Produce and download").click()
    download = info.value

    slug = str(period).replace(" ", "-")
    assert download.suggested_filename == f"national-return-LOCHARD-{slug}.csv"
    content = Path(download.path()).read_bytes()
    lines = content.decode("utf-8").splitlines()
    assert lines[0] == HEADER
    assert len(lines) == 5
    assert [line.split(",")[3] for line in lines[1:]] == ["NM1", "NM2", "NM3", "NM4"]
    assert lines[1].startswith(f"LOCHARD,Loch Ard Health and Social Care Partnership,{period},")
    assert ",5,6,83.3," in lines[1]
    record = ReturnRecord.objects.get()
    assert bytes(record.content) == content

    page.goto(f"{demo_answers.url}/reports/returns/")
    expect(page.get_by_role("cell", name=record.sha256)).to_be_visible()
