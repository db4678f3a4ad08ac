"""Writing a checked conversations file with plain INSERT and UPDATE statements, a batch of
lines at a time (SQLite; ``copying`` is the PostgreSQL writer). The file is read a second
time: the check keeps only what is small per conversation."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from conversations.models import (
    Action,
    AuditAction,
    AuditEvent,
    Conversation,
    Goal,
    MeasureAnswer,
    OutcomeHelp,
    OutcomeRecord,
    Person,
)
from conversations.services.exchange.checking import (
    _existing_people,
    _LineChecker,
    _parse,
    _Plan,
    _Row,
)
from conversations.services.exchange.common import (
    _IN_CHUNK,
    CONVERSATION_COLUMNS,
    NOBODY_SAID,
    RECORD_FIELDS,
    WHO_ANSWERED_FIELDS,
    Changes,
    ImportResult,
    _chunks,
    column_defaults,
)


def _people_apply(plan: _Plan, *, batch_size: int) -> tuple[dict[tuple[int, str], int], int]:
    """Create the people the file introduces and mark carers; ``(key -> person id, created)``."""
    people = {key: pk for key, (pk, _) in plan.people.items()}
    new = [
        Person(
            partnership_id=partnership_id,
            ref=ref,
            client_group_id=subject.client_group_id,
            is_carer=subject.is_carer,
        )
        for (partnership_id, ref), subject in plan.subjects.items()
        if (partnership_id, ref) not in people
    ]
    for chunk in _chunks(new, batch_size):
        Person.objects.bulk_create(chunk)
    if new and new[0].pk is None:  # a database that cannot return ids from bulk inserts
        people.update(_existing_people({pid: {p.ref for p in new} for pid in plan.ids}))
    else:
        people.update({(p.partnership_id, p.ref): p.pk for p in new})
    become_carers = [
        plan.people[key][0]
        for key, subject in plan.subjects.items()
        if subject.is_carer and key in plan.people and not plan.people[key][1]
    ]
    now = timezone.now()
    for chunk in _chunks(become_carers, _IN_CHUNK):
        Person.objects.filter(pk__in=chunk).update(is_carer=True, updated_at=now)
    return people, len(new)


_UPDATE_FIELDS = [
    "subject",
    "subject_role",
    "team",
    "type",
    "framework_version",
    "date_held",
    "interviewer",
    "status",
    "completed_at",
    "cared_for",
    "updated_at",
    "updated_by",
]


def _update_conversations(conversations: list[Conversation]) -> None:
    """One UPDATE run for every row (``executemany``), ``revision`` going up by one.

    ``bulk_update`` builds a ``CASE`` per field per row, which costs milliseconds a row and
    made re-importing ten times slower than importing.
    """
    meta = Conversation._meta
    quote = connection.ops.quote_name
    fields = [meta.get_field(name) for name in _UPDATE_FIELDS]
    revision = quote(meta.get_field("revision").column)
    sql = (
        f"UPDATE {quote(meta.db_table)} SET "
        + ", ".join(f"{quote(f.column)} = %s" for f in fields)
        + f", {revision} = {revision} + 1 WHERE {quote(meta.pk.column)} = %s"
    )
    params = [
        [f.get_db_prep_save(getattr(c, f.attname), connection) for f in fields] + [c.pk]
        for c in conversations
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _set_review_dates(dates: list[tuple[date, int]]) -> None:
    """Set ``review_due`` of re-imported conversations whose line carries one: one
    ``executemany``; a line without it leaves the stored date as it is."""
    if not dates:
        return
    meta = Conversation._meta
    quote = connection.ops.quote_name
    field = meta.get_field("review_due")
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {quote(field.column)} = %s "
        f"WHERE {quote(meta.pk.column)} = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            sql, [[field.get_db_prep_save(day, connection), pk] for day, pk in dates]
        )


def _set_who_answered(rows: list[tuple[tuple[str, str, str, bool], int]]) -> None:
    """Set who answered on re-imported conversations whose line says it: one
    ``executemany``; a line without any of its keys leaves what is stored."""
    if not rows:
        return
    meta = Conversation._meta
    quote = connection.ops.quote_name
    columns = [meta.get_field(name).column for name in WHO_ANSWERED_FIELDS]
    sql = (
        f"UPDATE {quote(meta.db_table)} SET "
        + ", ".join(f"{quote(column)} = %s" for column in columns)
        + f" WHERE {quote(meta.pk.column)} = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[*who, pk] for who, pk in rows])


def _delete_content(conversation_ids: list[int]) -> None:
    """Remove the outcome records (with barriers, actions, goals) and answers of conversations.

    Children first, then the records with a plain DELETE: the ORM's cascade would first load
    every record to find what depends on it, and nothing does any more.
    """
    through = OutcomeRecord.barriers.through
    quote = connection.ops.quote_name
    for chunk in _chunks(conversation_ids, _IN_CHUNK):
        # By record id rather than through a join, which PostgreSQL answers with a full scan.
        record_ids = list(
            OutcomeRecord.objects.filter(conversation_id__in=chunk).values_list("pk", flat=True)
        )
        for records in _chunks(record_ids, _IN_CHUNK):
            through.objects.filter(outcomerecord_id__in=records).delete()
            OutcomeRecord.themes.through.objects.filter(outcomerecord_id__in=records).delete()
            OutcomeHelp.objects.filter(record_id__in=records).delete()
            Action.objects.filter(record_id__in=records).delete()
            Goal.objects.filter(record_id__in=records).delete()
        MeasureAnswer.objects.filter(conversation_id__in=chunk).delete()
        placeholders = ", ".join(["%s"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {quote(OutcomeRecord._meta.db_table)} "
                f"WHERE {quote('conversation_id')} IN ({placeholders})",
                chunk,
            )


class _Inserter:
    """Multi-row ``INSERT`` statements straight from tuples of values.

    The same SQL as ``bulk_create``, without building a model instance and preparing every
    value through its field, which took most of an import's time. Fields not given get their
    default (worked out once), ``auto_now``/``auto_now_add`` fields the import's time, so the
    rows are what ``bulk_create`` would write. Dates, times and JSON are converted for the
    database; other values must already be what the column stores (ids, text, booleans).
    """

    def __init__(
        self, model: type, fields: Sequence[str], *, now: datetime, ignore_conflicts: bool = False
    ) -> None:
        meta = model._meta
        given = [meta.get_field(name) for name in fields]
        rest = column_defaults(model, fields, now=now)
        self.constants = [value for _, value in rest]
        self.converters = [
            (index, f)
            for index, f in enumerate(given)
            if f.get_internal_type() in ("DateField", "DateTimeField", "JSONField")
        ]
        quote = connection.ops.quote_name
        columns = [quote(f.column) for f in [*given, *(f for f, _ in rest)]]
        self.width = len(columns)
        self.prefix = f"INSERT INTO {quote(meta.db_table)} ({', '.join(columns)}) VALUES "
        self.suffix = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
        max_params = connection.features.max_query_params or 30_000
        self.rows_per_statement = max(1, min(1000, max_params // self.width))

    def insert(self, rows: Iterable[Sequence[Any]]) -> None:
        row_sql = "(" + ", ".join(["%s"] * self.width) + ")"
        with connection.cursor() as cursor:
            for chunk in _chunks(rows, self.rows_per_statement):
                params: list[Any] = []
                for row in chunk:
                    values = list(row)
                    for index, f in self.converters:
                        values[index] = f.get_db_prep_save(values[index], connection)
                    params.extend(values)
                    params.extend(self.constants)
                sql = self.prefix + ", ".join([row_sql] * len(chunk)) + self.suffix
                cursor.execute(sql, params)


_RECORD_COLUMNS = ["conversation", "outcome", *RECORD_FIELDS]


def _conversations_held(keys: Iterable[tuple[int, str]]) -> dict[tuple[int, str], tuple[int, date]]:
    """``(partnership id, external id) -> (id, date held)`` of the stored conversations."""
    by_partnership: dict[int, list[str]] = {}
    for partnership_id, external_id in keys:
        by_partnership.setdefault(partnership_id, []).append(external_id)
    found: dict[tuple[int, str], tuple[int, date]] = {}
    for partnership_id, ids in by_partnership.items():
        for chunk in _chunks(ids, _IN_CHUNK):
            for external_id, pk, held in Conversation.objects.filter(
                partnership_id=partnership_id, external_id__in=chunk
            ).values_list("external_id", "pk", "date_held"):
                found[(partnership_id, external_id)] = (pk, held)
    return found


def _cared_for(row: _Row, people: dict[tuple[int, str], int]) -> int | None:
    """Whom a carer's conversation is about: the line's ``cared_for_ref``."""
    return None if row.cared_for_ref is None else people[(row.partnership_id, row.cared_for_ref)]


def _write_batch(
    rows: list[_Row],
    *,
    people: dict[tuple[int, str], int],
    by: Any,
    reason: str,
    result: ImportResult,
    changes: Changes,
) -> None:
    """Write one batch of checked lines: a fixed number of statements per batch."""
    now = timezone.now()
    by_id = getattr(by, "pk", None)
    keys = [(row.partnership_id, row.external_id) for row in rows]
    held_before = _conversations_held(keys)
    existing = {key: pk for key, (pk, _) in held_before.items()}
    changes.update((partnership_id, held) for (partnership_id, _), (_, held) in held_before.items())
    changes.update((row.partnership_id, row.date_held) for row in rows)

    updated = [
        Conversation(
            pk=existing[key],
            subject_id=people[(row.partnership_id, row.ref)],
            subject_role=row.role,
            team_id=row.team_id,
            type=row.type,
            framework_version_id=row.version_id,
            date_held=row.date_held,
            interviewer=row.interviewer,
            status=row.status,
            completed_at=row.completed_at,
            cared_for_id=_cared_for(row, people),
            updated_by_id=by_id,
            updated_at=now,
        )
        for row, key in zip(rows, keys, strict=True)
        if key in existing
    ]
    if updated:
        _update_conversations(updated)
        _set_review_dates(
            [
                (row.review_due, existing[key])
                for row, key in zip(rows, keys, strict=True)
                if key in existing and row.review_due is not None
            ]
        )
        _set_who_answered(
            [
                (row.who, existing[key])
                for row, key in zip(rows, keys, strict=True)
                if key in existing and row.who is not None
            ]
        )
        _delete_content([c.pk for c in updated])
    new_rows = [row for row, key in zip(rows, keys, strict=True) if key not in existing]
    if new_rows:
        _Inserter(Conversation, CONVERSATION_COLUMNS, now=now).insert(
            (
                row.partnership_id,
                row.external_id,
                people[(row.partnership_id, row.ref)],
                row.role,
                row.team_id,
                row.type,
                row.version_id,
                row.date_held,
                row.interviewer,
                row.status,
                row.completed_at,
                row.review_due,
                _cared_for(row, people),
                *(row.who or NOBODY_SAID),
                by_id,
                by_id,
            )
            for row in new_rows
        )
    result.created += len(new_rows)
    result.updated += len(updated)
    made = _conversations_held((row.partnership_id, row.external_id) for row in new_rows)
    ids = existing | {key: pk for key, (pk, _) in made.items()}
    conversation_ids = [ids[key] for key in keys]

    _Inserter(OutcomeRecord, _RECORD_COLUMNS, now=now).insert(
        (
            conversation_id,
            item.outcome_id,
            item.matters,
            item.words,
            item.status,
            item.practitioner_status,
            item.carer_status,
            item.helping,
            item.barrier_words,
        )
        for row, conversation_id in zip(rows, conversation_ids, strict=True)
        for item in row.outcomes
    )
    record_ids: dict[tuple[int, int], int] = {}
    for chunk in _chunks(conversation_ids, _IN_CHUNK):
        for pk, conversation_id, outcome_id in OutcomeRecord.objects.filter(
            conversation_id__in=chunk
        ).values_list("pk", "conversation_id", "outcome_id"):
            record_ids[(conversation_id, outcome_id)] = pk
    contents = [
        (record_ids[(conversation_id, item.outcome_id)], item)
        for row, conversation_id in zip(rows, conversation_ids, strict=True)
        for item in row.outcomes
    ]
    _Inserter(OutcomeRecord.barriers.through, ["outcomerecord", "barriercode"], now=now).insert(
        (record_id, barrier_id) for record_id, item in contents for barrier_id in item.barrier_ids
    )
    _Inserter(OutcomeRecord.themes.through, ["outcomerecord", "theme"], now=now).insert(
        (record_id, theme_id) for record_id, item in contents for theme_id in item.theme_ids
    )
    _Inserter(OutcomeHelp, ["record", "kind"], now=now).insert(
        (record_id, kind) for record_id, item in contents for kind in item.helping_kinds
    )
    _Inserter(Action, ["record", "what"], now=now).insert(
        (record_id, item.actions) for record_id, item in contents if item.actions.strip()
    )
    _Inserter(Goal, ["record", "words", "status", "order"], now=now).insert(
        (record_id, words, status, order)
        for record_id, item in contents
        for order, (words, status) in enumerate(item.goals)
    )
    _Inserter(MeasureAnswer, ["conversation", "measure", "answer"], now=now).insert(
        (conversation_id, measure_id, answer)
        for row, conversation_id in zip(rows, conversation_ids, strict=True)
        for measure_id, answer in row.answers
    )
    allocations = {(people[(row.partnership_id, row.ref)], row.team_id) for row in rows}
    _Inserter(Person.teams.through, ["person", "team"], now=now, ignore_conflicts=True).insert(
        sorted(allocations)
    )
    links = {
        (people[(row.partnership_id, row.ref)], people[(row.partnership_id, row.cared_for_ref)])
        for row in rows
        if row.cared_for_ref is not None
    }
    _Inserter(
        Person.cares_for.through, ["from_person", "to_person"], now=now, ignore_conflicts=True
    ).insert(sorted(links))
    _Inserter(
        AuditEvent, ["user", "action", "person", "conversation", "reason", "changes"], now=now
    ).insert(
        (
            by_id,
            AuditAction.IMPORTED.value,
            people[(row.partnership_id, row.ref)],
            conversation_id,
            reason,
            {"import": [None, "updated" if key in existing else "created"]},
        )
        for row, key, conversation_id in zip(rows, keys, conversation_ids, strict=True)
    )


def conversations_write(
    plan: _Plan, lines: Iterable[str], *, batch_size: int, by: Any, reason: str
) -> tuple[ImportResult, Changes]:
    """Write the lines of a file ``conversations_check`` found good (``plan`` is what it
    learnt), ``batch_size`` lines at a time, inside the caller's transaction."""
    people, people_created = _people_apply(plan, batch_size=batch_size)
    result = ImportResult(people_created=people_created)
    changes: Changes = set()
    checker = _LineChecker(plan.lookups, timezone.localdate())
    rows = (row for _, row, _ in _parse(lines, checker) if row is not None)
    for batch in _chunks(rows, batch_size):
        _write_batch(batch, people=people, by=by, reason=reason, result=result, changes=changes)
    return result, changes
