"""The recording page and its autosave on any input: a page with its errors, a JSON answer
or a redirect — never a 500 — and either the whole save or nothing written."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversations.models import AuditEvent, Conversation
from conversations.services import recording
from tests.conversations.recording_helpers import recording_post
from tests.factories import start_conversation

pytestmark = pytest.mark.django_db

HOSTILE = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Values a tampered form might carry in any field.
hostile_values = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            "",
            "\x00",
            "0026-05-01",
            "0001-01-01",
            "9999-12-31",
            "1899-12-31",
            "2026-02-30",
            "-1",
            "1000000000",
            "9" * 400,
            "on",
            "achieved",
            "<script>alert(1)</script>",
            "x" * 5000,
        ]
    ),
)


@pytest.fixture
def draft(person, team, practitioner):
    return start_conversation(person=person, team=team, by=practitioner)


def state(conversation: Conversation) -> tuple:
    """Everything a save could change: the content, the revision, the audit."""
    fresh = recording.with_content(Conversation.objects).get(pk=conversation.pk)
    return recording.snapshot(fresh), fresh.revision, AuditEvent.objects.count()


# Which fields to change, drop or add, drawn as numbers taken modulo the fields the page has:
# the page's fields change once a save gives an outcome a new action row, and what is drawn
# must not depend on that.
changes = st.lists(st.tuples(st.integers(0, 10_000), st.booleans(), hostile_values), max_size=4)
additions = st.lists(st.tuples(st.integers(0, 10_000), hostile_values), max_size=2)


def tampered(conversation: Conversation, changed, added) -> dict:
    """The page's own form data with some fields changed, dropped or added."""
    data = recording_post(conversation)
    names = sorted(data)
    for index, keep, value in changed:
        name = names[index % len(names)]
        if keep:
            data[name] = value
        else:
            data.pop(name, None)
    extra_names = [*names, "o-nope-words", "x"]
    for index, value in added:
        data[extra_names[index % len(extra_names)]] = value
    return data


@HOSTILE
@given(changed=changes, added=additions)
def test_the_recording_page_answers_any_post_without_a_500_or_a_partial_save(
    client, draft, practitioner, changed, added
):
    client.force_login(practitioner)
    before = state(draft)
    posted = tampered(draft, changed, added)

    response = client.post(reverse("conversations:conversation-record", args=[draft.pk]), posted)

    assert response.status_code in (302, 400, 409)
    after = state(draft)
    if response.status_code != 302:
        assert after == before
    else:
        assert after[1] in (before[1], before[1] + 1)


@HOSTILE
@given(changed=changes, added=additions)
def test_autosave_answers_any_post_with_json_and_never_a_partial_save(
    client, draft, practitioner, changed, added
):
    client.force_login(practitioner)
    before = state(draft)
    posted = tampered(draft, changed, added)

    response = client.post(reverse("conversations:conversation-autosave", args=[draft.pk]), posted)

    assert response.status_code in (200, 400, 409)
    assert response.json()["status"] in ("saved", "invalid", "conflict", "read_only")
    after = state(draft)
    if response.status_code != 200:
        assert after == before
    else:
        assert after[1] in (before[1], before[1] + 1)


@pytest.mark.parametrize("name", ["conversation-record", "conversation-autosave"])
def test_bytes_that_are_not_utf8_are_answered_without_a_500(client, draft, practitioner, name):
    client.force_login(practitioner)
    before = state(draft)

    response = client.generic(
        "POST",
        reverse(f"conversations:{name}", args=[draft.pk]),
        b"c-summary=%FF%FE%ED%A0%80&c-date_held=\xff\xfe&revision=1",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code in (400, 409)
    assert state(draft) == before


TEXT_FIELDS = [
    "c-summary",
    "o-feeling_safe-words",
    "o-feeling_safe-helping",
    "o-feeling_safe-barrier_words",
    "o-feeling_safe-a-0-what",
    "o-feeling_safe-a-0-owner",
]


@pytest.mark.parametrize("name", ["conversation-record", "conversation-autosave"])
@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_a_nul_character_in_any_text_is_refused_before_the_database(
    client, draft, practitioner, name, field
):
    """PostgreSQL refuses NUL in text with an exception: it must never get that far."""
    client.force_login(practitioner)
    before = state(draft)
    posted = recording_post(draft, {"o-feeling_safe-matters": "on", field: "safe\x00now"})

    response = client.post(reverse(f"conversations:{name}", args=[draft.pk]), posted)

    assert response.status_code == 400
    assert state(draft) == before
