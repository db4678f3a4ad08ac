"""Bulk-create N realistic conversations for the reporting benchmark, fast.

A benchmark data generator, never product code. It writes straight into the tables: ids are set
here, so an outcome record names its conversation without a round trip; PostgreSQL gets
``COPY`` from in-memory buffers, SQLite ``executemany`` inside one transaction with journaling
and syncing off. Then the statistics of every table are refreshed (``VACUUM`` and ``ANALYZE``
on PostgreSQL, ``ANALYZE`` on SQLite), as after any bulk load: autovacuum would get round to
the big tables, but may never analyse the small ones.

What it makes, from one seed, for the last eight financial quarters up to the latest complete
one plus the current quarter so far:

- ``partnerships`` partnerships (``GEN-01`` …) with ``teams`` teams each and three practitioners
  per team;
- about ``n / 6`` people (named from two short lists of invented names), a fifth of them
  unpaid carers each looking after a person who uses services in the same partnership; one
  team each (some two);
- each person's conversations in date order: an assessment then a support plan, or reviews
  (most), about six each over the two years; ~95% signed off (recent ones more often drafts);
  an independent interviewer for one in ten; mostly the newest framework version of the
  person's role (users 2012, carers 2013), some the earlier one (2007, 2008);
- four to eight outcome records a conversation, most mattering with a few words, a status at
  review, and a barrier or two on a share of the records not (fully) achieved;
- an answer to each national-measure question asked of the role (NM1–NM3 users, NM2 and NM4
  carers): yes, partly, no or not answered.
"""

from __future__ import annotations

import io
import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

SEED = 20261122
PREFIX = "GEN"
QUARTERS = 8
CHUNK_CONVERSATIONS = 20_000
MEAN_CONVERSATIONS_PER_PERSON = 6

WORDS = (
    "Get to the shops on my own",
    "See my grandchildren more",
    "Feel safe at night",
    "Keep up the garden",
    "Not rely on my daughter",
    "Back to the lunch club",
    "Someone to talk to",
    "Manage my tablets",
    "A break now and then",
    "Sleep through the night",
)
STATUS_WEIGHTS = (
    ("achieved", 40),
    ("partly_achieved", 30),
    ("not_achieved", 20),
    ("not_applicable", 10),
)
ANSWER_WEIGHTS = (("yes", 50), ("partly", 20), ("no", 15), ("not_answered", 15))
# Invented names, 400 combinations: a name fragment finds about one person in twenty.
FIRST_NAMES = (
    "Ailsa", "Angus", "Bethany", "Callum", "Catriona", "Duncan", "Eilidh", "Fraser",
    "Fiona", "Gregor", "Isla", "Jamie", "Kirsty", "Lachlan", "Morag", "Niall",
    "Rhona", "Ruaridh", "Shona", "Torquil",
)  # fmt: skip
SURNAMES = (
    "Anderson", "Buchanan", "Campbell", "Douglas", "Ferguson", "Gillespie", "Hamilton",
    "Johnstone", "Kerr", "Lindsay", "Mackenzie", "Munro", "Paterson", "Rennie", "Sinclair",
    "Stewart", "Thomson", "Urquhart", "Wallace", "Young",
)  # fmt: skip


@dataclass
class Generated:
    """What was written, and how long it took."""

    partnerships: list[str]
    first_day: date
    last_day: date
    conversations: int = 0
    people: int = 0
    outcome_records: int = 0
    barriers: int = 0
    answers: int = 0
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Reference:
    """Framework ids the rows point at, read once from the migrated database."""

    current_version: dict[str, int]  # role -> newest published version
    old_version: dict[str, int]  # role -> the version before it
    outcomes: dict[int, list[int]]  # version -> outcome ids
    measures: dict[str, list[int]]  # role -> measure ids asked of it
    barriers: list[int]
    user_groups: list[int]
    carer_groups: list[int]


def person_name(person_id: int) -> str:
    """The generated name of person ``person_id`` (a function of the id, so the random stream
    and therefore the rest of the data set do not depend on it)."""
    first = FIRST_NAMES[person_id % len(FIRST_NAMES)]
    return f"{first} {SURNAMES[person_id // len(FIRST_NAMES) % len(SURNAMES)]}"


def _name_sql(expression: str, names: Sequence[str]) -> str:
    whens = " ".join(f"WHEN {i} THEN '{name}'" for i, name in enumerate(names))
    return f"CASE {expression} {whens} END"


def name_people() -> int:
    """Give the generated people still without a name (a data set generated before names were)
    the names ``person_name`` gives, in one UPDATE; the number of people named."""
    from django.db import connection

    k, m = len(FIRST_NAMES), len(SURNAMES)
    first = _name_sql(f"id % {k}", FIRST_NAMES)
    name = f"{first} || ' ' || {_name_sql(f'(id / {k}) % {m}', SURNAMES)}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE conversations_person SET name = {name} WHERE name = '' AND partnership_id IN "
            f"(SELECT id FROM conversations_partnership WHERE code LIKE '{PREFIX}-%')"
        )
        named = cursor.rowcount
        if named and connection.vendor == "postgresql":
            cursor.execute("ANALYZE conversations_person")
    return named


def _reference() -> Reference:
    from frameworks.models import BarrierCode, ClientGroup, FrameworkVersion, Measure, Outcome

    current: dict[str, int] = {}
    old: dict[str, int] = {}
    for role in ("user", "carer"):
        versions = list(
            FrameworkVersion.objects.filter(framework__role=role, published=True)
            .order_by("version")
            .values_list("pk", flat=True)
        )
        current[role] = versions[-1]
        old[role] = versions[-2] if len(versions) > 1 else versions[-1]
    outcomes: dict[int, list[int]] = {}
    for version_id, outcome_id in Outcome.objects.order_by("order").values_list("version_id", "pk"):
        outcomes.setdefault(version_id, []).append(outcome_id)
    groups = dict(ClientGroup.objects.values_list("code", "pk"))
    carer_group = groups.get("carer_support")
    return Reference(
        current_version=current,
        old_version=old,
        outcomes=outcomes,
        measures={
            role: list(Measure.objects.for_role(role).values_list("pk", flat=True))
            for role in ("user", "carer")
        },
        barriers=list(BarrierCode.objects.values_list("pk", flat=True)),
        user_groups=[pk for code, pk in groups.items() if code != "carer_support"],
        carer_groups=[carer_group] if carer_group else list(groups.values()),
    )


# --- writing rows ----------------------------------------------------------------------------


class Writer:
    """Buffers rows per table and writes them in bulk. ``true``/``false``/``null`` are the
    values to put in a row for this database."""

    true: Any = True
    false: Any = False
    null: Any = None

    def __init__(self, connection) -> None:
        self.connection = connection
        self.rows: dict[str, list[tuple]] = {}
        self.columns: dict[str, Sequence[str]] = {}
        self.written: dict[str, int] = {}

    def table(self, name: str, columns: Sequence[str]) -> Callable[[tuple], None]:
        self.columns[name] = columns
        self.rows[name] = []
        self.written.setdefault(name, 0)
        return self.rows[name].append

    def timestamp(self, moment: datetime) -> str:
        raise NotImplementedError

    def flush(self) -> None:
        for name, rows in self.rows.items():
            if rows:
                self._write(name, self.columns[name], rows)
                self.written[name] += len(rows)
                rows.clear()

    def _write(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        raise NotImplementedError

    def start(self) -> None:
        pass

    def finish(self) -> None:
        pass


class PostgresWriter(Writer):
    true, false, null = "t", "f", "\\N"

    def timestamp(self, moment: datetime) -> str:
        return f"{moment:%Y-%m-%d %H:%M:%S}+00"

    def _write(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        # Every text value comes from this module's own word lists: no tab, newline or
        # backslash to escape.
        buffer = io.StringIO("\n".join("\t".join(map(str, row)) for row in rows) + "\n")
        with self.connection.cursor() as cursor:
            cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)

    def flush(self) -> None:
        # One transaction a chunk: the deferred foreign-key checks run at each commit.
        from django.db import transaction

        with transaction.atomic():
            super().flush()

    def finish(self) -> None:
        from django.apps import apps
        from django.core.management.color import no_style

        models = [
            apps.get_model(label)
            for label in (
                "auth.User",
                "conversations.Partnership",
                "conversations.Team",
                "conversations.Membership",
                "conversations.Person",
                "conversations.Conversation",
                "conversations.OutcomeRecord",
                "conversations.MeasureAnswer",
            )
        ]
        models += [
            apps.get_model("conversations.Person").teams.through,
            apps.get_model("conversations.Person").cares_for.through,
            apps.get_model("conversations.OutcomeRecord").barriers.through,
        ]
        with self.connection.cursor() as cursor:
            for statement in self.connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
            for name in self.columns:
                cursor.execute(f"VACUUM {name}")  # the visibility map, for index-only scans
            # Every table, the small ones written through the ORM (partnerships, teams,
            # memberships, users) and the frameworks too: autovacuum may never analyse them.
            cursor.execute("ANALYZE")


class SqliteWriter(Writer):
    true, false, null = 1, 0, None

    def timestamp(self, moment: datetime) -> str:
        return f"{moment:%Y-%m-%d %H:%M:%S}"

    def start(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = OFF")
            cursor.execute("PRAGMA journal_mode = OFF")
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -1000000")
            cursor.execute("BEGIN")

    def _write(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        marks = ", ".join("?" * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        self.connection.connection.executemany(sql, rows)

    def finish(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute("COMMIT")
            cursor.execute("PRAGMA journal_mode = DELETE")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("ANALYZE")


def _writer() -> Writer:
    from django.db import connection

    connection.ensure_connection()
    if connection.vendor == "postgresql":
        return PostgresWriter(connection)
    if connection.vendor == "sqlite":
        return SqliteWriter(connection)
    raise SystemExit(f"No bulk writer for {connection.vendor}")


def _next_id(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return int(cursor.fetchone()[0])


# --- the plan: who has which conversations when -----------------------------------------------


def _weighted(rng: random.Random, weights: Sequence[tuple[str, int]]) -> Iterator[str]:
    """An endless stream drawn with the given weights (cheaper than ``choices`` per draw)."""
    pool = [value for value, weight in weights for _ in range(weight)]
    while True:
        yield pool[int(rng.random() * len(pool))]


def _next_type(previous: str | None, rng: random.Random) -> str:
    if previous is None:
        return "assessment" if rng.random() < 0.3 else "review"
    if previous == "assessment":
        return "support_plan"
    return "assessment" if rng.random() < 0.08 else "review"


def generated_partnerships() -> list[str]:
    from conversations.models import Partnership

    return list(
        Partnership.objects.filter(code__startswith=f"{PREFIX}-")
        .order_by("code")
        .values_list("code", flat=True)
    )


def data_window(today: date) -> tuple[date, date]:
    """The eight quarters up to the latest complete one, and the current quarter to today."""
    from frameworks.periods import Period, last_quarters

    latest_complete = Period.quarter_containing(today).previous()
    return last_quarters(QUARTERS, ending=latest_complete)[0].first_day, today


def generate(
    n: int,
    *,
    seed: int = SEED,
    partnerships: int = 10,
    teams: int = 8,
    today: date | None = None,
) -> Generated:
    """Write ``n`` conversations (with their people, outcome records, barriers and answers)
    into partnerships ``GEN-01`` … ``GEN-<partnerships>``. The same arguments and the same
    ``today`` give the same rows. The database must not hold ``GEN-`` partnerships yet."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from conversations.models import Membership, Partnership, StaffRole, Team

    if generated_partnerships():
        raise SystemExit("The database already holds generated partnerships")
    started = time.perf_counter()
    today = today or timezone.localdate()
    first_day, last_day = data_window(today)
    now = datetime.combine(today, datetime.min.time(), tzinfo=UTC) + timedelta(hours=8)
    rng = random.Random(seed)
    reference = _reference()

    # A few hundred rows through the ORM: partnerships, teams, practitioners.
    User = get_user_model()
    Partnership.objects.bulk_create(
        Partnership(code=f"{PREFIX}-{p:02d}", name=f"Generated partnership {p:02d}")
        for p in range(1, partnerships + 1)
    )
    partnership_ids = list(
        Partnership.objects.filter(code__startswith=f"{PREFIX}-")
        .order_by("code")
        .values_list("pk", flat=True)
    )
    Team.objects.bulk_create(
        Team(partnership_id=pid, code=f"{PREFIX}-{i + 1:02d}-T{t + 1}", name=f"Team {t + 1}")
        for i, pid in enumerate(partnership_ids)
        for t in range(teams)
    )
    team_ids = list(
        Team.objects.filter(code__startswith=f"{PREFIX}-").order_by("pk").values_list("pk", "code")
    )
    teams_of: dict[int, list[int]] = {pid: [] for pid in partnership_ids}
    team_partnership = dict(
        Team.objects.filter(pk__in=[t for t, _ in team_ids]).values_list("pk", "partnership_id")
    )
    for team_id, _ in team_ids:
        teams_of[team_partnership[team_id]].append(team_id)
    User.objects.bulk_create(
        User(username=f"gen-{code.lower()}-p{k}", password="!", first_name="Practitioner")
        for _, code in team_ids
        for k in range(1, 4)
    )
    practitioners: dict[int, list[int]] = {}
    users_by_name = dict(
        User.objects.filter(username__startswith=f"{PREFIX.lower()}-").values_list("username", "pk")
    )
    memberships = []
    for team_id, code in team_ids:
        practitioners[team_id] = [users_by_name[f"gen-{code.lower()}-p{k}"] for k in range(1, 4)]
        memberships += [
            Membership(
                user_id=user_id,
                role=StaffRole.PRACTITIONER,
                partnership_id=team_partnership[team_id],
                team_id=team_id,
            )
            for user_id in practitioners[team_id]
        ]
    Membership.objects.bulk_create(memberships)

    writer = _writer()
    person_id = _next_id("conversations_person")
    conversation_id = _next_id("conversations_conversation")
    record_id = _next_id("conversations_outcomerecord")
    barrier_row_id = _next_id("conversations_outcomerecord_barriers")
    answer_id = _next_id("conversations_measureanswer")
    person_team_id = _next_id("conversations_person_teams")
    cares_for_id = _next_id("conversations_person_cares_for")

    T, F, NULL = writer.true, writer.false, writer.null
    stamp = writer.timestamp(now)
    add_person = writer.table(
        "conversations_person",
        (
            "id",
            "partnership_id",
            "ref",
            "name",
            "date_of_birth",
            "client_group_id",
            "is_carer",
            "created_at",
            "updated_at",
        ),
    )
    add_person_team = writer.table("conversations_person_teams", ("id", "person_id", "team_id"))
    add_cares_for = writer.table(
        "conversations_person_cares_for", ("id", "from_person_id", "to_person_id")
    )

    # People, and each one's conversations as (day, sign-off seconds, person, role, team, type).
    span = (last_day - first_day).days + 1
    plan: list[tuple[int, int, int, int, int, int, str]] = []
    users_in: dict[int, list[int]] = {pid: [] for pid in partnership_ids}
    people = 0
    while len(plan) < n:
        pid = partnership_ids[people % len(partnership_ids)]
        carer = rng.random() < 0.2 and bool(users_in[pid])
        role = 1 if carer else 0
        this_person = person_id + people
        people += 1
        team = rng.choice(teams_of[pid])
        group = rng.choice(reference.carer_groups if carer else reference.user_groups)
        add_person(
            (
                this_person,
                pid,
                f"{PREFIX}{this_person:08d}",
                person_name(this_person),
                NULL,
                group,
                T if carer else F,
                stamp,
                stamp,
            )
        )
        add_person_team((person_team_id, this_person, team))
        person_team_id += 1
        if rng.random() < 0.1:
            other = rng.choice(teams_of[pid])
            if other != team:
                add_person_team((person_team_id, this_person, other))
                person_team_id += 1
        if carer:
            add_cares_for((cares_for_id, this_person, rng.choice(users_in[pid])))
            cares_for_id += 1
        else:
            users_in[pid].append(this_person)
        count = min(
            n - len(plan), 1 + int(rng.expovariate(1 / (MEAN_CONVERSATIONS_PER_PERSON - 1)))
        )
        days = sorted(rng.randrange(span) for _ in range(count))
        kind: str | None = None
        for day in days:
            kind = _next_type(kind, rng)
            seconds = 9 * 3600 + rng.randrange(9 * 3600) + 86400 * rng.choice((0, 0, 0, 1, 2))
            plan.append((day, seconds, this_person, role, pid, team, kind))
    writer.start()
    writer.flush()

    # Conversations in the order they were held, as they would have been entered.
    plan.sort(key=lambda c: (c[0], c[1]))
    add_conversation = writer.table(
        "conversations_conversation",
        (
            "id",
            "partnership_id",
            "external_id",
            "subject_id",
            "subject_role",
            "team_id",
            "practitioner_id",
            "type",
            "framework_version_id",
            "date_held",
            "interviewer",
            "with_person",
            "with_proxy",
            "with_advocate",
            "with_interpreter",
            "with_carer",
            "summary",
            "follows_id",
            "status",
            "completed_at",
            "reopen_reason",
            "completed_by_id",
            "revision",
            "created_at",
            "created_by_id",
            "updated_at",
            "updated_by_id",
        ),
    )
    add_record = writer.table(
        "conversations_outcomerecord",
        (
            "id",
            "conversation_id",
            "outcome_id",
            "matters",
            "words",
            "status",
            "practitioner_status",
            "helping",
            "barrier_words",
        ),
    )
    add_barrier = writer.table(
        "conversations_outcomerecord_barriers", ("id", "outcomerecord_id", "barriercode_id")
    )
    add_answer = writer.table(
        "conversations_measureanswer", ("id", "conversation_id", "measure_id", "answer")
    )
    statuses = _weighted(rng, STATUS_WEIGHTS)
    answers = _weighted(rng, ANSWER_WEIGHTS)
    roles = ("user", "carer")
    versions = [(reference.current_version[r], reference.old_version[r]) for r in roles]
    measures = [reference.measures[r] for r in roles]
    barriers = reference.barriers
    words = WORDS
    last_of: dict[int, int] = {}
    days = [first_day + timedelta(days=d) for d in range(span)]
    day_text = [d.isoformat() for d in days]
    recent = span - 30
    random_ = rng.random
    for index, (day, seconds, person, role, pid, team, kind) in enumerate(plan):
        cid = conversation_id + index
        practitioner = rng.choice(practitioners[team])
        signed = datetime.combine(days[day], datetime.min.time(), tzinfo=UTC) + timedelta(
            seconds=seconds
        )
        draft = random_() < (0.3 if day >= recent else 0.03) or signed > now
        held = writer.timestamp(min(signed, now))
        version = versions[role][1] if random_() < 0.12 else versions[role][0]
        add_conversation(
            (
                cid,
                pid,
                f"gen-{cid:09d}",
                person,
                roles[role],
                team,
                practitioner,
                kind,
                version,
                day_text[day],
                "independent" if random_() < 0.1 else "practitioner",
                T,
                T if random_() < 0.05 else F,
                T if random_() < 0.03 else F,
                T if random_() < 0.03 else F,
                T if role == 0 and random_() < 0.15 else F,
                "",
                last_of.get(person, NULL),
                "draft" if draft else "completed",
                NULL if draft else held,
                "",
                NULL if draft else practitioner,
                1 if draft else 2,
                held,
                practitioner,
                held,
                practitioner,
            )
        )
        last_of[person] = cid
        review = kind == "review"
        for outcome in rng.sample(reference.outcomes[version], 4 + int(random_() * 5)):
            matters = random_() < 0.85
            status = next(statuses) if review and matters else ""
            add_record(
                (
                    record_id,
                    cid,
                    outcome,
                    T if matters else F,
                    words[int(random_() * len(words))] if matters else "",
                    status,
                    "",
                    "",
                    "",
                )
            )
            chance = 0.5 if status in ("partly_achieved", "not_achieved") else 0.05
            if matters and random_() < chance:
                for barrier in rng.sample(barriers, 1 if random_() < 0.7 else 2):
                    add_barrier((barrier_row_id, record_id, barrier))
                    barrier_row_id += 1
            record_id += 1
        for measure in measures[role]:
            add_answer((answer_id, cid, measure, next(answers)))
            answer_id += 1
        if (index + 1) % CHUNK_CONVERSATIONS == 0:
            writer.flush()
    writer.flush()
    writer.finish()

    counts = dict(writer.written)
    return Generated(
        partnerships=generated_partnerships(),
        first_day=first_day,
        last_day=last_day,
        conversations=counts.get("conversations_conversation", 0),
        people=counts.get("conversations_person", 0),
        outcome_records=counts.get("conversations_outcomerecord", 0),
        barriers=counts.get("conversations_outcomerecord_barriers", 0),
        answers=counts.get("conversations_measureanswer", 0),
        seconds=time.perf_counter() - started,
        counts=counts,
    )
