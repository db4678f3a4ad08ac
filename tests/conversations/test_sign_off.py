"""Signing off: the next review date (default from the type, editable, validated, audited)
and problems that link to the field to fix."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conversations.models import AuditAction, AuditEvent, ConversationStatus
from conversations.models.records import add_months, default_review_due
from conversations.services import recording
from tests.conversations.caseload_helpers import days_ago, signed_off
from tests.factories import start_conversation

pytestmark = pytest.mark.django_db

HELD = datetime.date(2026, 5, 14)


def sign_off_url(conversation) -> str:
    return reverse("conversations:conversation-complete", args=[conversation.pk])


def ready(conversation):
    """Fill in just enough for sign-off."""
    conversation.outcome_records.update(matters=False)
    conversation.outcome_records.filter(outcome__code="feeling_safe").update(
        matters=True, words="Safe", status="achieved"
    )
    return conversation


@pytest.fixture
def review(person, team, practitioner):
    return start_conversation(
        person=person, team=team, by=practitioner, type="review", date_held=HELD
    )


# --- the defaults, in one place ---------------------------------------------------------------


@pytest.mark.parametrize(
    "type, expected",
    [
        ("assessment", datetime.date(2026, 6, 25)),
        ("support_plan", datetime.date(2026, 8, 14)),
        ("review", datetime.date(2027, 5, 14)),
    ],
)
def test_default_review_date_follows_the_type(type, expected):
    assert default_review_due(type=type, date_held=HELD) == expected


def test_adding_months_keeps_to_the_end_of_a_short_month():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2024, 2, 29), -12) == datetime.date(2023, 2, 28)
    assert add_months(datetime.date(2026, 11, 30), 3) == datetime.date(2027, 2, 28)


# --- the service ------------------------------------------------------------------------------


def test_sign_off_without_a_date_sets_the_default_and_audits_it(review, practitioner):
    completed = recording.conversation_complete(conversation=ready(review), by=practitioner)

    assert completed.review_due == datetime.date(2027, 5, 14)
    event = AuditEvent.objects.get(conversation=review, action=AuditAction.COMPLETED)
    assert event.changes == {"review_due": [None, "2027-05-14"]}


def test_a_review_date_before_the_date_held_is_refused_and_nothing_written(review, practitioner):
    with pytest.raises(ValidationError) as raised:
        recording.conversation_complete(
            conversation=ready(review), by=practitioner, review_due=HELD - datetime.timedelta(1)
        )

    assert "cannot be before" in raised.value.message_dict["review_due"][0]
    review.refresh_from_db()
    assert review.status == ConversationStatus.DRAFT and review.review_due is None
    assert not AuditEvent.objects.filter(action=AuditAction.COMPLETED).exists()


def test_reopen_and_sign_off_again_changes_the_date_with_its_history(
    review, practitioner, team_leader
):
    recording.conversation_complete(
        conversation=ready(review), by=practitioner, review_due=datetime.date(2026, 9, 1)
    )
    recording.conversation_reopen(conversation=review, by=team_leader, reason="Date agreed later")
    again = recording.conversation_complete(
        conversation=review, by=practitioner, review_due=datetime.date(2026, 10, 1)
    )

    assert again.review_due == datetime.date(2026, 10, 1)
    latest = AuditEvent.objects.filter(action=AuditAction.COMPLETED).first()
    assert latest.changes == {"review_due": ["2026-09-01", "2026-10-01"]}
    assert latest.after_sign_off and latest.reason == "Date agreed later"


# --- the page ---------------------------------------------------------------------------------


def test_sign_off_page_offers_the_default_review_date(client, review, practitioner):
    client.force_login(practitioner)
    ready(review)

    content = client.get(sign_off_url(review)).content.decode()

    assert re.search(r'<label[^>]*for="id_review_due"[^>]*>\s*Next review by', content)
    assert 'value="2027-05-14"' in content


def test_twelve_months_on_is_the_latest_review_date_allowed(client, review, practitioner):
    client.force_login(practitioner)
    ready(review)

    response = client.post(sign_off_url(review), {"review_due": "2027-05-14"})

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.review_due == datetime.date(2027, 5, 14)


def test_sign_off_page_saves_the_chosen_date_and_detail_shows_it(client, review, practitioner):
    client.force_login(practitioner)
    ready(review)

    response = client.post(sign_off_url(review), {"review_due": "2026-11-20"})

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.is_completed and review.review_due == datetime.date(2026, 11, 20)
    detail = client.get(response.url).content.decode()
    assert "Next review by" in detail and "20 November 2026" in detail


@pytest.mark.parametrize(
    "value, message",
    [
        ("2026-05-13", "cannot be before the day the conversation was held"),
        ("2027-05-15", "must be by 14 May 2027: people are reviewed at least once every"),
        ("not a date", "Enter a valid date"),
    ],
)
def test_sign_off_page_refuses_a_bad_date_with_a_clear_message(
    client, review, practitioner, value, message
):
    client.force_login(practitioner)
    ready(review)

    response = client.post(sign_off_url(review), {"review_due": value})

    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    assert 'href="#id_review_due"' in content  # the error summary links to the field
    review.refresh_from_db()
    assert review.status == ConversationStatus.DRAFT and review.review_due is None


def test_sign_off_problems_link_to_the_field_on_the_recording_page(client, review, practitioner):
    client.force_login(practitioner)
    review.outcome_records.update(matters=False)
    review.outcome_records.filter(outcome__code="feeling_safe").update(matters=True)

    content = client.get(sign_off_url(review)).content.decode()

    record = reverse("conversations:conversation-record", args=[review.pk])
    problems = re.search(r"data-sign-off-problems.*?</ul>", content, re.S).group(0)
    assert f'href="{record}?show=feeling_safe#id_o-feeling_safe-status"' in problems
    assert "Feeling safe: choose a status at review." in problems
    back = re.search(r'<a[^>]*data-back-to-recording[^>]*href="([^"]+)"', content).group(1)
    assert back == f"{record}?show=feeling_safe#id_o-feeling_safe-status"
    assert 'name="review_due"' not in content  # nothing to sign off yet


def test_unanswered_questions_link_to_the_first_of_them(review):
    review.measure_answers.filter(measure__code="NM1").update(answer="yes")

    check = recording.completion_check(review)

    assert check.prompts[-1].field_id == "id_m-NM2_0"


def test_nothing_mattering_links_to_the_first_outcome(review):
    review.outcome_records.update(matters=False)

    check = recording.completion_check(review)

    first = review.outcome_records.select_related("outcome").first().outcome.code
    assert check.problems[0].field_id == f"id_o-{first}-matters"
    assert check.first_field_id == f"id_o-{first}-matters"
    # The outcome does not matter, so its card is closed: the link opens it.
    assert check.first_location == f"?show={first}#id_o-{first}-matters"


def test_a_link_to_a_closed_outcome_opens_its_card(client, review, practitioner):
    client.force_login(practitioner)
    review.outcome_records.update(matters=False)
    first = review.outcome_records.select_related("outcome").first().outcome.code
    record = reverse("conversations:conversation-record", args=[review.pk])

    closed = client.get(record).content.decode()
    opened = client.get(record + recording.completion_check(review).first_location).content

    card = re.compile(rf'<[^>]*id="outcome-{first}"[^>]*>')
    assert "hidden" in card.search(closed).group(0)
    assert "hidden" not in card.search(opened.decode()).group(0)


def test_the_recording_page_has_the_ids_the_links_point_at(client, review, practitioner):
    client.force_login(practitioner)

    content = client.get(
        reverse("conversations:conversation-record", args=[review.pk])
    ).content.decode()

    assert 'id="id_o-feeling_safe-status"' in content
    assert 'id="id_o-feeling_safe-matters"' in content
    assert 'id="id_m-NM1_0"' in content


def test_a_signed_off_conversation_shows_in_due_only_from_its_review_date(
    practitioner, team, person
):
    from django.utils import timezone

    from conversations import selectors

    signed_off(
        person=person,
        team=team,
        by=practitioner,
        date_held=days_ago(10),
        type="support_plan",
        review_due=days_ago(-29),
    )
    assert selectors.my_reviews(practitioner, today=timezone.localdate()) == ([], [])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    overdue, due = selectors.my_reviews(practitioner, today=tomorrow)
    assert overdue == [] and [row.subject for row in due] == [person]


def test_signing_off_twice_at_once_ends_on_the_signed_off_conversation(
    client, review, practitioner, monkeypatch
):
    client.force_login(practitioner)
    ready(review)
    check_as_the_page_loads = recording.completion_check

    def signed_off_meanwhile(conversation):
        check = check_as_the_page_loads(conversation)
        monkeypatch.setattr(recording, "completion_check", check_as_the_page_loads)
        recording.conversation_complete(conversation=conversation, by=practitioner)
        return check

    monkeypatch.setattr(recording, "completion_check", signed_off_meanwhile)

    response = client.post(sign_off_url(review), {"review_due": "2026-09-01"})

    assert response.status_code == 302
    assert response.url == reverse("conversations:conversation-detail", args=[review.pk])
    review.refresh_from_db()
    assert review.review_due == datetime.date(2027, 5, 14)  # the first sign-off's date stands
