"""On PostgreSQL the audit table refuses UPDATE and DELETE (a trigger made by migration
0010), except anonymisation rewriting words in old rows and a deleted person's link becoming
null. SQLite has no such trigger: these tests run only on PostgreSQL (``make test`` runs the
suite on both)."""

import pytest
from django.db import DatabaseError, connection, transaction

from conversations.models import AuditAction, AuditEvent
from conversations.services.data_protection import person_anonymise
from tests.factories import PersonFactory, start_conversation

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the append-only trigger exists on PostgreSQL only (SQLite has no such trigger)",
    ),
]

WORDS = "I worry about the stairs at night"


@pytest.fixture
def old_row(team, practitioner):
    """A row as written before issue 8: the person's words inside ``changes``."""
    person = PersonFactory(partnership=team.partnership, ref="P-1", teams=[team])
    conversation = start_conversation(person=person, team=team, by=practitioner)
    return AuditEvent.objects.create(
        user=practitioner,
        action=AuditAction.CHANGED,
        person=person,
        conversation=conversation,
        changes={"outcome:feeling_safe.words": ["", WORDS]},
    )


def refused(operation) -> bool:
    try:
        with transaction.atomic():
            operation()
    except DatabaseError as error:
        assert "append-only" in str(error)
        return True
    return False


def test_update_is_refused(old_row):
    assert refused(lambda: AuditEvent.objects.filter(pk=old_row.pk).update(reason="tidied"))
    assert refused(lambda: AuditEvent.objects.filter(pk=old_row.pk).update(changes={}))
    old_row.refresh_from_db()
    assert (old_row.reason, old_row.changes) == ("", {"outcome:feeling_safe.words": ["", WORDS]})


def test_delete_is_refused(old_row):
    assert refused(lambda: AuditEvent.objects.filter(pk=old_row.pk).delete())
    assert AuditEvent.objects.filter(pk=old_row.pk).exists()


def test_anonymisation_may_rewrite_the_words_and_nothing_else(old_row, practitioner):
    result = person_anonymise(person=old_row.person, by=practitioner, reason="Erasure request")

    assert result.removed["audit_changes"] == 1
    old_row.refresh_from_db()
    assert WORDS not in repr(old_row.changes)
    # Allowed for the rewrite only: straight afterwards, in the same transaction, refused.
    assert refused(lambda: AuditEvent.objects.filter(pk=old_row.pk).update(changes={}))


def test_the_anonymising_setting_lets_through_changes_only(old_row):
    def set_and_update() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('audit.anonymising', 'on', true)")
        AuditEvent.objects.filter(pk=old_row.pk).update(reason="rewritten")

    assert refused(set_and_update)


def test_a_deleted_persons_link_may_become_null(team, practitioner):
    person = PersonFactory(partnership=team.partnership, ref="P-2", teams=[team])
    event = AuditEvent.objects.create(
        user=practitioner, action=AuditAction.VIEWED_PERSON, person=person
    )
    person.delete()
    event.refresh_from_db()
    assert (event.person, event.user, event.action) == (None, practitioner, "viewed_person")
