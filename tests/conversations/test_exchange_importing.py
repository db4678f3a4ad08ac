"""The import on either database: ``conversations_changed`` inside its transaction, and
all-or-nothing however the lines fall into batches (on PostgreSQL: COPY chunks)."""

import json
from datetime import date

import pytest
from django.db import connection

from conversations.models import Conversation
from conversations.services.exchange import ConversationImportError, conversations_import
from conversations.signals import conversations_changed
from tests.conversations.test_exchange import (
    carer_line,
    counts,
    existing_person_line,
    good_lines,
    organisation,  # noqa: F401 (a fixture)
    user_line,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("organisation")]


class Heard:
    """A connected receiver: what each sending said, and what the database held then."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def __call__(self, sender, changes, **kwargs) -> None:
        self.calls.append(
            {
                "sender": sender,
                "changes": set(changes),
                "in_transaction": connection.in_atomic_block,
                "conversations": Conversation.objects.count(),
            }
        )


@pytest.fixture
def heard():
    receiver = Heard()
    conversations_changed.connect(receiver)
    yield receiver
    conversations_changed.disconnect(receiver)


def lines(*items: dict) -> list[str]:
    return [json.dumps(item) for item in items]


def test_a_new_file_sends_each_partnership_and_date_written_once(partnership, heard):
    conversations_import(lines(*good_lines()))

    assert len(heard.calls) == 1
    call = heard.calls[0]
    assert call["sender"] is Conversation
    assert call["changes"] == {
        (partnership.pk, date(2026, 5, 14)),
        (partnership.pk, date(2026, 6, 1)),
        (partnership.pk, date(2026, 4, 20)),
    }
    # Sent inside the import's transaction, after the conversations were written.
    assert call["in_transaction"]
    assert call["conversations"] == 3


def test_a_reimport_that_moves_a_date_sends_the_old_and_the_new(partnership, heard):
    conversations_import(lines(user_line(), carer_line()))
    heard.calls.clear()

    conversations_import(lines(user_line(date="2026-03-02", completed_at="2026-03-03T09:00:00Z")))

    assert [call["changes"] for call in heard.calls] == [
        {(partnership.pk, date(2026, 5, 14)), (partnership.pk, date(2026, 3, 2))}
    ]


def test_two_partnerships_are_told_apart(partnership, other_partnership, heard):
    conversations_import(
        lines(
            user_line(),
            user_line(
                partnership="SHE",
                team="SHE-N",
                subject={"ref": "S-1", "role": "user", "client_group": "older_people"},
            ),
        )
    )

    assert heard.calls[0]["changes"] == {
        (partnership.pk, date(2026, 5, 14)),
        (other_partnership.pk, date(2026, 5, 14)),
    }


def test_a_receiver_that_fails_undoes_the_import():
    before = counts()

    def refuse(sender, changes, **kwargs):
        raise RuntimeError("summary could not be brought up to date")

    conversations_changed.connect(refuse)
    try:
        with pytest.raises(RuntimeError):
            conversations_import(lines(*good_lines()))
    finally:
        conversations_changed.disconnect(refuse)

    assert counts() == before


def test_a_bad_file_and_a_dry_run_send_nothing(heard):
    with pytest.raises(ConversationImportError):
        conversations_import(lines(user_line(), user_line(id="ext-9", date="2026-13-01")))
    conversations_import(lines(*good_lines()), dry_run=True)

    assert heard.calls == []


@pytest.mark.parametrize("bad_at", [1, 4, 7])
def test_a_bad_line_after_several_batches_writes_nothing(heard, bad_at):
    """With two lines a batch, earlier batches are staged (or, on SQLite, checked) before the
    bad line is read: still nothing is written."""
    good = [
        user_line(
            id=f"ext-{n}",
            subject={"ref": f"P-{n + 10}", "role": "user", "client_group": "older_people"},
        )
        for n in range(7)
    ]
    good[bad_at - 1] = user_line(id="bad", team="NOWHERE")
    before = counts()

    with pytest.raises(ConversationImportError) as refused:
        conversations_import(lines(*good), batch_size=2)

    assert [number for number, _ in refused.value.problems] == [bad_at]
    assert counts() == before
    assert heard.calls == []


def test_small_batches_write_every_line():
    items = [
        user_line(
            id=f"u-{n}",
            subject={"ref": f"P-{n + 10}", "role": "user", "client_group": "older_people"},
        )
        for n in range(5)
    ] + [
        existing_person_line(),
        carer_line(subject={**carer_line()["subject"], "ref": "C-7", "cared_for_ref": "P-10"}),
    ]

    result = conversations_import(lines(*items), batch_size=2)

    assert (result.created, result.updated, result.people_created) == (7, 0, 6)
    assert counts()["conversations"] == 7
    assert counts()["records"] == 5 * 2 + 1
    assert counts()["audit"] == 7
