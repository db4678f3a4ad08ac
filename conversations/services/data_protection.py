"""Keeping and letting go of data: backups and restores of the whole database, subject-access
reports (everything held about one person) and anonymisation (erasure, and retention).

Anonymisation removes a person's name, date of birth and every word recorded about them, and
keeps what reports count (measure answers, outcome and goal statuses, dates, teams), so a
national return produced before gives the same bytes after.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone

from conversations.access import staff_scope
from conversations.models import (
    Action,
    AuditAction,
    AuditEvent,
    Conversation,
    Goal,
    OutcomeRecord,
    Person,
    StaffRole,
)
from conversations.models.records import add_months

# What replaces a word that has been removed. Blank fields stay blank.
ANONYMISED_MARKER = "[removed]"

POSTGRES_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


# ---------------------------------------------------------------------------------------------
# Backup and restore


def database_engine(alias: str = "default") -> str:
    """``postgresql`` or ``sqlite``; anything else cannot be backed up here."""
    vendor = connections[alias].vendor
    if vendor not in {"postgresql", "sqlite"}:
        raise BackupError(f"Backups are made for PostgreSQL and SQLite, not {vendor}.")
    return vendor


def default_backup_path(*, alias: str = "default", now=None) -> Path:
    """``backups/outcomes-<YYYYmmdd-HHMMSS>.dump`` (PostgreSQL, custom format) or ``.sqlite3``."""
    moment = timezone.localtime(now or timezone.now())
    suffix = "dump" if database_engine(alias) == "postgresql" else "sqlite3"
    return Path(settings.BASE_DIR) / "backups" / f"outcomes-{moment:%Y%m%d-%H%M%S}.{suffix}"


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.parent.name))


def postgres_tool(name: str) -> str:
    """The newest ``pg_dump``/``pg_restore`` installed (Debian keeps each major version in
    ``/usr/lib/postgresql/<version>/bin``); a dump must be made by a version at least as new
    as the server's."""
    candidates = sorted(
        (p for p in Path("/usr/lib/postgresql").glob(f"*/bin/{name}") if os.access(p, os.X_OK)),
        key=lambda p: _version_key(p.parent),
    )
    if candidates:
        return str(candidates[-1])
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client (make system-deps).")
    return found


def _postgres_environment(alias: str) -> tuple[dict[str, str], str]:
    """Connection details for the PostgreSQL tools, passed in the environment so that the
    password never appears in a process list."""
    conf = connections[alias].settings_dict
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        if conf.get(key):
            env[variable] = str(conf[key])
    if conf.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(conf["OPTIONS"]["sslmode"])
    return env, conf["NAME"]


def _run(command: list[str], *, env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tool = Path(command[0]).name
        raise BackupError(f"{tool} failed: {result.stderr.strip() or result.returncode}")


def _file_kind(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head.startswith(POSTGRES_MAGIC):
        return "postgresql"
    if head == SQLITE_MAGIC:
        return "sqlite"
    return "unknown"


def _sqlite_outside_transaction(alias: str):
    """The SQLite connection, refused inside a transaction: the backup API would wait for
    that transaction's own locks for ever."""
    connection = connections[alias]
    if connection.in_atomic_block:
        raise BackupError("A SQLite backup or restore cannot run inside a transaction.")
    connection.ensure_connection()
    return connection


def database_backup(*, output: Path, alias: str = "default") -> Path:
    """Write a complete copy of the database to ``output``, readable only by its owner.

    PostgreSQL: ``pg_dump`` custom format (restore with ``pg_restore``). SQLite: the SQLite
    online backup API, a consistent copy even while the site is in use. The file appears
    only once it is complete."""
    engine = database_engine(alias)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if engine == "postgresql":
            env, name = _postgres_environment(alias)
            _run(
                [
                    postgres_tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={partial}",
                    f"--dbname={name}",
                ],
                env=env,
            )
        else:
            connection = _sqlite_outside_transaction(alias)
            target = sqlite3.connect(partial)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        os.chmod(partial, 0o600)
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    return output


def database_restore(*, source: Path, alias: str = "default") -> None:
    """Replace everything in the database with the backup in ``source``.

    PostgreSQL: ``pg_restore --clean`` in one transaction, so a failure leaves the database as
    it was. SQLite: the backup API copies the file over the database as a whole. A backup of
    the other engine, or a file that is not a backup, is refused before anything changes."""
    engine = database_engine(alias)
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"No backup file at {source}.")
    kind = _file_kind(source)
    if kind == "unknown":
        raise BackupError(f"{source} is not a PostgreSQL custom-format dump or a SQLite file.")
    if kind != engine:
        raise BackupError(f"{source} is a {kind} backup; this database is {engine}.")
    if engine == "postgresql":
        env, name = _postgres_environment(alias)
        connections[alias].close()
        _run(
            [
                postgres_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={name}",
                str(source),
            ],
            env=env,
        )
        return
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        (check,) = backup.execute("PRAGMA quick_check").fetchone()
        if check != "ok":
            raise BackupError(f"{source} is damaged: {check}")
        connection = _sqlite_outside_transaction(alias)
        backup.backup(connection.connection)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{source} could not be read: {error}") from error
    finally:
        backup.close()


def table_row_counts(*, alias: str = "default") -> dict[str, int]:
    """Rows in every table of the database, by table name (for the restore drill)."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


# ---------------------------------------------------------------------------------------------
# Subject access


def people_for_subject_access(user) -> QuerySet[Person]:
    """People whose whole record ``user`` may download: everyone in a partnership they lead.
    Practitioners and team leaders read only their teams' part of a record, so they cannot
    answer a subject-access request; for them, as for outsiders, the person is not found."""
    if not user.is_authenticated:
        return Person.objects.none()
    return Person.objects.filter(
        partnership__memberships__user=user,
        partnership__memberships__role=StaffRole.PARTNERSHIP_LEAD,
    ).distinct()


def may_answer_subject_access(user, person: Person) -> bool:
    """Whether ``people_for_subject_access(user)`` holds ``person``, answered from the
    memberships already read for the request (no query of its own)."""
    return person.partnership_id in staff_scope(user).lead_partnership_ids


def _staff(user) -> dict | None:
    if user is None:
        return None
    return {"username": user.get_username(), "name": user.get_full_name()}


def _conversation_data(conversation: Conversation) -> dict:
    return {
        "id": conversation.external_id,
        "type": conversation.type,
        "subject_role": conversation.subject_role,
        "date_held": conversation.date_held,
        "team": {"code": conversation.team.code, "name": conversation.team.name},
        "practitioner": _staff(conversation.practitioner),
        "framework": conversation.framework_version.framework.code,
        "framework_version": conversation.framework_version.version,
        "interviewer": conversation.interviewer,
        "took_part": {
            "person": conversation.with_person,
            "proxy": conversation.with_proxy,
            "advocate": conversation.with_advocate,
            "interpreter": conversation.with_interpreter,
            "carer": conversation.with_carer,
        },
        "answered_by": conversation.answered_by,
        "answered_by_relationship": conversation.answered_by_relationship,
        "language": conversation.language,
        "summary": conversation.summary,
        "follows": conversation.follows.external_id if conversation.follows else None,
        "status": conversation.status,
        "completed_at": conversation.completed_at,
        "completed_by": _staff(conversation.completed_by),
        "review_due": conversation.review_due,
        "reopen_reason": conversation.reopen_reason,
        "created_at": conversation.created_at,
        "updated_at": conversation.updated_at,
        "measures": {a.measure.code: a.answer for a in conversation.measure_answers.all()},
        "outcomes": [
            {
                "code": record.outcome.code,
                "label": record.outcome.label,
                "matters": record.matters,
                "words": record.words,
                "status": record.status,
                "practitioner_status": record.practitioner_status,
                "carer_status": record.carer_status,
                "helping": record.helping,
                "helping_kinds": [h.get_kind_display() for h in record.helps.all()],
                "barriers": sorted(b.code for b in record.barriers.all()),
                "barrier_words": record.barrier_words,
                "themes": [t.label for t in record.themes.all()],
                "goals": [{"words": g.words, "status": g.status} for g in record.goals.all()],
                "actions": [
                    {"what": a.what, "who": a.owner, "by": a.due} for a in record.actions.all()
                ],
            }
            for record in conversation.outcome_records.all()
        ],
    }


def subject_access_data(*, person: Person) -> dict:
    """Everything held about ``person``: details, every conversation with its outcome records
    (words, goals, actions), measure answers, and the audit of who read or changed the record
    (which fields changed, not their contents, which are in the conversations themselves).
    Dates and times are ``date``/``datetime`` values (``DjangoJSONEncoder`` writes them in ISO
    8601)."""
    conversations = (
        Conversation.objects.filter(subject=person)
        .select_related(
            "team", "practitioner", "completed_by", "follows", "framework_version__framework"
        )
        .prefetch_related(
            "measure_answers__measure",
            Prefetch(
                "outcome_records",
                queryset=OutcomeRecord.objects.select_related("outcome").prefetch_related(
                    "helps", "barriers", "themes", "goals", "actions"
                ),
            ),
        )
        .order_by("date_held", "pk")
    )
    events = (
        AuditEvent.objects.filter(Q(person=person) | Q(conversation__subject=person))
        .select_related("user", "conversation")
        .order_by("at", "pk")
    )
    return {
        "generated_at": timezone.now(),
        "person": {
            "ref": person.ref,
            "name": person.name,
            "date_of_birth": person.date_of_birth,
            "partnership": {"code": person.partnership.code, "name": person.partnership.name},
            "client_group": person.client_group.code,
            "is_carer": person.is_carer,
            "teams": [{"code": t.code, "name": t.name} for t in person.teams.order_by("code")],
            "cares_for": [p.ref for p in person.cares_for.order_by("ref")],
            "carers": [p.ref for p in person.carers.order_by("ref")],
            "created_at": person.created_at,
            "updated_at": person.updated_at,
        },
        "conversations": [_conversation_data(c) for c in conversations],
        "audit": [
            {
                "at": event.at,
                "user": _staff(event.user),
                "action": event.action,
                "description": event.get_action_display(),
                "conversation": event.conversation.external_id if event.conversation else None,
                "after_sign_off": event.after_sign_off,
                "reason": event.reason,
                "fields_changed": sorted(event.changes) if event.action == "changed" else [],
            }
            for event in events
        ],
    }


def subject_access_record(*, person: Person, by, format: str) -> AuditEvent:
    """Audit a subject-access download (``format`` is ``json`` or ``html``)."""
    return AuditEvent.objects.create(
        user=by,
        action=AuditAction.SUBJECT_ACCESS,
        person=person,
        changes={"format": format},
    )


# ---------------------------------------------------------------------------------------------
# Anonymisation: erasure on request, and retention


# Keys of ``AuditEvent.changes`` whose values are the person's words.
WORD_CHANGE_KEYS = ("summary",)
WORD_CHANGE_SUFFIXES = (".words", ".helping", ".barrier_words", ".actions", ".goals")


def retention_cutoff(*, today: date | None = None, years: int | None = None) -> date:
    """People whose last conversation was held before this day are past retention."""
    today = today or timezone.localdate()
    years = settings.RETENTION_YEARS if years is None else years
    return add_months(today, -12 * years)


def people_past_retention(*, today: date | None = None, years: int | None = None):
    """People whose last conversation was held before the retention cut-off, or, with no
    conversation at all, who were added before it. Annotates ``last_held``."""
    cutoff = retention_cutoff(today=today, years=years)
    added_before = timezone.make_aware(datetime.combine(cutoff, time.min))
    return (
        Person.objects.annotate(last_held=Max("conversations__date_held"))
        .filter(Q(last_held__lt=cutoff) | Q(last_held__isnull=True, created_at__lt=added_before))
        .select_related("partnership")
        .order_by("partnership__code", "ref")
    )


def _scrubbed(value):
    if isinstance(value, str):
        return ANONYMISED_MARKER if value.strip() else value
    if isinstance(value, list):
        return [_scrubbed(item) for item in value]
    return value


def _scrub_changes(changes: dict) -> dict:
    scrubbed = {}
    for key, value in changes.items():
        if key in WORD_CHANGE_KEYS or key.endswith(WORD_CHANGE_SUFFIXES):
            value = [_scrubbed(part) for part in value] if isinstance(value, list) else value
        scrubbed[key] = value
    return scrubbed


def _replace_words(queryset, field: str) -> int:
    return (
        queryset.exclude(**{field: ""})
        .exclude(**{field: ANONYMISED_MARKER})
        .update(**{field: ANONYMISED_MARKER})
    )


@dataclass(frozen=True)
class Anonymisation:
    person: Person
    removed: dict[str, int]

    @property
    def changed(self) -> bool:
        return any(self.removed.values())


@contextmanager
def _audit_rewrite_allowed():
    """On PostgreSQL the audit table refuses UPDATE (migration 0010) except while
    ``audit.anonymising`` is on: set it for the rewrite of old rows' words only, inside this
    transaction, and turn it off again straight after."""
    connection = connections[AuditEvent.objects.db]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('audit.anonymising', 'on', true)")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('audit.anonymising', 'off', true)")


@transaction.atomic
def person_anonymise(*, person: Person, by=None, reason: str) -> Anonymisation:
    """Remove ``person``'s name, date of birth and every word recorded about them (their
    words, what is helping, barriers in words, goals, actions, summaries, and those words in
    the audit's record of changes), keeping every status and answer that reports count.

    Idempotent: a person with nothing left to remove is left alone and no audit is written.
    ``removed`` counts what was removed, by field (never the words themselves)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    removed = {
        "name": int(person.name != ""),
        "date_of_birth": int(person.date_of_birth is not None),
    }
    if removed["name"] or removed["date_of_birth"]:
        person.name = ""
        person.date_of_birth = None
        person.save(update_fields=["name", "date_of_birth", "updated_at"])
    conversations = Conversation.objects.filter(subject=person)
    records = OutcomeRecord.objects.filter(conversation__subject=person)
    removed["summary"] = _replace_words(conversations, "summary")
    for field in ("words", "helping", "barrier_words"):
        removed[field] = _replace_words(records, field)
    removed["goals"] = _replace_words(Goal.objects.filter(record__in=records), "words")
    removed["actions"] = _replace_words(Action.objects.filter(record__in=records), "what")
    audit_scrubbed = 0
    with _audit_rewrite_allowed():
        for event in AuditEvent.objects.filter(Q(person=person) | Q(conversation__subject=person)):
            scrubbed = _scrub_changes(event.changes)
            if scrubbed != event.changes:
                event.changes = scrubbed
                event.save(update_fields=["changes"])
                audit_scrubbed += 1
    removed["audit_changes"] = audit_scrubbed
    result = Anonymisation(person=person, removed=removed)
    if result.changed:
        AuditEvent.objects.create(
            user=by,
            action=AuditAction.ANONYMISED,
            person=person,
            reason=reason,
            changes={"removed": {field: n for field, n in removed.items() if n}},
        )
    return result
