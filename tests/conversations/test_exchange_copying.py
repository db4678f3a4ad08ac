"""The PostgreSQL import (COPY into staging tables, set-based writes) writes exactly what the
batched writer SQLite uses writes, for the same files; and it analyses the tables it wrote.

Runs only on PostgreSQL: ``.ci/with-postgres .venv/bin/pytest tests/conversations/...``."""

import json

import pytest
from django.db import IntegrityError, connection, transaction

from conversations.models import (
    Action,
    AuditEvent,
    Conversation,
    Goal,
    MeasureAnswer,
    OutcomeRecord,
    Person,
)
from conversations.services.exchange import (
    ConversationImportError,
    conversations_import,
    copying,
    importing,
)
from tests.conversations.test_exchange import (
    carer_line,
    existing_person_line,
    organisation,  # noqa: F401 (a fixture)
    user_line,
    with_outcome,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("organisation"),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the COPY import is PostgreSQL's own"
    ),
]

AWKWARD = 'Tab\there, a new\nline, a \\ backslash, \r, "quotes", café ☕ and \\N'


def first_file() -> list[dict]:
    return [
        with_outcome(
            words=AWKWARD,
            helping="Her neighbour\tcalls in",
            barrier_words="Stairs\\steps",
            actions="  ",  # blank: no action
            goals=[
                {"words": "Use the computer", "status": "achieved"},
                {"words": AWKWARD, "status": None},
            ],
        ),
        carer_line(review_due="2026-07-01"),
        existing_person_line(),
        user_line(
            id="ext-4",
            subject={"ref": "P-5", "role": "user", "client_group": "mental_health"},
            team="ORK-W",
            date="2026-02-03",
            completed_at="2026-02-04T23:30:00-05:00",
            outcomes=[],
            measures={},
        ),
        user_line(
            id="she-1",
            partnership="SHE",
            team="SHE-N",
            subject={"ref": "P-2", "role": "user", "client_group": "older_people"},
        ),
    ]


def second_file() -> list[dict]:
    """Updates (a moved date, other outcomes, fewer and changed answers, a kept outcome with
    changed words, barriers, actions and goals, no review date given), a new conversation, a
    person who becomes a carer, and a new link."""
    return [
        user_line(
            date="2026-03-02",
            completed_at="2026-03-03T09:00:00Z",
            type="support_plan",
            measures={"NM1": "no"},
            outcomes=[
                {
                    "code": "reliability",
                    "matters": True,
                    "status": "not_achieved",
                    "words": "Carers come at different times",
                    "barriers": ["transport", "staffing"],
                    "actions": "Agree a visit window",
                    "goals": [{"words": "Know who is coming", "status": "partly_achieved"}],
                }
            ],
        ),
        carer_line(
            status="completed",
            completed_at="2026-06-02T08:00:00Z",
            measures={"NM2": "no"},
            outcomes=[
                {
                    "code": "life_of_their_own",
                    "matters": True,
                    "status": "partly_achieved",
                    "words": "Two evenings off\teach week",
                    "barriers": ["transport", "resources"],
                    "actions": "",
                    "goals": [{"words": "A weekend away", "status": None}],
                }
            ],
        ),
        carer_line(
            id="ext-7",
            subject={
                "ref": "P-5",
                "role": "carer",
                "client_group": "older_people",
                "cared_for_ref": "P-1",
            },
        ),
    ]


def snapshot() -> dict[str, list]:
    """Everything an import writes, by natural keys, without ids and write times. People,
    conversations and audit events in id order (the order they were written in counts too);
    a conversation's content sorted: the COPY writer updates in place the outcome records and
    answers an update keeps, where the batched writer replaces them with new ids."""
    through = OutcomeRecord.barriers.through
    return {
        "people": list(
            Person.objects.order_by("pk").values_list(
                "partnership__code", "ref", "name", "client_group__code", "is_carer"
            )
        ),
        "allocations": sorted(
            Person.teams.through.objects.values_list("person__ref", "team__code")
        ),
        "links": sorted(
            Person.cares_for.through.objects.values_list("from_person__ref", "to_person__ref")
        ),
        "conversations": list(
            Conversation.objects.order_by("pk").values_list(
                "partnership__code",
                "external_id",
                "subject__ref",
                "subject_role",
                "team__code",
                "practitioner",
                "type",
                "framework_version__version",
                "date_held",
                "interviewer",
                "with_person",
                "with_proxy",
                "with_carer",
                "summary",
                "follows",
                "status",
                "completed_at",
                "review_due",
                "reopen_reason",
                "completed_by",
                "revision",
                "created_by__username",
                "updated_by__username",
            )
        ),
        "records": sorted(
            OutcomeRecord.objects.values_list(
                "conversation__external_id",
                "outcome__code",
                "matters",
                "words",
                "status",
                "practitioner_status",
                "helping",
                "barrier_words",
            )
        ),
        "barriers": sorted(
            through.objects.values_list(
                "outcomerecord__conversation__external_id",
                "outcomerecord__outcome__code",
                "barriercode__code",
            )
        ),
        "actions": sorted(
            Action.objects.values_list(
                "record__conversation__external_id",
                "record__outcome__code",
                "what",
                "owner",
                "due",
                "order",
            )
        ),
        "goals": sorted(
            Goal.objects.values_list(
                "record__conversation__external_id",
                "record__outcome__code",
                "words",
                "status",
                "order",
            )
        ),
        "answers": sorted(
            MeasureAnswer.objects.values_list(
                "conversation__external_id", "measure__code", "answer"
            )
        ),
        "audit": list(
            AuditEvent.objects.order_by("pk").values_list(
                "user__username",
                "action",
                "person__ref",
                "conversation__external_id",
                "after_sign_off",
                "reason",
                "changes",
                "detail",
                "ip_address",
            )
        ),
    }


class _Undo(Exception):
    pass


def written_by(
    writer, files: list[list[dict]], *, by, batch_size: int = 2, between=None
) -> list[dict]:
    """Import ``files`` one after another with ``writer``; the snapshot after each (and
    ``between()`` after each but the last); then undo it all, so the next writer starts
    from the same database."""
    snapshots = []
    try:
        with transaction.atomic():
            for number, items in enumerate(files):
                writer(
                    [json.dumps(item) for item in items],
                    batch_size=batch_size,
                    by=by,
                    reason=f"Imported from file {number}",
                )
                snapshots.append(snapshot())
                if between is not None and number < len(files) - 1:
                    between()
            raise _Undo
    except _Undo:
        pass
    return snapshots


def test_copy_and_batched_writers_write_the_same_rows(practitioner):
    files = [first_file(), second_file(), first_file()]

    copied = written_by(importing._import_by_copy, files, by=practitioner)
    batched = written_by(importing._import_in_batches, files, by=practitioner)

    # The text came through COPY whole.
    assert [row[3] for row in copied[0]["records"] if row[0] == "ext-1"][0] == AWKWARD
    assert copied[1]["conversations"] != copied[0]["conversations"]
    for after_copy, after_batches in zip(copied, batched, strict=True):
        for table, rows in after_copy.items():
            assert rows == after_batches[table], table


def both_write_the_same(files: list[list[dict]], *, by, **options) -> list[dict]:
    copied = written_by(importing._import_by_copy, files, by=by, **options)
    batched = written_by(importing._import_in_batches, files, by=by, **options)
    for after_copy, after_batches in zip(copied, batched, strict=True):
        for table, rows in after_copy.items():
            assert rows == after_batches[table], table
    return copied


def test_a_carer_of_someone_a_later_chunk_first_names_is_linked(practitioner):
    """Each chunk is written before the next is read; links wait for the last one."""
    lines = [
        carer_line(subject={**carer_line()["subject"], "cared_for_ref": "P-7"}),
        user_line(
            id="ext-9", subject={"ref": "P-7", "role": "user", "client_group": "mental_health"}
        ),
        user_line(
            id="ext-10",
            subject={"ref": "P-7", "role": "carer", "client_group": "older_people"},
            framework="carers",
            framework_version="2013",
            measures={},
            outcomes=[],
        ),
    ]

    copied = both_write_the_same([lines], by=practitioner, batch_size=1)

    assert ("C-1", "P-7") in copied[0]["links"]
    # Named first as a user (so with that line's client group), later as a carer.
    assert ("ORK", "P-7", "", "mental_health", True) in copied[0]["people"]


def actions_file() -> list[dict]:
    return [
        user_line(
            outcomes=[
                {"code": "reliability", "matters": True, "actions": "Agree a visit window"},
                {"code": "feeling_safe", "matters": True, "actions": "Ring the day centre"},
            ]
        ),
        carer_line(
            outcomes=[{"code": "life_of_their_own", "matters": True, "actions": "Book a break"}]
        ),
    ]


def edit_actions() -> None:
    """In the browser: someone takes on one action, and another is added to a record."""
    Action.objects.filter(what="Ring the day centre").update(owner="family")
    record = OutcomeRecord.objects.get(outcome__code="life_of_their_own")
    Action.objects.create(record=record, what="Ask about a sitter", order=1)


def test_importing_again_keeps_only_the_actions_that_are_just_what_the_file_gives(practitioner):
    both_write_the_same(
        [actions_file(), actions_file(), second_file()], by=practitioner, between=edit_actions
    )

    importing._import_by_copy(
        [json.dumps(item) for item in actions_file()], batch_size=2, by=None, reason="Imported"
    )
    kept = Action.objects.get(what="Agree a visit window").pk
    edit_actions()
    importing._import_by_copy(
        [json.dumps(item) for item in actions_file()], batch_size=2, by=None, reason="Imported"
    )

    assert Action.objects.get(what="Agree a visit window").pk == kept  # not written again
    assert Action.objects.get(what="Ring the day centre").owner == ""
    assert list(
        Action.objects.filter(record__outcome__code="life_of_their_own").values_list("what")
    ) == [("Book a break",)]


def test_a_problem_found_after_the_last_line_undoes_the_chunks_written():
    before = snapshot()
    lines = [
        user_line(),
        existing_person_line(),
        carer_line(subject={**carer_line()["subject"], "cared_for_ref": "NOBODY"}),
    ]

    with pytest.raises(ConversationImportError) as raised:
        importing._import_by_copy(
            [json.dumps(item) for item in lines], batch_size=1, by=None, reason="Imported"
        )

    assert raised.value.problems == [
        (3, "cared_for_ref 'NOBODY' is not a person of the partnership or the file")
    ]
    assert snapshot() == before


def assert_foreign_keys_are_checked_at_commit() -> None:
    inserted = False

    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {Action._meta.db_table} (record_id, what, owner, "order") '
            "VALUES (%s, 'x', '', 0)",
            [2**62],  # no such record
        )
        inserted = True  # a deferred check: not yet
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    assert inserted


def test_foreign_keys_are_checked_at_commit_again_after_an_import():
    conversations_import([json.dumps(item) for item in first_file()])

    assert_foreign_keys_are_checked_at_commit()


def test_foreign_keys_are_checked_at_commit_again_after_a_refused_file():
    with pytest.raises(ConversationImportError):
        conversations_import([json.dumps(user_line(team="NOWHERE"))])

    assert_foreign_keys_are_checked_at_commit()


def test_a_bad_line_after_staged_chunks_writes_nothing():
    before = snapshot()
    good = [json.dumps(item) for item in first_file()]

    with pytest.raises(ConversationImportError):
        importing._import_by_copy(
            [*good, json.dumps(user_line(id="bad", team="NOWHERE"))],
            batch_size=2,
            by=None,
            reason="Imported",
        )

    assert snapshot() == before
    with connection.cursor() as cursor:  # the staging tables went with the transaction
        cursor.execute("SELECT count(*) FROM pg_class WHERE relname LIKE 'import\\_%%'")
        assert cursor.fetchone() == (0,)


def reltuples(model) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table]
        )
        return cursor.fetchone()[0]


def test_the_tables_written_are_analysed_after_the_commit(django_capture_on_commit_callbacks):
    allocations, links = Person.teams.through, Person.cares_for.through
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        conversations_import([json.dumps(item) for item in first_file()])
    assert reltuples(allocations) < 0  # never analysed: the planner guesses
    assert len(callbacks) == 1

    callbacks[0]()

    assert reltuples(allocations) == allocations.objects.count()
    assert reltuples(links) == links.objects.count() == 1
    assert reltuples(Conversation) == Conversation.objects.count() == 5


def test_copy_text_is_read_a_slice_at_a_time_and_whole():
    text = "ligne\tcafé ☕\n" * 1000

    reader = copying._Reader(text)
    parts = iter(lambda: reader.read(4096), "")

    assert "".join(parts) == text
    assert copying._Reader("abc").read() == "abc"


def test_a_failure_while_a_chunk_is_written_is_raised_and_undoes_everything(monkeypatch):
    before = snapshot()
    write = copying._write
    calls = []

    def fail_on_the_second_chunk(cursor, **options):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return write(cursor, **options)

    monkeypatch.setattr(copying, "_write", fail_on_the_second_chunk)

    with pytest.raises(RuntimeError, match="went away"):
        importing._import_by_copy(
            [json.dumps(item) for item in first_file()], batch_size=1, by=None, reason="Imported"
        )

    assert len(calls) == 2  # the first chunk was written, then undone
    assert snapshot() == before
    assert_foreign_keys_are_checked_at_commit()
