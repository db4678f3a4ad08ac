"""The recording pages: scope, methods, saving, conflicts, autosave, sign-off, reopening."""

import datetime
import json

import pytest
from django.urls import reverse

from conversations.models import AuditEvent, Conversation, Goal, OutcomeRecord
from tests.conversations.recording_helpers import recording_post
from tests.factories import framework_version, start_conversation

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(person, team, practitioner):
    return start_conversation(person=person, team=team, by=practitioner, type="review")


def url(name: str, conversation: Conversation) -> str:
    return reverse(f"conversations:{name}", args=[conversation.pk])


CONVERSATION_PAGES = [
    ("conversation-detail", "get"),
    ("conversation-record", "get"),
    ("conversation-autosave", "post"),
    ("conversation-complete", "get"),
    ("conversation-reopen", "get"),
    ("conversation-history", "get"),
]


@pytest.mark.parametrize(("name", "method"), CONVERSATION_PAGES)
def test_anonymous_is_sent_to_login(client, conversation, name, method):
    response = getattr(client, method)(url(name, conversation))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("name", "method"), CONVERSATION_PAGES)
@pytest.mark.parametrize("who", ["outsider", "colleague_elsewhere", "outside_lead"])
def test_people_outside_the_team_get_404(client, conversation, request, who, name, method):
    client.force_login(request.getfixturevalue(who))

    response = getattr(client, method)(url(name, conversation))

    assert response.status_code == 404


def test_start_page_is_404_outside_scope(client, person, outsider, colleague_elsewhere):
    for user in (outsider, colleague_elsewhere):
        client.force_login(user)
        assert (
            client.get(reverse("conversations:conversation-start", args=[person.pk])).status_code
            == 404
        )


@pytest.mark.parametrize(
    ("name", "method", "status"),
    [
        ("conversation-detail", "get", 200),
        ("conversation-history", "get", 200),
        ("conversation-record", "get", 404),
        ("conversation-record", "post", 404),
        ("conversation-autosave", "post", 404),
        ("conversation-complete", "post", 404),
    ],
)
def test_partnership_lead_reads_but_cannot_edit(
    client, conversation, partnership_lead, name, method, status
):
    client.force_login(partnership_lead)

    assert getattr(client, method)(url(name, conversation)).status_code == status


def test_partnership_lead_cannot_start_a_conversation(client, person, partnership_lead):
    client.force_login(partnership_lead)

    response = client.get(reverse("conversations:conversation-start", args=[person.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("conversation-detail", "post"),
        ("conversation-history", "post"),
        ("conversation-autosave", "get"),
        ("conversation-record", "delete"),
    ],
)
def test_wrong_method_is_405(client, conversation, practitioner, name, method):
    client.force_login(practitioner)

    assert getattr(client, method)(url(name, conversation)).status_code == 405


def test_start_creates_a_draft_and_opens_the_recording_page(client, person, team, practitioner):
    client.force_login(practitioner)
    version = framework_version("users", "2012")

    response = client.post(
        reverse("conversations:conversation-start", args=[person.pk]),
        {
            "role": "user",
            "type": "assessment",
            "team": team.pk,
            "framework_version": version.pk,
            "date_held": "2026-05-01",
            "interviewer": "practitioner",
        },
    )

    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response.url == url("conversation-record", conversation)
    assert conversation.framework_version == version and conversation.team == team
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Feeling safe" in page.content.decode()


def test_start_refuses_a_future_date_with_a_clear_message(client, person, team, practitioner):
    client.force_login(practitioner)

    response = client.post(
        reverse("conversations:conversation-start", args=[person.pk]),
        {
            "role": "user",
            "type": "assessment",
            "team": team.pk,
            "framework_version": framework_version().pk,
            "date_held": (datetime.date.today() + datetime.timedelta(days=3)).isoformat(),
            "interviewer": "practitioner",
        },
    )

    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    assert not Conversation.objects.exists()


def test_recording_page_saves_and_redirects(client, conversation, practitioner):
    client.force_login(practitioner)
    data = recording_post(
        conversation,
        {
            "o-seeing_people-matters": "on",
            "o-seeing_people-words": "I would like to get to the lunch club again.",
            "o-seeing_people-status": "not_achieved",
            "o-seeing_people-barriers": ["transport"],
            "o-seeing_people-a-0-what": "Ask about community transport",
            "o-seeing_people-a-0-owner": "services",
            "m-NM3": "partly",
        },
    )

    response = client.post(url("conversation-record", conversation), data)

    assert response.status_code == 302
    record = OutcomeRecord.objects.get(conversation=conversation, outcome__code="seeing_people")
    assert record.matters and record.status == "not_achieved"
    assert record.words == "I would like to get to the lunch club again."
    assert list(record.barriers.values_list("code", flat=True)) == ["transport"]
    assert record.actions.get().owner == "services"
    assert conversation.measure_answers.get(measure__code="NM3").answer == "partly"


def test_saving_the_recording_page_takes_a_bounded_number_of_queries(
    client, conversation, practitioner, django_assert_max_num_queries
):
    client.force_login(practitioner)
    overrides = {}
    for code in conversation.outcome_records.values_list("outcome__code", flat=True):
        overrides.update(
            {
                f"o-{code}-matters": "on",
                f"o-{code}-words": f"My words about {code}",
                f"o-{code}-status": "partly_achieved",
                f"o-{code}-barriers": ["staffing", "resources"],
                f"o-{code}-a-0-what": f"Something about {code}",
                f"o-{code}-a-0-owner": "family",
                f"o-{code}-g-TOTAL_FORMS": "2",
                f"o-{code}-g-0-words": f"A goal about {code}",
                f"o-{code}-g-1-words": f"Another goal about {code}",
                f"o-{code}-g-1-status": "achieved",
            }
        )
    data = recording_post(conversation, overrides)
    assert conversation.outcome_records.count() == 15

    with django_assert_max_num_queries(40):
        response = client.post(url("conversation-record", conversation), data)

    assert response.status_code == 302
    assert OutcomeRecord.objects.filter(conversation=conversation, matters=True).count() == 15
    assert Goal.objects.filter(record__conversation=conversation).count() == 30


def test_bad_input_shows_an_error_summary_and_writes_nothing(client, conversation, practitioner):
    client.force_login(practitioner)
    data = recording_post(
        conversation,
        {"c-date_held": "2999-01-01", "o-feeling_safe-words": "Should not be saved"},
    )

    response = client.post(url("conversation-record", conversation), data)

    assert response.status_code == 400
    content = response.content.decode()
    assert "There is a problem" in content and "cannot be in the future" in content
    assert 'href="#id_c-date_held"' in content
    assert not OutcomeRecord.objects.filter(words="Should not be saved").exists()


def test_a_stale_save_gets_the_conflict_page_and_overwrites_nothing(
    client, conversation, practitioner, team_leader
):
    stale = recording_post(conversation, {"o-feeling_safe-words": "Practitioner's words"})
    client.force_login(team_leader)
    client.post(
        url("conversation-record", conversation),
        recording_post(conversation, {"o-feeling_safe-words": "Leader's words"}),
    )
    client.force_login(practitioner)

    response = client.post(url("conversation-record", conversation), stale)

    assert response.status_code == 409
    content = response.content.decode()
    assert "Leader&#x27;s words" in content and "Practitioner&#x27;s words" in content
    record = OutcomeRecord.objects.get(conversation=conversation, outcome__code="feeling_safe")
    assert record.words == "Leader's words"


def test_autosave_returns_the_new_revision_and_reports_conflicts(
    client, conversation, practitioner
):
    client.force_login(practitioner)
    data = recording_post(conversation, {"o-feeling_safe-words": "Typed so far"})

    first = client.post(url("conversation-autosave", conversation), data)
    again = client.post(
        url("conversation-autosave", conversation), data | {"o-feeling_safe-words": "More"}
    )

    assert first.status_code == 200 and first.json()["revision"] == conversation.revision + 1
    assert again.status_code == 409 and again.json()["status"] == "conflict"
    record = OutcomeRecord.objects.get(conversation=conversation, outcome__code="feeling_safe")
    assert record.words == "Typed so far"


def test_autosave_with_bad_input_saves_nothing(client, conversation, practitioner):
    client.force_login(practitioner)
    data = recording_post(
        conversation, {"c-date_held": "not a date", "o-feeling_safe-words": "Nope"}
    )

    response = client.post(url("conversation-autosave", conversation), data)

    assert response.status_code == 400 and response.json()["status"] == "invalid"
    assert not OutcomeRecord.objects.filter(words="Nope").exists()


def sign_off(client, conversation) -> None:
    client.post(
        url("conversation-record", conversation),
        recording_post(
            conversation,
            {
                "o-feeling_safe-matters": "on",
                "o-feeling_safe-words": "I feel safe",
                "o-feeling_safe-status": "achieved",
            },
        ),
    )
    response = client.post(url("conversation-complete", conversation))
    assert response.status_code == 302


def test_sign_off_makes_the_conversation_read_only(client, conversation, practitioner):
    client.force_login(practitioner)
    sign_off(client, conversation)

    conversation.refresh_from_db()
    assert conversation.is_completed
    assert client.get(url("conversation-record", conversation)).status_code == 302
    posted = client.post(url("conversation-autosave", conversation), recording_post(conversation))
    assert posted.status_code == 409


def test_sign_off_is_refused_while_a_review_outcome_has_no_status(
    client, conversation, practitioner
):
    client.force_login(practitioner)
    client.post(
        url("conversation-record", conversation),
        recording_post(conversation, {"o-feeling_safe-matters": "on"}),
    )

    response = client.post(url("conversation-complete", conversation))

    assert response.status_code == 400
    assert "choose a status at review" in response.content.decode()
    conversation.refresh_from_db()
    assert not conversation.is_completed


def test_practitioner_cannot_reopen(client, conversation, practitioner):
    client.force_login(practitioner)
    sign_off(client, conversation)

    response = client.post(url("conversation-reopen", conversation), {"reason": "Because"})

    assert response.status_code == 403
    conversation.refresh_from_db()
    assert conversation.is_completed


def test_team_leader_reopens_with_a_reason_and_the_history_shows_it(
    client, conversation, practitioner, team_leader
):
    client.force_login(practitioner)
    sign_off(client, conversation)
    client.force_login(team_leader)

    empty = client.post(url("conversation-reopen", conversation), {"reason": "   "})
    assert empty.status_code == 200 and "Say why" in empty.content.decode()
    response = client.post(
        url("conversation-reopen", conversation),
        {"reason": "Status entered against the wrong outcome"},
    )

    assert response.status_code == 302
    conversation.refresh_from_db()
    assert not conversation.is_completed
    history = client.get(url("conversation-history", conversation)).content.decode()
    assert "Status entered against the wrong outcome" in history
    assert "Reopened" in history and "Signed off" in history


def test_opening_a_conversation_is_audited(client, conversation, partnership_lead):
    client.force_login(partnership_lead)

    client.get(url("conversation-detail", conversation))

    event = AuditEvent.objects.get(action="viewed_conversation")
    assert event.user == partnership_lead and event.conversation == conversation


# --- the page fits the conversation: open cards, the compact list, buttons without JavaScript


def card(content: str, code: str) -> str:
    """The opening tag of an outcome's card."""
    start = content.index(f'id="outcome-{code}"')
    return content[content.rindex("<fieldset", 0, start) : content.index(">", start)]


def test_outcomes_that_matter_are_open_and_the_rest_are_one_compact_list(
    client, conversation, practitioner
):
    OutcomeRecord.objects.filter(conversation=conversation, outcome__code="seeing_people").update(
        matters=True
    )
    client.force_login(practitioner)

    content = client.get(url("conversation-record", conversation)).content.decode()

    assert " hidden" not in card(content, "seeing_people")
    assert " hidden" in card(content, "feeling_safe")
    assert 'id="id_o-feeling_safe-words"' in content  # still posted, so nothing is lost
    assert 'name="open" value="feeling_safe"' in content
    assert 'name="open" value="seeing_people"' not in content
    assert content.index('name="save"') < content.index('id="outcome-feeling_safe"')
    assert 'id="autosave-status"' in content and 'role="status"' in content


def test_opening_an_outcome_without_javascript_saves_it_as_mattering_and_returns_to_it(
    client, conversation, practitioner
):
    client.force_login(practitioner)
    data = recording_post(
        conversation, {"c-summary": "Typed before opening", "open": "reliability"}
    )

    response = client.post(url("conversation-record", conversation), data)

    assert response.status_code == 302
    assert response.url == url("conversation-record", conversation) + "#outcome-reliability"
    record = OutcomeRecord.objects.get(conversation=conversation, outcome__code="reliability")
    assert record.matters
    conversation.refresh_from_db()
    assert conversation.summary == "Typed before opening"
    content = client.get(response.url).content.decode()
    assert " hidden" not in card(content, "reliability")


def test_an_unknown_outcome_to_open_is_ignored(client, conversation, practitioner):
    client.force_login(practitioner)
    data = recording_post(conversation, {"open": "not_an_outcome"})

    response = client.post(url("conversation-record", conversation), data)

    assert response.status_code == 302
    assert response.url == url("conversation-record", conversation)


def test_another_action_without_javascript_saves_and_returns_to_the_card(
    client, conversation, practitioner
):
    client.force_login(practitioner)
    data = recording_post(
        conversation,
        {
            "o-feeling_safe-matters": "on",
            "o-feeling_safe-a-0-what": "Fit a key safe",
            "add-action": "feeling_safe",
        },
    )

    response = client.post(url("conversation-record", conversation), data)

    assert response.status_code == 302
    assert response.url == (
        url("conversation-record", conversation) + "?add-action=feeling_safe#outcome-feeling_safe"
    )
    record = OutcomeRecord.objects.get(conversation=conversation, outcome__code="feeling_safe")
    assert list(record.actions.values_list("what", flat=True)) == ["Fit a key safe"]
    content = client.get(response.url).content.decode()
    # The saved action and the one blank row asked for; an outcome with actions shows no blank
    # row otherwise, one without any shows one to start with.
    assert 'id="id_o-feeling_safe-a-1-what"' in content
    assert 'id="id_o-feeling_safe-a-2-what"' not in content
    assert 'id="id_o-seeing_people-a-0-what"' in content
    assert 'id="id_o-seeing_people-a-1-what"' not in content
    plain = client.get(url("conversation-record", conversation)).content.decode()
    assert 'id="id_o-feeling_safe-a-0-what"' in plain
    assert 'id="id_o-feeling_safe-a-1-what"' not in plain


def test_a_separate_goal_without_javascript_saves_and_returns_to_the_card(
    client, conversation, practitioner
):
    client.force_login(practitioner)
    data = recording_post(
        conversation, {"o-improved_skills-matters": "on", "add-goal": "improved_skills"}
    )

    response = client.post(url("conversation-record", conversation), data)

    assert response.status_code == 302
    assert response.url.endswith("?add-goal=improved_skills#outcome-improved_skills")
    content = client.get(response.url).content.decode()
    assert 'id="id_o-improved_skills-g-0-words"' in content


def test_goals_round_trip_through_the_page(client, conversation, practitioner):
    client.force_login(practitioner)
    data = recording_post(
        conversation,
        {
            "o-improved_skills-matters": "on",
            "o-improved_skills-status": "partly_achieved",
            "o-improved_skills-g-TOTAL_FORMS": "2",
            "o-improved_skills-g-0-words": "Use the computer",
            "o-improved_skills-g-0-status": "achieved",
            "o-improved_skills-g-1-words": "Do the family banking",
            "o-improved_skills-g-1-status": "",
        },
    )

    assert client.post(url("conversation-record", conversation), data).status_code == 302

    record = OutcomeRecord.objects.get(conversation=conversation, outcome__code="improved_skills")
    assert list(record.goals.values_list("words", "status")) == [
        ("Use the computer", "achieved"),
        ("Do the family banking", ""),
    ]
    assert record.status == "partly_achieved"
    again = recording_post(conversation)
    assert again["o-improved_skills-g-1-words"] == "Do the family banking"
    detail = client.get(url("conversation-detail", conversation)).content.decode()
    assert "Use the computer" in detail and "Do the family banking" in detail


def test_a_goal_with_a_bad_status_is_an_error_and_saves_nothing(client, conversation, practitioner):
    client.force_login(practitioner)
    data = recording_post(
        conversation,
        {
            "o-improved_skills-g-TOTAL_FORMS": "1",
            "o-improved_skills-g-0-words": "Use the computer",
            "o-improved_skills-g-0-status": "brilliant",
        },
    )

    response = client.post(url("conversation-record", conversation), data)

    assert response.status_code == 400
    content = response.content.decode()
    assert 'href="#id_o-improved_skills-g-0-status"' in content
    assert " hidden" not in card(content, "improved_skills")
    assert not Goal.objects.exists()


def test_a_page_opened_before_goals_existed_keeps_the_stored_goals(
    client, conversation, practitioner
):
    client.force_login(practitioner)
    client.post(
        url("conversation-record", conversation),
        recording_post(
            conversation,
            {"o-improved_skills-g-TOTAL_FORMS": "1", "o-improved_skills-g-0-words": "Kept"},
        ),
    )
    old_page = {
        key: value
        for key, value in recording_post(conversation, {"c-summary": "Changed"}).items()
        if "-g-" not in key
    }

    response = client.post(url("conversation-autosave", conversation), old_page)

    assert response.status_code == 200 and response.json()["status"] == "saved"
    assert list(Goal.objects.values_list("words", flat=True)) == ["Kept"]


def test_a_link_to_a_closed_outcome_shows_its_card_without_changing_it(
    client, conversation, practitioner
):
    client.force_login(practitioner)

    response = client.get(url("conversation-record", conversation) + "?show=reliability")

    assert " hidden" not in card(response.content.decode(), "reliability")
    record = OutcomeRecord.objects.get(conversation=conversation, outcome__code="reliability")
    assert not record.matters


def test_the_recording_page_reads_in_a_bounded_number_of_queries(
    client, conversation, practitioner, django_assert_max_num_queries
):
    from conversations.services import recording
    from conversations.services.recording import GoalData, OutcomeData

    earlier = recording.conversation_save(
        conversation=conversation,
        data=recording.ConversationData(
            date_held=conversation.date_held,
            interviewer="practitioner",
            outcomes={
                code: OutcomeData(
                    matters=True, words=code, status="achieved", goals=[GoalData("A goal")]
                )
                for code in conversation.outcome_records.values_list("outcome__code", flat=True)
            },
        ),
        by=practitioner,
        revision=conversation.revision,
    )
    # Last time is the signed-off review (a second draft of a review would need a deliberate
    # choice to start).
    earlier = recording.conversation_complete(conversation=earlier, by=practitioner)
    review = start_conversation(
        person=conversation.subject,
        team=conversation.team,
        by=practitioner,
        type="review",
        date_held=datetime.date(2026, 8, 1),
    )
    assert review.follows == earlier
    client.force_login(practitioner)

    # 15 before issue 10; the partnership's codebook, the themes coded on the records and the
    # kinds of help are one query each, whatever the number of outcomes (every page stays at
    # or under 20).
    with django_assert_max_num_queries(18):
        response = client.get(url("conversation-record", review))

    assert response.status_code == 200
    assert response.content.decode().count("A goal") == 15  # last time, on every card


def test_an_imported_draft_offers_every_outcome_of_its_framework(client, person, practitioner):
    """An imported draft holds only the outcomes its line listed; recording it offers the rest
    in the compact list, so any of them can still be marked as mattering."""
    from conversations.services.exchange import conversations_import

    line = {
        "id": "ext-draft-1",
        "partnership": person.partnership.code,
        "team": person.teams.first().code,
        "subject": {"ref": person.ref, "role": "user", "client_group": "older_people"},
        "framework": "users",
        "framework_version": "2012",
        "type": "review",
        "date": "2026-05-14",
        "status": "draft",
        "interviewer": "practitioner",
        "measures": {},
        "outcomes": [{"code": "feeling_safe", "matters": True, "status": None, "words": "Safe"}],
    }
    assert conversations_import([json.dumps(line)]).created == 1
    draft = Conversation.objects.get(external_id="ext-draft-1")
    assert draft.outcome_records.count() == 1
    client.force_login(practitioner)

    content = client.get(url("conversation-record", draft)).content.decode()

    assert draft.outcome_records.count() == 15
    assert draft.outcome_records.filter(matters=True).count() == 1
    assert 'data-picker="seeing_people"' in content
    assert 'id="id_o-feeling_safe-words"' in content
    client.get(url("conversation-record", draft))  # opening it again adds nothing
    assert draft.outcome_records.count() == 15
