"""The recording page fits the conversation: measured in a real browser for a demo review where
six outcomes matter (height at 1280 and 390 px, Tab presses to Save), and used in place: an
outcome opened from the compact list, an action and a goal added without a reload, and the
same buttons working with JavaScript off."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from playwright.sync_api import Page, expect

from conversations.demo import DEMO_PASSWORD, seed_conversations
from conversations.models import Conversation, Goal, OutcomeRecord, Person, Team
from conversations.services.recording import (
    ActionData,
    ConversationData,
    GoalData,
    OutcomeData,
    conversation_complete,
    conversation_save,
    conversation_start,
)
from frameworks.models import FrameworkVersion
from tests.browser.conftest import log_in

MAX_HEIGHT_WIDE = 4_000
MAX_HEIGHT_NARROW = 8_000
MAX_TABS_TO_SAVE = 40
SIX = 6
DEMO_CONVERSATIONS = 200


def review_where_six_outcomes_matter(ref: str = "N-0005") -> Conversation:
    """A support plan signed off with six outcomes that matter (words, status, two actions,
    goals on one), then a review started from it: the review opens with the same six."""
    practitioner = get_user_model().objects.get(username="practitioner")
    person = Person.objects.get(ref=ref, partnership__code="LOCHARD")
    team = Team.objects.worked_in_by(practitioner).filter(people=person).first()
    version = FrameworkVersion.objects.get(framework__code="users", version="2012")
    today = datetime.date.today()
    plan = conversation_start(
        subject=person,
        role="user",
        type="support_plan",
        team=team,
        framework_version=version,
        date_held=today - datetime.timedelta(days=120),
        by=practitioner,
    )
    codes = list(plan.outcome_records.values_list("outcome__code", flat=True)[:SIX])
    outcomes = {
        code: OutcomeData(
            matters=True,
            words=f"What {code.replace('_', ' ')} means to me, in a sentence or two.",
            status="partly_achieved",
            actions=[
                ActionData(what=f"First step about {code}", owner="services"),
                ActionData(what=f"Second step about {code}", owner="family"),
            ],
            goals=[GoalData(words="Use the computer", status="achieved")] if index == 0 else [],
        )
        for index, code in enumerate(codes)
    }
    plan = conversation_save(
        conversation=plan,
        data=ConversationData(
            date_held=plan.date_held, interviewer="practitioner", outcomes=outcomes
        ),
        by=practitioner,
        revision=plan.revision,
    )
    conversation_complete(conversation=plan, by=practitioner)
    review = conversation_start(
        subject=person,
        role="user",
        type="review",
        team=team,
        framework_version=version,
        date_held=today,
        by=practitioner,
    )
    assert review.outcome_records.filter(matters=True).count() == SIX
    return review


def demo_review_where_six_outcomes_matter() -> Conversation:
    """The demo's own content: the demo practitioner's latest signed-off conversation in which
    at least six outcomes mattered, and a new review of that person where the same six matter,
    carrying the demo's words, what is helping, barriers and actions as a practitioner would
    type them (one outcome with two separate goals)."""
    seed_conversations(count=DEMO_CONVERSATIONS)
    practitioner = get_user_model().objects.get(username="practitioner")
    earlier = (
        Conversation.objects.completed()
        .filter(practitioner=practitioner, subject_role="user", framework_version__version="2012")
        .annotate(mattering=Count("outcome_records", filter=Q(outcome_records__matters=True)))
        .filter(mattering__gte=SIX)
        .latest_first()
        .first()
    )
    assert earlier is not None, "the demo has no conversation where six outcomes mattered"
    review = conversation_start(
        subject=earlier.subject,
        role="user",
        type="review",
        team=earlier.team,
        framework_version=earlier.framework_version,
        date_held=datetime.date.today(),
        by=practitioner,
        allow_second_draft=True,
    )
    records = earlier.outcome_records.filter(matters=True).prefetch_related("barriers", "actions")
    six = {record.outcome.code: record for record in records[:SIX]}
    outcomes = {
        code: OutcomeData(matters=code in six)
        for code in review.outcome_records.values_list("outcome__code", flat=True)
    }
    for index, (code, record) in enumerate(six.items()):
        outcomes[code] = OutcomeData(
            matters=True,
            words=record.words,
            status=record.status or "partly_achieved",
            helping=record.helping,
            barriers=[barrier.code for barrier in record.barriers.all()],
            barrier_words=record.barrier_words,
            actions=[ActionData(a.what, a.owner, a.due) for a in record.actions.all()],
            goals=[
                GoalData(words="Learn to send emails to my grandson", status="partly_achieved"),
                GoalData(words="Do the family banking online again", status="not_achieved"),
            ]
            if index == 0
            else [],
        )
    review = conversation_save(
        conversation=review,
        data=ConversationData(
            date_held=review.date_held, interviewer="practitioner", outcomes=outcomes
        ),
        by=practitioner,
        revision=review.revision,
    )
    assert review.outcome_records.filter(matters=True).count() == SIX
    return review


@pytest.fixture
def review(demo_site) -> Conversation:
    return review_where_six_outcomes_matter()


@pytest.fixture
def demo_review(demo_site) -> Conversation:
    return demo_review_where_six_outcomes_matter()


@pytest.fixture(autouse=True)
def _longer_timeouts(page):
    page.set_default_timeout(20_000)


def record_url(base_url: str, conversation: Conversation) -> str:
    return f"{base_url}/conversations/{conversation.pk}/record/"


def tabs_to_save(page: Page) -> int:
    """Tab presses from the top of the page until the Save draft button has focus."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.evaluate("window.scrollTo(0, 0)")
    for presses in range(1, 400):
        page.keyboard.press("Tab")
        if page.evaluate(
            "document.activeElement && document.activeElement.name === 'save' "
            "&& document.activeElement.form && document.activeElement.form.id === 'recording-form'"
        ):
            return presses
    return 400


def test_the_page_is_short_and_save_is_near_the_top(page: Page, demo_site, demo_review):
    log_in(page, demo_site.url, "practitioner", DEMO_PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(record_url(demo_site.url, demo_review))
    expect(page.locator("fieldset.outcome:visible")).to_have_count(SIX)

    wide = page.evaluate("document.documentElement.scrollHeight")
    presses = tabs_to_save(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    narrow = page.evaluate("document.documentElement.scrollHeight")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    print(f"recording page: {wide} px at 1280, {narrow} px at 390, {presses} Tab presses")

    assert wide <= MAX_HEIGHT_WIDE, f"{wide} px tall at 1280 px"
    assert narrow <= MAX_HEIGHT_NARROW, f"{narrow} px tall at 390 px"
    assert presses <= MAX_TABS_TO_SAVE, f"{presses} Tab presses to Save"
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px at 390 px"


def test_last_time_leads_each_card_on_a_phone(page: Page, demo_site, review):
    log_in(page, demo_site.url, "practitioner", DEMO_PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(record_url(demo_site.url, review))
    card = page.locator("fieldset.outcome:visible").first
    last_time = card.get_by_label(re.compile("^Last time"))
    words = card.get_by_label("In the person's own words")

    expect(last_time).to_contain_text("First step about")
    assert last_time.bounding_box()["y"] < words.bounding_box()["y"]


def test_the_save_bar_stays_in_view(page: Page, demo_site, review):
    log_in(page, demo_site.url, "practitioner", DEMO_PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(record_url(demo_site.url, review))
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight / 2)")

    save = page.get_by_role("button", name="Save draft")
    box = save.bounding_box()
    assert 0 <= box["y"] < 844
    expect(page.locator("#autosave-status")).to_be_in_viewport()


def test_an_outcome_opens_from_the_compact_list(page: Page, demo_site, review):
    closed = review.outcome_records.filter(matters=False).select_related("outcome").first()
    code, label = closed.outcome.code, closed.outcome.label
    log_in(page, demo_site.url, "practitioner", DEMO_PASSWORD)
    page.goto(record_url(demo_site.url, review))
    card = page.locator(f"#outcome-{code}")
    expect(card).to_be_hidden()

    page.locator("#more-outcomes").get_by_role("button", name=re.compile(re.escape(label))).click()

    expect(card).to_be_visible()
    expect(card.get_by_label("This matters to the person now")).to_be_checked()
    expect(card.get_by_label("In the person's own words")).to_be_focused()
    page.keyboard.type("Now this matters too.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    record = OutcomeRecord.objects.get(pk=closed.pk)
    assert record.matters and record.words == "Now this matters too."


def test_an_action_is_added_in_place_and_saved(page: Page, demo_site, review):
    record = review.outcome_records.filter(matters=True).select_related("outcome").first()
    log_in(page, demo_site.url, "practitioner", DEMO_PASSWORD)
    page.goto(record_url(demo_site.url, review))
    card = page.locator(f"#outcome-{record.outcome.code}")
    card.get_by_label("Action 1: what").fill("Ring the lunch club")
    before = page.url

    card.get_by_role("button", name=re.compile("Add another action")).click()

    second = card.get_by_label("Action 2: what")
    expect(second).to_be_focused()
    assert page.url == before
    second.fill("Ask about a lift on Tuesdays")
    card.get_by_label("Who").nth(1).select_option(label="Community")
    card.get_by_role("button", name=re.compile("Add another action")).click()
    card.get_by_role("button", name="Remove action 3").click()
    expect(card.get_by_label("Action 3: what")).to_be_hidden()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Saved.")).to_be_visible()

    actions = list(record.actions.values_list("what", "owner"))
    assert actions == [
        ("Ring the lunch club", ""),
        ("Ask about a lift on Tuesdays", "community"),
    ]


def test_a_goal_round_trips(page: Page, demo_site, review):
    record = review.outcome_records.filter(matters=True).select_related("outcome").first()
    log_in(page, demo_site.url, "practitioner", DEMO_PASSWORD)
    page.goto(record_url(demo_site.url, review))
    card = page.locator(f"#outcome-{record.outcome.code}")
    expect(card.get_by_label(re.compile("^Last time"))).to_contain_text("Use the computer")

    card.get_by_role("button", name=re.compile("Add a separate goal")).click()
    goal = card.get_by_label("Goal 1, in the person's words")
    expect(goal).to_be_focused()
    goal.fill("Do the family banking online")
    card.get_by_label("Goal 1: status").select_option(label="Partly achieved")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Saved.")).to_be_visible()

    page.reload()
    card = page.locator(f"#outcome-{record.outcome.code}")
    expect(card.get_by_label("Goal 1, in the person's words")).to_have_value(
        "Do the family banking online"
    )
    expect(card.get_by_label("Goal 1: status")).to_have_value("partly_achieved")
    assert list(Goal.objects.filter(record=record).values_list("words", "status")) == [
        ("Do the family banking online", "partly_achieved")
    ]


def test_without_javascript_the_buttons_save_and_come_back_to_the_card(
    browser, browser_context_args, demo_site, review
):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(20_000)
    log_in(page, demo_site.url, "practitioner", DEMO_PASSWORD)
    page.goto(record_url(demo_site.url, review))
    record = review.outcome_records.filter(matters=True).select_related("outcome").first()
    code = record.outcome.code
    card = page.locator(f"#outcome-{code}")

    card.get_by_label("Action 1: what").fill("Written without JavaScript")
    card.get_by_role("button", name=re.compile("Add another action")).click()

    assert page.url.endswith(f"#outcome-{code}")
    expect(card.get_by_label("Action 2: what")).to_be_visible()
    assert list(record.actions.values_list("what", flat=True)) == ["Written without JavaScript"]

    closed = review.outcome_records.filter(matters=False).select_related("outcome").first()
    page.locator("#more-outcomes").get_by_role(
        "button", name=re.compile(re.escape(closed.outcome.label))
    ).click()
    assert page.url.endswith(f"#outcome-{closed.outcome.code}")
    expect(page.locator(f"#outcome-{closed.outcome.code}")).to_be_visible()
    assert OutcomeRecord.objects.get(pk=closed.pk).matters
    context.close()
