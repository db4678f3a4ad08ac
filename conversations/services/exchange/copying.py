"""Writing a conversations file on PostgreSQL at COPY speed.

While ``conversations_check`` reads the file, good lines are collected as COPY text, a chunk
of ``batch_size`` lines at a time. Each chunk is COPied (``copy_expert``) into TEMPORARY
staging tables, which nobody else sees and which vanish with the transaction, and written to
the real tables with a few set-based statements, parents before children, in a worker thread
while the main thread checks the next chunk: PostgreSQL's work and Python's overlap. The
result is the same rows as the batched writer in ``writing`` produces on SQLite (people,
conversations created and updated, outcome records with their barriers, actions and goals,
measure answers, team allocations, carer links, one audit event per conversation), new rows
in the same order. A file with any problem, found on any line or after the last one, writes
nothing: the transaction (or savepoint) is rolled back, chunks already written with it (the
only trace: sequence numbers used).

Foreign keys are checked as each statement ends rather than at commit, so that those checks
(one per row and key: PostgreSQL has no set-based check) run in the worker too, while lines
are being read. Where an update keeps an outcome record, an answer or an action, it is kept
or updated in place (same id) rather than deleted and inserted again: no one can see the
difference, and PostgreSQL checks no foreign key for it.

The file is read once. Memory holds two chunks of staged lines (``COPY_BATCH_SIZE``: one
being written, one being read) plus what the check keeps for the whole file (per line: its
id and date; per person: ref and group). After the transaction commits, the tables written
are ANALYZEd: autovacuum is slow to analyse small lookup tables after a bulk load, and stale
statistics flip query plans.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
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
from conversations.services.exchange.checking import _Row, conversations_check
from conversations.services.exchange.common import (
    CONVERSATION_COLUMNS,
    NOBODY_SAID,
    RECORD_FIELDS,
    WHO_ANSWERED_FIELDS,
    Changes,
    ConversationImportError,
    ImportResult,
    column_defaults,
)
from frameworks.models import Role

COPY_BATCH_SIZE = 20_000
# How much of a chunk's COPY text psycopg2 reads at a time.
_READ = 1 << 20

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_SPECIAL = re.compile(r"[\\\t\n\r]")
_NULL = "\\N"

# Staging tables: ``line`` (the line number) ties a line's parts to its conversation, ``seq``
# keeps the order the batched writer inserts them in (so ids follow the same order).
_STAGING = {
    "import_conversation": (
        "line integer NOT NULL, partnership_id bigint NOT NULL, external_id text NOT NULL, "
        "ref text NOT NULL, role text NOT NULL, team_id bigint NOT NULL, type text NOT NULL, "
        "version_id bigint NOT NULL, date_held date NOT NULL, interviewer text NOT NULL, "
        "status text NOT NULL, completed_at timestamptz, review_due date, cared_for_ref text, "
        "who_given boolean NOT NULL, answered_by text NOT NULL, "
        "answered_by_relationship text NOT NULL, language text NOT NULL, "
        "with_interpreter boolean NOT NULL, "
        "subject_id bigint, conversation_id bigint, held_before date, is_new boolean"
    ),
    "import_record": (
        "seq integer NOT NULL, line integer NOT NULL, outcome_id bigint NOT NULL, "
        "matters boolean NOT NULL, words text NOT NULL, status text NOT NULL, "
        "practitioner_status text NOT NULL, carer_status text NOT NULL, helping text NOT NULL, "
        "barrier_words text NOT NULL, actions text"
    ),
    "import_barrier": (
        "seq integer NOT NULL, line integer NOT NULL, outcome_id bigint NOT NULL, "
        "barrier_id bigint NOT NULL"
    ),
    "import_goal": (
        "seq integer NOT NULL, line integer NOT NULL, outcome_id bigint NOT NULL, "
        "words text NOT NULL, status text NOT NULL, position integer NOT NULL"
    ),
    "import_theme": (
        "seq integer NOT NULL, line integer NOT NULL, outcome_id bigint NOT NULL, "
        "theme_id bigint NOT NULL"
    ),
    "import_help": (
        "seq integer NOT NULL, line integer NOT NULL, outcome_id bigint NOT NULL, "
        "kind text NOT NULL"
    ),
    "import_answer": (
        "seq integer NOT NULL, line integer NOT NULL, measure_id bigint NOT NULL, "
        "answer text NOT NULL"
    ),
    "import_person": (
        "seq integer NOT NULL, partnership_id bigint NOT NULL, ref text NOT NULL, "
        "client_group_id bigint NOT NULL, is_carer boolean NOT NULL"
    ),
    "import_made_record": (
        "record_id bigint NOT NULL, line integer NOT NULL, outcome_id bigint NOT NULL, "
        "kept boolean NOT NULL"
    ),
    "import_gone_record": "record_id bigint NOT NULL",
    # Carer links wait for the last chunk: a carer may care for someone a later line names.
    "import_link": (
        "subject_id bigint NOT NULL, conversation_id bigint NOT NULL, "
        "partnership_id bigint NOT NULL, ref text NOT NULL"
    ),
}
# Emptied after each chunk is written.
_CHUNK_TABLES = [name for name in _STAGING if name != "import_link"]
_COPIED = {
    "import_conversation": (
        "line, partnership_id, external_id, ref, role, team_id, type, version_id, date_held, "
        "interviewer, status, completed_at, review_due, cared_for_ref, who_given, "
        + ", ".join(WHO_ANSWERED_FIELDS)
    ),
    "import_record": (
        "seq, line, outcome_id, matters, words, status, practitioner_status, carer_status, "
        "helping, barrier_words, actions"
    ),
    "import_barrier": "seq, line, outcome_id, barrier_id",
    "import_goal": "seq, line, outcome_id, words, status, position",
    "import_theme": "seq, line, outcome_id, theme_id",
    "import_help": "seq, line, outcome_id, kind",
    "import_answer": "seq, line, measure_id, answer",
    "import_person": "seq, partnership_id, ref, client_group_id, is_carer",
}


def _text(value: str) -> str:
    # Most text needs no escape; finding that out is several times faster than translating.
    return value.translate(_ESCAPES) if _SPECIAL.search(value) else value


def _or_null(value: Any) -> str:
    if value is None:
        return _NULL
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def _flag(value: bool) -> str:
    return "t" if value else "f"


def _who_columns(who: tuple[str, str, str, bool]) -> tuple[str, str, str, str]:
    answered_by, relationship, language, interpreter = who
    return answered_by, _text(relationship), _text(language), _flag(interpreter)


class _Reader:
    """A chunk's COPY text as the file ``copy_expert`` reads: a slice at a time, where
    ``io.StringIO`` would first copy it all (at four bytes a character once it meets one
    that is not Latin-1)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def read(self, size: int = -1) -> str:
        end = len(self.text) if size < 0 else self.at + size
        part = self.text[self.at : end]
        self.at += len(part)
        return part


class _Stager:
    """Collects checked lines as COPY text and hands each chunk of ``batch_size`` lines, with
    the people it names first, to ``send``."""

    def __init__(self, send: Callable[[dict[str, str]], None], *, batch_size: int) -> None:
        self.send = send
        self.batch_size = batch_size
        self.lines = 0
        self.seq = 0
        self.buffers: dict[str, list[str]] = {name: [] for name in _COPIED}
        # (partnership id, ref) -> [order, client group id, is carer] for this chunk's subjects
        self.people: dict[tuple[int, str], list] = {}

    def add(self, row: _Row) -> None:
        line = row.line_number
        self.buffers["import_conversation"].append(
            "\t".join(
                (
                    str(line),
                    str(row.partnership_id),
                    _text(row.external_id),
                    _text(row.ref),
                    row.role,
                    str(row.team_id),
                    row.type,
                    str(row.version_id),
                    row.date_held.isoformat(),
                    row.interviewer,
                    row.status,
                    _or_null(row.completed_at),
                    _or_null(row.review_due),
                    _or_null(row.cared_for_ref),
                    _flag(row.who is not None),
                    *_who_columns(row.who or NOBODY_SAID),
                )
            )
        )
        records = self.buffers["import_record"]
        barriers = self.buffers["import_barrier"]
        goals = self.buffers["import_goal"]
        themes = self.buffers["import_theme"]
        helps = self.buffers["import_help"]
        for item in row.outcomes:
            self.seq += 1
            outcome = str(item.outcome_id)
            records.append(
                f"{self.seq}\t{line}\t{outcome}\t{_flag(item.matters)}\t{_text(item.words)}\t"
                f"{item.status}\t{item.practitioner_status}\t{item.carer_status}\t"
                f"{_text(item.helping)}\t"
                f"{_text(item.barrier_words)}\t"
                # An action only when there are words, as the batched writer decides it.
                f"{_text(item.actions) if item.actions.strip() else _NULL}"
            )
            for barrier_id in item.barrier_ids:
                self.seq += 1
                barriers.append(f"{self.seq}\t{line}\t{outcome}\t{barrier_id}")
            for position, (words, status) in enumerate(item.goals):
                self.seq += 1
                goals.append(f"{self.seq}\t{line}\t{outcome}\t{_text(words)}\t{status}\t{position}")
            for theme_id in item.theme_ids:
                self.seq += 1
                themes.append(f"{self.seq}\t{line}\t{outcome}\t{theme_id}")
            for kind in item.helping_kinds:
                self.seq += 1
                helps.append(f"{self.seq}\t{line}\t{outcome}\t{kind}")
        answers = self.buffers["import_answer"]
        for measure_id, answer in row.answers:
            self.seq += 1
            answers.append(f"{self.seq}\t{line}\t{measure_id}\t{answer}")
        person = self.people.get((row.partnership_id, row.ref))
        if person is None:
            self.people[(row.partnership_id, row.ref)] = [
                len(self.people),
                row.client_group_id,
                row.role == Role.CARER,
            ]
        elif row.role == Role.CARER:
            person[2] = True
        self.lines += 1
        if self.lines % self.batch_size == 0:
            self.flush()

    def flush(self) -> None:
        """Hand over the chunk: its subjects in the order it first names them (a person the
        file first names in this chunk takes the client group of that line)."""
        if not self.buffers["import_conversation"]:
            return
        self.buffers["import_person"] = [
            f"{order}\t{partnership_id}\t{_text(ref)}\t{group_id}\t{_flag(is_carer)}"
            for (partnership_id, ref), (order, group_id, is_carer) in self.people.items()
        ]
        texts = {
            name: "\n".join(rows) + "\n" if rows else "" for name, rows in self.buffers.items()
        }
        self.buffers = {name: [] for name in _COPIED}
        self.people = {}
        self.send(texts)


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _insert_select(
    model: type[Model], given: Sequence[str], values: str, rest: str, *, now: datetime
) -> tuple[str, list[Any]]:
    """``INSERT INTO <model> (<given>, <other columns>) SELECT <values>, <their defaults>
    <rest>`` and the parameters for the defaults, which follow any in ``values``: the other
    columns get what ``bulk_create`` would give them."""
    quote = connection.ops.quote_name
    meta = model._meta
    defaults = column_defaults(model, given, now=now)
    columns = [quote(meta.get_field(name).column) for name in given]
    columns += [quote(f.column) for f, _ in defaults]
    selected = [values, *(f"CAST(%s AS {f.cast_db_type(connection)})" for f, _ in defaults)]
    sql = f"INSERT INTO {_table(model)} ({', '.join(columns)}) SELECT {', '.join(selected)} {rest}"
    return sql, [value for _, value in defaults]


def _write(cursor: Any, *, by_id: int | None, reason: str, now: datetime) -> tuple[int, int, int]:
    """Write the real tables from the staging tables (one chunk of the file), parents before
    children; ``(created, updated, people created)``."""
    person, conversation = _table(Person), _table(Conversation)
    record, measure_answer = _table(OutcomeRecord), _table(MeasureAnswer)
    through = _table(OutcomeRecord.barriers.through)
    # Temporary tables are never analysed by autovacuum; without statistics the planner
    # joins them with nested loops, which grows with the square of the file.
    for name in _COPIED:
        cursor.execute(f"ANALYZE {name}")

    # People the file introduces, in the order it names them; known people become carers.
    sql, params = _insert_select(
        Person,
        ["partnership", "ref", "client_group", "is_carer"],
        "s.partnership_id, s.ref, s.client_group_id, s.is_carer",
        "FROM import_person s "
        f"WHERE NOT EXISTS (SELECT FROM {person} p WHERE p.partnership_id = s.partnership_id "
        "AND p.ref = s.ref) ORDER BY s.seq",
        now=now,
    )
    cursor.execute(sql, params)
    people_created = cursor.rowcount
    cursor.execute(
        f"UPDATE {person} p SET is_carer = true, updated_at = %s FROM import_person s "
        "WHERE p.partnership_id = s.partnership_id AND p.ref = s.ref AND s.is_carer "
        "AND NOT p.is_carer",
        [now],
    )
    cursor.execute(
        f"UPDATE import_conversation s SET subject_id = p.id FROM {person} p "
        "WHERE p.partnership_id = s.partnership_id AND p.ref = s.ref"
    )
    cursor.execute(
        f"UPDATE import_conversation s SET conversation_id = c.id, held_before = c.date_held "
        f"FROM {conversation} c "
        "WHERE c.partnership_id = s.partnership_id AND c.external_id = s.external_id"
    )
    cursor.execute("UPDATE import_conversation SET is_new = conversation_id IS NULL")
    cursor.execute("ANALYZE import_conversation")

    # Conversations already held: the file's fields, revision up by one, content replaced.
    cursor.execute(
        f"UPDATE {conversation} c SET subject_id = s.subject_id, subject_role = s.role, "
        "team_id = s.team_id, type = s.type, framework_version_id = s.version_id, "
        "date_held = s.date_held, interviewer = s.interviewer, status = s.status, "
        "completed_at = s.completed_at, review_due = COALESCE(s.review_due, c.review_due), "
        # Whom a carer's conversation is about: set with the carers' links (``_link_carers``).
        "cared_for_id = NULL, "
        + "".join(
            f"{name} = CASE WHEN s.who_given THEN s.{name} ELSE c.{name} END, "
            for name in WHO_ANSWERED_FIELDS
        )
        + "updated_at = %s, updated_by_id = %s, revision = c.revision + 1 "
        "FROM import_conversation s WHERE c.id = s.conversation_id AND NOT s.is_new",
        [now, by_id],
    )
    updated = cursor.rowcount
    # New conversations, in line order.
    sql, params = _insert_select(
        Conversation,
        CONVERSATION_COLUMNS,
        "s.partnership_id, s.external_id, s.subject_id, s.role, s.team_id, s.type, "
        "s.version_id, s.date_held, s.interviewer, s.status, s.completed_at, s.review_due, "
        "CAST(NULL AS bigint), "  # cared_for: set by ``_link_carers``
        + "".join(f"s.{name}, " for name in WHO_ANSWERED_FIELDS)
        + "CAST(%s AS bigint), CAST(%s AS bigint)",
        "FROM import_conversation s WHERE s.is_new "
        "ORDER BY s.line RETURNING id, partnership_id, external_id",
        now=now,
    )
    cursor.execute(
        f"WITH made AS ({sql}) UPDATE import_conversation s SET conversation_id = made.id "
        "FROM made WHERE s.partnership_id = made.partnership_id "
        "AND s.external_id = made.external_id",
        [by_id, by_id, *params],
    )
    created = cursor.rowcount

    # Outcome records. An updated conversation keeps (and updates in place, when the file
    # changes it) the record of each outcome the file still lists and loses the others: the
    # same rows as replacing them all, without a foreign-key check for every one.
    cursor.execute(
        f"INSERT INTO import_gone_record (record_id) SELECT r.id FROM {record} r "
        "JOIN import_conversation s ON r.conversation_id = s.conversation_id "
        "WHERE NOT s.is_new AND NOT EXISTS (SELECT FROM import_record i "
        "WHERE i.line = s.line AND i.outcome_id = r.outcome_id)"
    )
    for table, column in (
        (through, "outcomerecord_id"),
        (_table(OutcomeRecord.themes.through), "outcomerecord_id"),
        (_table(OutcomeHelp), "record_id"),
        (_table(Action), "record_id"),
        (_table(Goal), "record_id"),
        (record, "id"),
    ):
        cursor.execute(
            f"DELETE FROM {table} t USING import_gone_record g WHERE t.{column} = g.record_id"
        )
    cursor.execute(
        "INSERT INTO import_made_record (record_id, line, outcome_id, kept) "
        f"SELECT r.id, s.line, r.outcome_id, true FROM import_conversation s JOIN {record} r "
        "ON r.conversation_id = s.conversation_id WHERE NOT s.is_new"
    )
    cursor.execute("ANALYZE import_made_record")
    fields = RECORD_FIELDS
    cursor.execute(
        f"UPDATE {record} r SET ({', '.join(fields)}) = ({', '.join(f'i.{f}' for f in fields)}) "
        "FROM import_made_record m JOIN import_record i "
        "ON i.line = m.line AND i.outcome_id = m.outcome_id "
        f"WHERE r.id = m.record_id AND ({', '.join(f'r.{f}' for f in fields)}) "
        f"IS DISTINCT FROM ({', '.join(f'i.{f}' for f in fields)})"
    )
    sql, params = _insert_select(
        OutcomeRecord,
        ["conversation", "outcome", *RECORD_FIELDS],
        "s.conversation_id, r.outcome_id, " + ", ".join(f"r.{f}" for f in RECORD_FIELDS),
        "FROM import_record r JOIN import_conversation s ON s.line = r.line "
        # Kept records are all of updated conversations: a new one has none.
        "WHERE NOT EXISTS (SELECT FROM import_made_record m "
        "WHERE m.line = r.line AND m.outcome_id = r.outcome_id) ORDER BY r.seq "
        "RETURNING id, conversation_id, outcome_id",
        now=now,
    )
    cursor.execute(
        f"WITH made AS ({sql}) "
        "INSERT INTO import_made_record (record_id, line, outcome_id, kept) "
        "SELECT made.id, s.line, made.outcome_id, false FROM made "
        "JOIN import_conversation s ON s.conversation_id = made.conversation_id",
        params,
    )
    cursor.execute("ANALYZE import_made_record")

    # Barriers: a kept record loses those the file no longer gives and gains the new ones.
    cursor.execute(
        f"DELETE FROM {through} t USING import_made_record m "
        "WHERE m.kept AND t.outcomerecord_id = m.record_id AND NOT EXISTS "
        "(SELECT FROM import_barrier b WHERE b.line = m.line AND b.outcome_id = m.outcome_id "
        "AND b.barrier_id = t.barriercode_id)"
    )
    sql, params = _insert_select(
        OutcomeRecord.barriers.through,
        ["outcomerecord", "barriercode"],
        "m.record_id, b.barrier_id",
        "FROM import_barrier b JOIN import_made_record m "
        "ON m.line = b.line AND m.outcome_id = b.outcome_id "
        f"WHERE NOT m.kept OR NOT EXISTS (SELECT FROM {through} t "
        "WHERE t.outcomerecord_id = m.record_id AND t.barriercode_id = b.barrier_id) "
        "ORDER BY b.seq",
        now=now,
    )
    cursor.execute(sql, params)

    # Actions and goals of kept records are replaced (the file holds at most one action a
    # record, and goals in order). A kept record whose one action is already exactly the
    # row the file's words would make keeps it: the same rows, without writing (and
    # checking the foreign key of) every action again when a file is imported again.
    action = _table(Action)
    quote = connection.ops.quote_name
    defaults = column_defaults(Action, ["record", "what"], now=now)
    same = " AND ".join(
        ["r.actions IS NOT NULL", "t.what = r.actions"]
        + [f"t.{quote(f.column)} IS NOT DISTINCT FROM %s" for f, _ in defaults]
        + [f"NOT EXISTS (SELECT FROM {action} o WHERE o.record_id = t.record_id AND o.id <> t.id)"]
    )
    cursor.execute(
        f"DELETE FROM {action} t USING import_made_record m JOIN import_record r "
        "ON r.line = m.line AND r.outcome_id = m.outcome_id "
        f"WHERE m.kept AND t.record_id = m.record_id AND NOT COALESCE({same}, false)",
        [value for _, value in defaults],
    )
    cursor.execute(
        f"DELETE FROM {_table(Goal)} t USING import_made_record m "
        "WHERE m.kept AND t.record_id = m.record_id"
    )
    sql, params = _insert_select(
        Action,
        ["record", "what"],
        "m.record_id, r.actions",
        "FROM import_record r JOIN import_made_record m "
        "ON m.line = r.line AND m.outcome_id = r.outcome_id WHERE r.actions IS NOT NULL "
        f"AND (NOT m.kept OR NOT EXISTS (SELECT FROM {action} x WHERE x.record_id = m.record_id)) "
        "ORDER BY r.seq",
        now=now,
    )
    cursor.execute(sql, params)
    sql, params = _insert_select(
        Goal,
        ["record", "words", "status", "order"],
        "m.record_id, g.words, g.status, g.position",
        "FROM import_goal g "
        "JOIN import_made_record m ON m.line = g.line AND m.outcome_id = g.outcome_id "
        "ORDER BY g.seq",
        now=now,
    )
    cursor.execute(sql, params)

    # Themes and kinds of help of kept records are replaced by what the file gives.
    for model, staged, columns, selected in (
        (OutcomeRecord.themes.through, "import_theme", ["outcomerecord", "theme"], "x.theme_id"),
        (OutcomeHelp, "import_help", ["record", "kind"], "x.kind"),
    ):
        column = "outcomerecord_id" if model is not OutcomeHelp else "record_id"
        cursor.execute(
            f"DELETE FROM {_table(model)} t USING import_made_record m "
            f"WHERE m.kept AND t.{column} = m.record_id"
        )
        sql, params = _insert_select(
            model,
            columns,
            f"m.record_id, {selected}",
            f"FROM {staged} x "
            "JOIN import_made_record m ON m.line = x.line AND m.outcome_id = x.outcome_id "
            "ORDER BY x.seq",
            now=now,
        )
        cursor.execute(sql, params)

    # Measure answers: those the file no longer gives go, changed ones change, new ones come.
    cursor.execute(
        f"DELETE FROM {measure_answer} a USING import_conversation s "
        "WHERE a.conversation_id = s.conversation_id AND NOT s.is_new AND NOT EXISTS "
        "(SELECT FROM import_answer i WHERE i.line = s.line AND i.measure_id = a.measure_id)"
    )
    cursor.execute(
        f"UPDATE {measure_answer} a SET answer = i.answer "
        "FROM import_answer i JOIN import_conversation s ON s.line = i.line "
        "WHERE NOT s.is_new AND a.conversation_id = s.conversation_id "
        "AND a.measure_id = i.measure_id AND a.answer <> i.answer"
    )
    sql, params = _insert_select(
        MeasureAnswer,
        ["conversation", "measure", "answer"],
        "s.conversation_id, a.measure_id, a.answer",
        "FROM import_answer a JOIN import_conversation s ON s.line = a.line "
        f"WHERE s.is_new OR NOT EXISTS (SELECT FROM {measure_answer} x "
        "WHERE x.conversation_id = s.conversation_id AND x.measure_id = a.measure_id) "
        "ORDER BY a.seq",
        now=now,
    )
    cursor.execute(sql, params)

    # Every subject allocated to the conversation's team (allocations only added).
    sql, params = _insert_select(
        Person.teams.through,
        ["person", "team"],
        "DISTINCT s.subject_id, s.team_id",
        "FROM import_conversation s ORDER BY 1, 2 ON CONFLICT DO NOTHING",
        now=now,
    )
    cursor.execute(sql, params)
    cursor.execute(
        "INSERT INTO import_link (subject_id, conversation_id, partnership_id, ref) "
        "SELECT subject_id, conversation_id, partnership_id, cared_for_ref "
        "FROM import_conversation WHERE cared_for_ref IS NOT NULL"
    )

    # One audit event per conversation, in line order.
    sql, params = _insert_select(
        AuditEvent,
        ["user", "action", "person", "conversation", "reason", "changes"],
        "CAST(%s AS integer), CAST(%s AS varchar), s.subject_id, s.conversation_id, "
        "CAST(%s AS text), CASE WHEN s.is_new THEN CAST(%s AS jsonb) ELSE CAST(%s AS jsonb) END",
        "FROM import_conversation s ORDER BY s.line",
        now=now,
    )
    cursor.execute(
        sql,
        [
            by_id,
            AuditAction.IMPORTED.value,
            reason,
            '{"import": [null, "created"]}',
            '{"import": [null, "updated"]}',
            *params,
        ],
    )
    return created, updated, people_created


def _link_carers(cursor: Any, *, now: datetime) -> None:
    """Each carer linked to the person they care for, and each carer's conversation to whom
    it is about, once every chunk is written (links are only ever added)."""
    sql, params = _insert_select(
        Person.cares_for.through,
        ["from_person", "to_person"],
        "DISTINCT l.subject_id, p.id",
        f"FROM import_link l JOIN {_table(Person)} p "
        "ON p.partnership_id = l.partnership_id AND p.ref = l.ref ORDER BY 1, 2 "
        "ON CONFLICT DO NOTHING",
        now=now,
    )
    cursor.execute(sql, params)
    cursor.execute(
        f"UPDATE {_table(Conversation)} c SET cared_for_id = p.id FROM import_link l "
        f"JOIN {_table(Person)} p ON p.partnership_id = l.partnership_id AND p.ref = l.ref "
        "WHERE c.id = l.conversation_id"
    )


class _ChunkWriter:
    """Writes each staged chunk in a worker thread while the main thread checks the next
    one, so that PostgreSQL's work (writes and their foreign-key checks) and Python's
    (reading and checking lines) overlap. At most one chunk is being written at a time.

    The worker uses this transaction's own database connection (psycopg2 releases Python's
    lock while PostgreSQL works); the main thread does not touch the database meanwhile:
    ``wait`` is called before it does. A chunk written before a later line turns out bad is
    undone with the rest when the transaction rolls back."""

    def __init__(self, *, by_id: int | None, reason: str, now: datetime) -> None:
        connection.ensure_connection()
        self.raw = connection.connection
        self.by_id, self.reason, self.now = by_id, reason, now
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-writer")
        self.pending: Future | None = None
        self.created = self.updated = self.people_created = 0
        self.changes: Changes = set()

    def send(self, texts: dict[str, str]) -> None:
        self.wait()
        self.pending = self.executor.submit(self._write_chunk, texts)

    def wait(self) -> None:
        """Until the chunk being written is written; raises what writing it raised."""
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.result()

    def close(self) -> None:
        try:
            self.wait()
        finally:
            self.executor.shutdown(wait=True)

    def _write_chunk(self, texts: dict[str, str]) -> None:
        with self.raw.cursor() as cursor:
            for name, text in texts.items():
                if text:
                    cursor.copy_expert(
                        f"COPY {name} ({_COPIED[name]}) FROM STDIN", _Reader(text), size=_READ
                    )
            created, updated, people_created = _write(
                cursor, by_id=self.by_id, reason=self.reason, now=self.now
            )
            cursor.execute(
                "SELECT partnership_id, date_held FROM import_conversation UNION "
                "SELECT partnership_id, held_before FROM import_conversation "
                "WHERE held_before IS NOT NULL"
            )
            self.changes.update(cursor.fetchall())
            cursor.execute(f"TRUNCATE {', '.join(_CHUNK_TABLES)}")
        self.created += created
        self.updated += updated
        self.people_created += people_created


def _analyze(tables: Iterable[str]) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


_WRITTEN: list[type[Model]] = [
    Person,
    Person.teams.through,
    Person.cares_for.through,
    Conversation,
    OutcomeRecord,
    OutcomeRecord.barriers.through,
    OutcomeRecord.themes.through,
    OutcomeHelp,
    Action,
    Goal,
    MeasureAnswer,
    AuditEvent,
]


def conversations_copy(
    lines: Iterable[str], *, batch_size: int, by: Any, reason: str
) -> tuple[ImportResult, Changes]:
    """Check every line while staging it, writing each chunk as soon as it is staged, then
    link carers (PostgreSQL only), in the caller's transaction. Raises
    ``ConversationImportError`` when any line is bad: what was written goes with the
    rolled-back transaction (or savepoint), and so do the staging tables.

    Foreign keys are checked as each statement ends (``SET CONSTRAINTS ALL IMMEDIATE``; the
    rows are written parents first), so that PostgreSQL checks them while the next chunk is
    being read instead of all at once at commit; deferred checking is set back afterwards."""
    by_id = getattr(by, "pk", None)
    now = timezone.now()
    with connection.cursor() as cursor:
        for name, columns in _STAGING.items():
            cursor.execute(f"CREATE TEMPORARY TABLE {name} ({columns}) ON COMMIT DROP")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    writer = _ChunkWriter(by_id=by_id, reason=reason, now=now)
    stager = _Stager(writer.send, batch_size=batch_size)
    try:
        check = conversations_check(lines, on_row=stager.add, on_lines_read=writer.wait)
        if not check.problems:
            stager.flush()
    finally:
        writer.close()
    with connection.cursor() as cursor:
        if not check.problems:
            _link_carers(cursor, now=now)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(f"DROP TABLE {', '.join(_STAGING)}")
    if check.problems:
        raise ConversationImportError(check.problems)
    tables = [_table(model) for model in _WRITTEN]
    transaction.on_commit(lambda: _analyze(tables))
    result = ImportResult(
        created=writer.created, updated=writer.updated, people_created=writer.people_created
    )
    return result, writer.changes
