"""Erasure and retention: anonymising a person removes their name, date of birth and words,
keeps what the returns count (the national return's bytes are the same before and after),
is audited, and changes nothing the second time; the command, its dry run and retention
period; the admin action."""

import datetime
import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from conversations.models import (
    Action,
    AuditAction,
    AuditEvent,
    Conversation,
    Goal,
    MeasureAnswer,
    OutcomeRecord,
    Person,
)
from conversations.services.data_protection import (
    ANONYMISED_MARKER,
    people_past_retention,
    person_anonymise,
    retention_cutoff,
)
from frameworks.periods import Period
from reporting.returns import return_produce
from tests.conversations.data_protection_helpers import (
    ALL_WORDS,
    return_bytes,
    worded_conversation,
)
from tests.factories import PersonFactory, answered_conversation

pytestmark = pytest.mark.django_db

OLD_DAY = datetime.date(2015, 6, 1)


def held_words(person: Person) -> str:
    """Every piece of text held about the person, joined, to search for their words."""
    records = OutcomeRecord.objects.filter(conversation__subject=person)
    parts = [person.name]
    parts += Conversation.objects.filter(subject=person).values_list("summary", flat=True)
    for field in ("words", "helping", "barrier_words"):
        parts += records.values_list(field, flat=True)
    parts += Goal.objects.filter(record__in=records).values_list("words", flat=True)
    parts += Action.objects.filter(record__in=records).values_list("what", flat=True)
    for changes in AuditEvent.objects.filter(person=person).values_list("changes", flat=True):
        parts.append(repr(changes))
    return "\n".join(parts)


def counted_state(person: Person) -> list:
    """What reports count: answers, outcome and goal statuses, dates, teams."""
    return [
        sorted(
            MeasureAnswer.objects.filter(conversation__subject=person).values_list(
                "conversation_id", "measure__code", "answer"
            )
        ),
        sorted(
            OutcomeRecord.objects.filter(conversation__subject=person).values_list(
                "pk", "matters", "status", "practitioner_status"
            )
        ),
        sorted(
            Goal.objects.filter(record__conversation__subject=person).values_list("pk", "status")
        ),
        sorted(
            Conversation.objects.filter(subject=person).values_list(
                "pk", "date_held", "team_id", "status", "completed_at", "subject_role"
            )
        ),
    ]


@pytest.fixture
def crowd(team):
    """Enough people answering in 2026-27 for the return's figures not to be suppressed."""
    answers = ["yes", "no", "partly", "yes", "yes", "no"]
    for number, answer in enumerate(answers):
        someone = PersonFactory(partnership=team.partnership, ref=f"C-{number}", teams=[team])
        answered_conversation(
            person=someone,
            team=team,
            date_held=datetime.date(2026, 4, 10 + number),
            answers={"NM1": answer, "NM2": "yes", "NM3": answer},
        )


@pytest.fixture
def worded_person(person, team, practitioner):
    person.date_of_birth = datetime.date(1940, 2, 3)
    person.save()
    worded_conversation(person=person, team=team, by=practitioner, answers={"NM1": "no"})
    return person


def test_anonymising_removes_name_birth_date_and_every_word(worded_person, practitioner):
    before = held_words(worded_person)
    assert all(words in before for words in ALL_WORDS)
    assert "Morag Flett" in before

    result = person_anonymise(person=worded_person, by=practitioner, reason="Erasure request")

    worded_person.refresh_from_db()
    assert worded_person.name == ""
    assert worded_person.date_of_birth is None
    assert worded_person.ref == "P-1"
    after = held_words(worded_person)
    for words in (*ALL_WORDS, "Morag Flett", "Jim", "Ann"):
        assert words not in after
    assert ANONYMISED_MARKER in after
    assert result.changed
    assert result.removed["words"] == 1
    assert result.removed["goals"] == 1
    assert result.removed["actions"] == 1
    assert result.removed["audit_changes"] >= 1


def test_blank_words_stay_blank(worded_person):
    person_anonymise(person=worded_person, reason="Erasure request")

    records = OutcomeRecord.objects.filter(conversation__subject=worded_person)
    assert records.filter(words=ANONYMISED_MARKER).count() == 1
    assert records.filter(words="").count() == records.count() - 1


def test_counted_answers_and_statuses_are_kept(worded_person):
    before = counted_state(worded_person)

    person_anonymise(person=worded_person, reason="Erasure request")

    assert counted_state(worded_person) == before


def test_national_return_is_byte_for_byte_the_same(crowd, worded_person, partnership):
    published = return_produce(
        partnership=partnership, period=Period.parse("2026-27"), format="csv"
    )
    before = return_bytes(partnership)
    assert b",true," not in before.split(b"\n", 2)[1]  # NM1 is counted, not suppressed

    person_anonymise(person=worded_person, reason="Erasure request")

    assert return_bytes(partnership) == before
    again = return_produce(partnership=partnership, period=Period.parse("2026-27"), format="csv")
    assert again.sha256 == published.sha256


def test_anonymising_is_audited_without_the_words(worded_person, practitioner):
    person_anonymise(person=worded_person, by=practitioner, reason="Erasure request 3 May")

    event = AuditEvent.objects.get(action=AuditAction.ANONYMISED)
    assert event.person == worded_person
    assert event.user == practitioner
    assert event.reason == "Erasure request 3 May"
    assert event.changes["removed"]["name"] == 1
    assert all(words not in repr(event.changes) for words in ALL_WORDS)


def test_anonymising_twice_changes_nothing_the_second_time(worded_person):
    person_anonymise(person=worded_person, reason="Erasure request")
    state = (held_words(worded_person), counted_state(worded_person))

    second = person_anonymise(person=worded_person, reason="Erasure request")

    assert not second.changed
    assert (held_words(worded_person), counted_state(worded_person)) == state
    assert AuditEvent.objects.filter(action=AuditAction.ANONYMISED).count() == 1


def test_retention_cutoff_counts_whole_years_back():
    assert retention_cutoff(today=datetime.date(2026, 11, 30), years=7) == datetime.date(
        2019, 11, 30
    )
    assert retention_cutoff(today=datetime.date(2028, 2, 29), years=1) == datetime.date(2027, 2, 28)


def test_people_past_retention_are_those_without_a_recent_conversation(team, practitioner):
    old = PersonFactory(partnership=team.partnership, ref="OLD", teams=[team])
    answered_conversation(person=old, team=team, date_held=OLD_DAY, answers={"NM1": "yes"})
    returned = PersonFactory(partnership=team.partnership, ref="BACK", teams=[team])
    answered_conversation(person=returned, team=team, date_held=OLD_DAY, answers={"NM1": "yes"})
    answered_conversation(
        person=returned, team=team, date_held=datetime.date(2026, 5, 1), answers={"NM1": "yes"}
    )
    PersonFactory(partnership=team.partnership, ref="NEW", teams=[team])

    past = people_past_retention(today=datetime.date(2026, 11, 30), years=7)

    assert [p.ref for p in past] == ["OLD"]
    assert [p.ref for p in people_past_retention(today=datetime.date(2026, 11, 30), years=20)] == []


def test_command_anonymises_people_past_retention_only(team, practitioner, settings):
    settings.RETENTION_YEARS = 7
    old = PersonFactory(partnership=team.partnership, ref="OLD", name="Old Name", teams=[team])
    worded_conversation(person=old, team=team, by=practitioner, date_held=OLD_DAY)
    recent = PersonFactory(partnership=team.partnership, ref="NOW", name="Now Name", teams=[team])
    worded_conversation(person=recent, team=team, by=practitioner)
    out = io.StringIO()

    call_command("anonymise_people", stdout=out)

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.name == ""
    assert ALL_WORDS[0] not in held_words(old)
    assert recent.name == "Now Name"
    assert ALL_WORDS[0] in held_words(recent)
    assert "ORK OLD: anonymised" in out.getvalue()
    assert "Old Name" not in out.getvalue()
    event = AuditEvent.objects.get(action=AuditAction.ANONYMISED)
    assert event.user is None
    assert "RETENTION_YEARS=7" in event.reason

    again = io.StringIO()
    call_command("anonymise_people", stdout=again)
    assert "0 anonymised, 1 already were." in again.getvalue()
    assert AuditEvent.objects.filter(action=AuditAction.ANONYMISED).count() == 1


def test_dry_run_lists_and_changes_nothing(team, practitioner):
    old = PersonFactory(partnership=team.partnership, ref="OLD", name="Old Name", teams=[team])
    worded_conversation(person=old, team=team, by=practitioner, date_held=OLD_DAY)
    audit_rows = AuditEvent.objects.count()
    before = held_words(old)
    out = io.StringIO()

    call_command("anonymise_people", "--dry-run", stdout=out)

    assert "ORK OLD: would be anonymised" in out.getvalue()
    assert "nothing changed" in out.getvalue()
    old.refresh_from_db()
    assert old.name == "Old Name"
    assert held_words(old) == before
    assert AuditEvent.objects.count() == audit_rows


def test_command_anonymises_one_person_on_request_whatever_their_age(worded_person):
    out = io.StringIO()

    call_command(
        "anonymise_people",
        "--person",
        "P-1",
        "--partnership",
        "ORK",
        "--reason",
        "SAR 12",
        stdout=out,
    )

    worded_person.refresh_from_db()
    assert worded_person.name == ""
    assert AuditEvent.objects.get(action=AuditAction.ANONYMISED).reason == "SAR 12"


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--person", "P-1"], "together"),
        (["--partnership", "ORK"], "together"),
        (["--person", "NOBODY", "--partnership", "ORK"], "No person"),
        (["--person", "P-1", "--partnership", "SHE"], "No person"),
    ],
)
def test_command_refuses_unclear_requests(worded_person, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("anonymise_people", *arguments, stdout=io.StringIO())
    worded_person.refresh_from_db()
    assert worded_person.name == "Morag Flett"


def test_admin_action_asks_for_a_reason_then_anonymises(admin_client, worded_person):
    url = reverse("admin:conversations_person_changelist")
    chosen = {"action": "anonymise", "_selected_action": [worded_person.pk]}

    asked = admin_client.post(url, chosen)
    assert asked.status_code == 200
    assert b"Yes, anonymise them" in asked.content
    worded_person.refresh_from_db()
    assert worded_person.name == "Morag Flett"

    no_reason = admin_client.post(url, {**chosen, "confirmed": "yes", "reason": " "})
    assert b"Say why" in no_reason.content
    worded_person.refresh_from_db()
    assert worded_person.name == "Morag Flett"

    done = admin_client.post(url, {**chosen, "confirmed": "yes", "reason": "Erasure request"})
    assert done.status_code == 302
    worded_person.refresh_from_db()
    assert worded_person.name == ""
    assert ALL_WORDS[0] not in held_words(worded_person)
    event = AuditEvent.objects.get(action=AuditAction.ANONYMISED)
    assert event.user.is_superuser
    assert event.reason == "Erasure request"


@pytest.mark.parametrize("value", ["0", "-3", "seven"])
def test_retention_years_must_be_a_whole_number_of_at_least_one(value):
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment["RETENTION_YEARS"] = value

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "RETENTION_YEARS must be" in result.stderr


def test_retention_defaults_to_seven_years():
    assert settings.RETENTION_YEARS == 7
