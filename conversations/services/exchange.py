"""Conversations in bulk (spec §8): JSON Lines read and written in one shape.

Import checks the whole file first and collects every problem as ``(line number, reason)``;
only a clean file is written, in one transaction, with bulk inserts in batches. The file is
read twice (check, then write) so that memory stays small for large files: a file object is
rewound, a list is iterated again, any other iterator is spooled to a temporary file.

Choices the spec leaves open, made here so that export → import → export is byte-identical:

* An outcome not listed in a line gets no record; export lists every stored record (a
  conversation started in the browser has one per outcome of its version).
* ``actions`` is one string. Import stores it as one ``Action`` (owner and date blank); export
  joins a record's actions with ``"; "``.
* ``status`` of an outcome is ``null`` when not set. The optional keys ``practitioner_status``,
  ``helping`` and ``barrier_words`` are read when present and written only when not empty.
* ``goals`` (optional) lists an outcome's separate goals in order, each
  ``{"words": "...", "status": "achieved" | ... | null}``; written only when there are goals.
* ``completed_at`` is kept as given (it must carry a time zone) and written in UTC with ``Z``.
* ``review_due`` (optional, ``YYYY-MM-DD``, not before ``date``) is the next review date set at
  sign-off; written only when set. Import sets no default for a line without it (or with
  ``null``; the twelve-month backstop then applies), and re-importing such a line keeps the
  date already stored, like the other fields the file does not carry.
* A subject ``ref`` not yet known becomes a person of the partnership with the client group of
  its first line; known people keep their client group. A subject seen as a carer is marked as
  a carer. Every subject is allocated to the conversation's team, and a carer is linked to the
  ``cared_for_ref`` person; links are only ever added.
* Re-importing ``(partnership, id)`` updates the conversation's fields from the file and
  replaces its outcome records, barriers, actions and measure answers; fields the file does
  not carry (practitioner, who took part, summary, the conversation it follows) are kept, and
  ``revision`` goes up so that an open editor is told about the change.
* Audit: one ``AuditEvent(action="imported")`` per conversation, bulk-created, with
  ``changes = {"import": [null, "created" | "updated"]}`` and the file name as ``reason``.

Names and dates of birth are never read or written.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models.functions import Collate
from django.utils import timezone

from conversations.models import (
    Action,
    Answer,
    AuditAction,
    AuditEvent,
    Conversation,
    ConversationStatus,
    ConversationType,
    Goal,
    InterviewerKind,
    MeasureAnswer,
    OutcomeRecord,
    OutcomeStatus,
    Partnership,
    Person,
    Team,
)
from conversations.models.records import BACKSTOP_REVIEW_MONTHS, add_months
from frameworks import dates
from frameworks.models import (
    BarrierCode,
    ClientGroup,
    FrameworkVersion,
    Measure,
    Outcome,
    Role,
)
from frameworks.periods import Period

DEFAULT_BATCH_SIZE = 2000
# SQLite is built with a limit on bound parameters; Django assumes 999.
_IN_CHUNK = 900
ACTION_SEPARATOR = "; "

_T = TypeVar("_T")

Problem = tuple[int, str]


class ConversationImportError(Exception):
    """The file cannot be imported; ``problems`` lists every ``(line number, reason)``."""

    def __init__(self, problems: list[Problem]) -> None:
        lines = len({number for number, _ in problems})
        super().__init__(f"{lines} bad line(s) in the conversations file")
        self.problems = problems


# --- reference data, loaded once ------------------------------------------------------------


@dataclass
class _Lookups:
    """Every code a line may use, mapped to ids, from a fixed handful of queries."""

    partnerships: dict[str, int]
    teams: dict[tuple[int, str], int]
    frameworks: set[str]
    versions: dict[tuple[str, str], tuple[int, str]]  # (framework, version) -> (id, role)
    outcomes: dict[int, dict[str, int]]  # version id -> code -> outcome id
    measures: dict[str, tuple[int, tuple[str, ...]]]  # code -> (id, roles)
    barriers: dict[str, int]
    client_groups: dict[str, int]

    @classmethod
    def load(cls) -> _Lookups:
        outcomes: dict[int, dict[str, int]] = {}
        for pk, version_id, code in Outcome.objects.values_list("pk", "version_id", "code"):
            outcomes.setdefault(version_id, {})[code] = pk
        return cls(
            partnerships=dict(Partnership.objects.values_list("code", "pk")),
            teams={
                (partnership_id, code): pk
                for pk, partnership_id, code in Team.objects.values_list(
                    "pk", "partnership_id", "code"
                )
            },
            frameworks=set(
                FrameworkVersion.objects.published().values_list("framework__code", flat=True)
            ),
            versions={
                (framework, version): (pk, role)
                for pk, framework, version, role in FrameworkVersion.objects.published()
                .order_by()
                .values_list("pk", "framework__code", "version", "framework__role")
            },
            outcomes=outcomes,
            measures={m.code: (m.pk, m.roles) for m in Measure.objects.all()},
            barriers=dict(BarrierCode.objects.values_list("code", "pk")),
            client_groups=dict(ClientGroup.objects.values_list("code", "pk")),
        )


# --- one line -------------------------------------------------------------------------------


@dataclass(slots=True)
class _OutcomeRow:
    outcome_id: int
    matters: bool
    status: str
    practitioner_status: str
    words: str
    helping: str
    barrier_ids: list[int]
    barrier_words: str
    actions: str
    goals: list[tuple[str, str]]


@dataclass(slots=True)
class _Row:
    line_number: int
    partnership_id: int
    external_id: str
    team_id: int
    ref: str
    role: str
    client_group_id: int
    cared_for_ref: str | None
    version_id: int
    type: str
    date_held: date
    completed_at: datetime | None
    review_due: date | None
    status: str
    interviewer: str
    answers: list[tuple[int, str]]
    outcomes: list[_OutcomeRow]


_CONVERSATION_TYPES = set(ConversationType.values)
_CONVERSATION_STATUSES = set(ConversationStatus.values)
_INTERVIEWERS = set(InterviewerKind.values)
_ROLES = set(Role.values)
_OUTCOME_STATUSES = set(OutcomeStatus.values)
_ANSWERS = set(Answer.values)


def _choices(values: set[str]) -> str:
    return ", ".join(sorted(values))


# How deep a line's JSON may nest: the deepest the format goes is 4 (line, outcomes, one
# outcome, its goals, one goal); anything much deeper is not a conversation.
MAX_DEPTH = 8
_SHOWN = 60


def _iso_day(value: Any, key: str, reasons: list[str]) -> date | None:
    """A ``YYYY-MM-DD`` day, or ``None`` with the reason added."""
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        reasons.append(f"'{key}' {_shown(value)} is not a date (YYYY-MM-DD)")
        return None


def _shown(value: Any) -> str:
    """``repr`` of a value for a reason, cut short: a line may hold anything, of any size."""
    text = repr(value)
    return text if len(text) <= _SHOWN else f"{text[: _SHOWN - 1]}…"


def _is_one_of(value: Any, allowed: set[str]) -> bool:
    # A list or an object is not hashable: ``in`` a set would raise instead of answering.
    return isinstance(value, str) and value in allowed


def _text_problem(text: str) -> str:
    if "\x00" in text:
        return "holds a NUL character (\\u0000), which cannot be stored"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        return (
            f"holds {_shown(text[error.start : error.end])}, half of a character (a lone "
            "surrogate), which is not text"
        )
    return ""


def _where(path: str) -> str:
    return f"'{path}'" if path else "the line"


def _shape_problems(data: Any) -> list[str]:
    """What no field check can store, wherever it is in the line: nesting deeper than
    ``MAX_DEPTH``, NUL characters and lone surrogates in any key or string. Walked without
    recursion, so a deep line cannot exhaust the stack."""
    problems: list[str] = []
    stack: list[tuple[Any, str, int]] = [(data, "", 1)]
    while stack and len(problems) < 10:
        value, where, depth = stack.pop()
        if isinstance(value, str):
            if problem := _text_problem(value):
                problems.append(f"{_where(where)} {problem}")
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_DEPTH:
            problems.append(f"{_where(where)} is nested more than {MAX_DEPTH} levels deep")
            continue
        if isinstance(value, dict):
            items = []
            for key, item in value.items():
                if problem := _text_problem(key):
                    problems.append(f"a key in {_where(where)} {problem}")
                    continue
                name = key if len(key) <= 40 else f"{key[:39]}…"
                items.append((item, f"{where}.{name}" if where else name, depth + 1))
        else:
            items = [(item, f"{where}[{index}]", depth + 1) for index, item in enumerate(value)]
        stack.extend(reversed(items))
    return problems


class _LineChecker:
    """Reads one parsed line into a ``_Row``, collecting reasons instead of stopping early."""

    def __init__(self, lookups: _Lookups, today: date) -> None:
        self.lookups = lookups
        self.today = today

    def check(self, data: Any, reasons: list[str]) -> _Row | None:
        if not isinstance(data, dict):
            reasons.append("a line must be a JSON object")
            return None
        if shape := _shape_problems(data):
            reasons.extend(shape)
            return None
        before = len(reasons)
        external_id = self._text(data, "id", 80, reasons)
        partnership_id = team_id = None
        partnership_code = self._text(data, "partnership", 20, reasons)
        if partnership_code is not None:
            partnership_id = self.lookups.partnerships.get(partnership_code)
            if partnership_id is None:
                reasons.append(f"unknown partnership {partnership_code!r}")
        team_code = self._text(data, "team", 30, reasons)
        if team_code is not None and partnership_id is not None:
            team_id = self.lookups.teams.get((partnership_id, team_code))
            if team_id is None:
                reasons.append(f"unknown team {team_code!r} in partnership {partnership_code!r}")

        subject = self._subject(data, reasons)
        role = subject[1] if subject else None
        version_id = self._version(data, role, reasons)
        kind = self._choice(data, "type", _CONVERSATION_TYPES, reasons)
        status = self._choice(data, "status", _CONVERSATION_STATUSES, reasons)
        interviewer = self._choice(
            data, "interviewer", _INTERVIEWERS, reasons, default=InterviewerKind.PRACTITIONER
        )
        date_held = self._date(data, reasons)
        completed_at = self._completed_at(data, status, date_held, reasons)
        review_due = self._review_due(data, date_held, reasons)
        answers = self._answers(data, role, reasons)
        outcomes = self._outcomes(data, version_id, reasons)
        if len(reasons) > before:
            return None
        assert subject is not None and version_id is not None and date_held is not None
        ref, role, client_group_id, cared_for_ref = subject
        return _Row(
            line_number=0,
            partnership_id=partnership_id,
            external_id=external_id,
            team_id=team_id,
            ref=ref,
            role=role,
            client_group_id=client_group_id,
            cared_for_ref=cared_for_ref,
            version_id=version_id,
            type=kind,
            date_held=date_held,
            completed_at=completed_at,
            review_due=review_due,
            status=status,
            interviewer=interviewer,
            answers=answers,
            outcomes=outcomes,
        )

    @staticmethod
    def _text(
        data: dict, key: str, max_length: int, reasons: list[str], where: str = ""
    ) -> str | None:
        value = data.get(key)
        if value is None:
            reasons.append(f"{where}{key!r} is missing")
            return None
        if not isinstance(value, str) or not value.strip():
            reasons.append(f"{where}{key!r} must be a non-blank string")
            return None
        if len(value) > max_length:
            reasons.append(f"{where}{key!r} is longer than {max_length} characters")
            return None
        return value

    @staticmethod
    def _choice(
        data: dict,
        key: str,
        allowed: set[str],
        reasons: list[str],
        *,
        default: str | None = None,
        where: str = "",
    ) -> str | None:
        value = data.get(key)
        if value is None:
            if default is not None:
                return default
            reasons.append(f"{where}{key!r} is missing")
            return None
        if not _is_one_of(value, allowed):
            reasons.append(f"{where}{key!r} {_shown(value)} is not one of {_choices(allowed)}")
            return None
        return value

    @staticmethod
    def _words(data: dict, key: str, reasons: list[str], where: str) -> str:
        value = data.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            reasons.append(f"{where}{key!r} must be a string")
            return ""
        return value

    def _subject(self, data: dict, reasons: list[str]) -> tuple[str, str, int, str | None] | None:
        subject = data.get("subject")
        if subject is None:
            reasons.append("'subject' is missing")
            return None
        if not isinstance(subject, dict):
            reasons.append("'subject' must be an object")
            return None
        before = len(reasons)
        ref = self._text(subject, "ref", 40, reasons, "subject ")
        role = self._choice(subject, "role", _ROLES, reasons, where="subject ")
        group_code = self._text(subject, "client_group", 40, reasons, "subject ")
        client_group_id = None
        if group_code is not None:
            client_group_id = self.lookups.client_groups.get(group_code)
            if client_group_id is None:
                reasons.append(f"unknown client group {group_code!r}")
        cared_for_ref = subject.get("cared_for_ref")
        if cared_for_ref is not None:
            if not isinstance(cared_for_ref, str) or not cared_for_ref.strip():
                reasons.append("subject 'cared_for_ref' must be a non-blank string or null")
            elif role == Role.USER:
                reasons.append("subject 'cared_for_ref' is only for a carer")
            elif cared_for_ref == ref:
                reasons.append("a carer cannot care for themselves ('cared_for_ref' is 'ref')")
        if len(reasons) > before:
            return None
        return ref, role, client_group_id, cared_for_ref

    def _version(self, data: dict, role: str | None, reasons: list[str]) -> int | None:
        framework = self._text(data, "framework", 30, reasons)
        version = data.get("framework_version")
        if version is None:
            reasons.append("'framework_version' is missing")
            return None
        if framework is None:
            return None
        if framework not in self.lookups.frameworks:
            reasons.append(f"unknown framework {framework!r}")
            return None
        found = self.lookups.versions.get((framework, str(version)))
        if found is None:
            reasons.append(f"unknown framework version {framework} {_shown(version)}")
            return None
        version_id, framework_role = found
        if role is not None and framework_role != role:
            reasons.append(
                f"framework {framework!r} is for role {framework_role!r}, "
                f"but the subject's role is {role!r}"
            )
        return version_id

    def _date(self, data: dict, reasons: list[str]) -> date | None:
        value = data.get("date")
        if value is None:
            reasons.append("'date' is missing")
            return None
        day = _iso_day(value, "date", reasons)
        if day is None:
            return None
        try:
            dates.validate_plausible(day, what="The date held", today=self.today)
        except ValidationError as error:
            reasons.append(
                f"'date' {value} is in the future"
                if error.code == "future"
                else f"'date' {value} is before {dates.EARLIEST}: check the year"
            )
            return None
        return day

    def _completed_at(
        self, data: dict, status: str | None, held: date | None, reasons: list[str]
    ) -> datetime | None:
        value = data.get("completed_at")
        if value is None:
            if status == ConversationStatus.COMPLETED:
                reasons.append("a completed conversation needs 'completed_at'")
            return None
        try:
            if not isinstance(value, str) or "T" not in value:
                raise ValueError
            moment = datetime.fromisoformat(value)
        except ValueError:
            reasons.append(f"'completed_at' {_shown(value)} is not a date and time (ISO 8601)")
            return None
        if moment.tzinfo is None:
            reasons.append(f"'completed_at' {value!r} needs a time zone (e.g. Z)")
            return None
        if held is not None:
            try:
                dates.validate_completed_at(moment, held=held)
            except ValidationError as error:
                reasons.append(
                    f"'completed_at' {value!r} is in the future"
                    if error.code == "future"
                    else f"'completed_at' {value!r} is before the date held ({held})"
                )
                return None
        return moment

    @staticmethod
    def _review_due(data: dict, date_held: date | None, reasons: list[str]) -> date | None:
        value = data.get("review_due")
        if value is None:
            return None
        day = _iso_day(value, "review_due", reasons)
        if day is None:
            return None
        if date_held is not None and day < date_held:
            reasons.append(
                f"'review_due' {value} is before the conversation's date {date_held.isoformat()}"
            )
            return None
        if date_held is not None and day > add_months(date_held, BACKSTOP_REVIEW_MONTHS):
            # The sign-off page's rule: everyone is reviewed at least once every twelve months.
            reasons.append(
                f"'review_due' {value} is more than {BACKSTOP_REVIEW_MONTHS} months after the "
                f"conversation's date {date_held.isoformat()}"
            )
            return None
        return day

    def _answers(self, data: dict, role: str | None, reasons: list[str]) -> list[tuple[int, str]]:
        measures = data.get("measures")
        if measures is None:
            return []
        if not isinstance(measures, dict):
            reasons.append("'measures' must be an object of measure code to answer")
            return []
        answers = []
        for code, answer in measures.items():
            measure = self.lookups.measures.get(code)
            if measure is None:
                reasons.append(f"unknown measure {_shown(code)}")
                continue
            measure_id, roles = measure
            if not _is_one_of(answer, _ANSWERS):
                reasons.append(
                    f"measure {code} answer {_shown(answer)} is not one of {_choices(_ANSWERS)}"
                )
                continue
            if role is not None and role not in roles:
                reasons.append(
                    f"measure {code} is not asked of a {role} (only {' and '.join(roles)}s)"
                )
                continue
            answers.append((measure_id, answer))
        return answers

    def _outcomes(
        self, data: dict, version_id: int | None, reasons: list[str]
    ) -> list[_OutcomeRow]:
        items = data.get("outcomes")
        if items is None:
            return []
        if not isinstance(items, list):
            reasons.append("'outcomes' must be a list")
            return []
        codes = self.lookups.outcomes.get(version_id, {}) if version_id is not None else None
        seen: set[str] = set()
        rows = []
        for index, item in enumerate(items, start=1):
            where = f"outcome {index}: "
            if not isinstance(item, dict):
                reasons.append(f"{where}must be an object")
                continue
            before = len(reasons)
            code = self._text(item, "code", 60, reasons, where)
            outcome_id = None
            if code is not None:
                where = f"outcome {code}: "
                if code in seen:
                    reasons.append(f"outcome {code!r} is listed twice")
                seen.add(code)
                if codes is not None:
                    outcome_id = codes.get(code)
                    if outcome_id is None:
                        reasons.append(
                            f"unknown outcome code {code!r} for "
                            f"{data.get('framework')} {data.get('framework_version')}"
                        )
            matters = item.get("matters", False)
            if not isinstance(matters, bool):
                reasons.append(f"{where}'matters' must be true or false")
            status = self._outcome_status(item, "status", reasons, where)
            practitioner_status = self._outcome_status(item, "practitioner_status", reasons, where)
            barrier_ids = self._barriers(item, reasons, where)
            words = self._words(item, "words", reasons, where)
            helping = self._words(item, "helping", reasons, where)
            barrier_words = self._words(item, "barrier_words", reasons, where)
            actions = self._words(item, "actions", reasons, where)
            goals = self._goals(item, reasons, where)
            if len(reasons) > before or outcome_id is None:
                continue
            rows.append(
                _OutcomeRow(
                    outcome_id=outcome_id,
                    matters=matters,
                    status=status,
                    practitioner_status=practitioner_status,
                    words=words,
                    helping=helping,
                    barrier_ids=barrier_ids,
                    barrier_words=barrier_words,
                    actions=actions,
                    goals=goals,
                )
            )
        return rows

    def _goals(self, item: dict, reasons: list[str], where: str) -> list[tuple[str, str]]:
        """``(words, status)`` of an outcome's separate goals, in the order given."""
        goals = item.get("goals")
        if goals is None:
            return []
        if not isinstance(goals, list):
            reasons.append(f"{where}'goals' must be a list")
            return []
        found = []
        for index, goal in enumerate(goals, start=1):
            at = f"{where}goal {index}: "
            if not isinstance(goal, dict):
                reasons.append(f"{at}must be an object")
                continue
            words = self._words(goal, "words", reasons, at)
            if not words.strip() and isinstance(goal.get("words", ""), str):
                reasons.append(f"{at}'words' must not be empty")
            status = self._outcome_status(goal, "status", reasons, at)
            found.append((words, status))
        return found

    @staticmethod
    def _outcome_status(item: dict, key: str, reasons: list[str], where: str) -> str:
        value = item.get(key)
        if value is None or value == "":
            return ""
        if not _is_one_of(value, _OUTCOME_STATUSES):
            reasons.append(
                f"{where}{key!r} {_shown(value)} is not one of {_choices(_OUTCOME_STATUSES)}"
            )
            return ""
        return value

    def _barriers(self, item: dict, reasons: list[str], where: str) -> list[int]:
        codes = item.get("barriers")
        if codes is None:
            return []
        if not isinstance(codes, list):
            reasons.append(f"{where}'barriers' must be a list of codes")
            return []
        ids: list[int] = []
        for code in codes:
            barrier_id = self.lookups.barriers.get(code) if isinstance(code, str) else None
            if barrier_id is None:
                reasons.append(f"{where}unknown barrier code {_shown(code)}")
            elif barrier_id not in ids:
                ids.append(barrier_id)
        return ids


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _parse(
    lines: Iterable[str], checker: _LineChecker
) -> Iterator[tuple[int, _Row | None, list[str]]]:
    """``(line number, row or None, reasons)`` for every non-blank line."""
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except json.JSONDecodeError as error:
            yield number, None, [f"not valid JSON ({error.msg} at column {error.colno})"]
            continue
        except RecursionError:
            yield number, None, [f"nested more than {MAX_DEPTH} levels deep"]
            continue
        except ValueError as error:
            # Python refuses integers of more than 4,300 digits; we refuse NaN and Infinity.
            problem = "a number has too many digits" if "digits" in str(error) else str(error)
            yield number, None, [f"not valid JSON ({problem})"]
            continue
        reasons: list[str] = []
        row = checker.check(data, reasons)
        if row is not None:
            row.line_number = number
        yield number, row, reasons


# --- checking the whole file ----------------------------------------------------------------


@dataclass
class _Subject:
    client_group_id: int
    is_carer: bool


@dataclass
class _Plan:
    """What the check learnt, kept for the write: small per conversation, not per outcome."""

    lookups: _Lookups
    ids: dict[int, set[str]] = field(default_factory=dict)  # partnership id -> external ids
    subjects: dict[tuple[int, str], _Subject] = field(default_factory=dict)
    # (partnership id, ref) -> (person id, is carer), for every ref the file names that exists
    people: dict[tuple[int, str], tuple[int, bool]] = field(default_factory=dict)


@dataclass
class CheckResult:
    """Every problem in the file as ``(line number, reason)``, in line order."""

    problems: list[Problem]
    lines: int
    conversations: int
    _plan: _Plan | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.problems


def _chunks(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    chunk: list[_T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _existing_people(refs: dict[int, set[str]]) -> dict[tuple[int, str], tuple[int, bool]]:
    found: dict[tuple[int, str], tuple[int, bool]] = {}
    for partnership_id, wanted in refs.items():
        for chunk in _chunks(sorted(wanted), _IN_CHUNK):
            for pk, ref, is_carer in Person.objects.filter(
                partnership_id=partnership_id, ref__in=chunk
            ).values_list("pk", "ref", "is_carer"):
                found[(partnership_id, ref)] = (pk, is_carer)
    return found


def _births(refs: dict[int, set[str]]) -> dict[tuple[int, str], date]:
    """Dates of birth held for the people a file names: a conversation cannot be held before
    its subject was born (the file itself never carries dates of birth)."""
    found: dict[tuple[int, str], date] = {}
    for partnership_id, wanted in refs.items():
        for chunk in _chunks(sorted(wanted), _IN_CHUNK):
            for ref, born in Person.objects.filter(
                partnership_id=partnership_id, ref__in=chunk, date_of_birth__isnull=False
            ).values_list("ref", "date_of_birth"):
                found[(partnership_id, ref)] = born
    return found


def conversations_check(lines: Iterable[str]) -> CheckResult:
    """Parse and check every line; never writes. Queries: a fixed handful for the reference
    data plus one per 900 distinct people named in the file."""
    lookups = _Lookups.load()
    checker = _LineChecker(lookups, timezone.localdate())
    plan = _Plan(lookups=lookups)
    problems: list[Problem] = []
    first_seen: dict[tuple[int, str], int] = {}
    cared_for: list[tuple[int, int, str]] = []  # line number, partnership id, ref
    held: list[tuple[int, int, str, date]] = []  # line number, partnership id, ref, date held
    count = conversations = 0
    for number, row, reasons in _parse(lines, checker):
        count = number
        conversations += 1
        problems.extend((number, reason) for reason in reasons)
        if row is None:
            continue
        key = (row.partnership_id, row.external_id)
        if key in first_seen:
            problems.append(
                (number, f"duplicate id {row.external_id!r} (also on line {first_seen[key]})")
            )
            continue
        first_seen[key] = number
        plan.ids.setdefault(row.partnership_id, set()).add(row.external_id)
        subject = plan.subjects.get((row.partnership_id, row.ref))
        if subject is None:
            plan.subjects[(row.partnership_id, row.ref)] = _Subject(
                row.client_group_id, row.role == Role.CARER
            )
        elif row.role == Role.CARER:
            subject.is_carer = True
        if row.cared_for_ref is not None:
            cared_for.append((number, row.partnership_id, row.cared_for_ref))
        held.append((number, row.partnership_id, row.ref, row.date_held))
    del first_seen

    refs: dict[int, set[str]] = {}
    for partnership_id, ref in plan.subjects:
        refs.setdefault(partnership_id, set()).add(ref)
    for _, partnership_id, ref in cared_for:
        refs.setdefault(partnership_id, set()).add(ref)
    plan.people = _existing_people(refs)
    births = _births({pid: {ref for p, ref in plan.people if p == pid} for pid in refs})
    for number, partnership_id, ref, day in held:
        try:
            born = births.get((partnership_id, ref))
            dates.validate_date_held(day, born=born, today=checker.today)
        except ValidationError:
            problems.append((number, f"'date' {day} is before the date of birth held for {ref!r}"))
    for number, partnership_id, ref in cared_for:
        key = (partnership_id, ref)
        if key not in plan.subjects and key not in plan.people:
            problems.append(
                (number, f"cared_for_ref {ref!r} is not a person of the partnership or the file")
            )
    problems.sort(key=lambda problem: problem[0])
    return CheckResult(problems=problems, lines=count, conversations=conversations, _plan=plan)


# --- importing ------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    people_created: int = 0
    dry_run: bool = False

    @property
    def conversations(self) -> int:
        return self.created + self.updated

    def summary(self) -> str:
        text = (
            f"conversations: {self.created} created, {self.updated} updated; "
            f"people: {self.people_created} created"
        )
        return f"{text} (dry run: nothing was written)" if self.dry_run else text


class _Replay:
    """Iterate the same lines twice without holding them all in memory."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = lines
        self._spool: Any = None
        self._start: int | None = None
        if iter(lines) is lines:  # a one-shot iterator, or a file object
            seekable = getattr(lines, "seekable", None)
            if seekable is not None and seekable():
                self._start = lines.tell()  # type: ignore[attr-defined]
            else:
                # A line of a lone surrogate is reported by the check, not refused by the spool.
                self._spool = tempfile.TemporaryFile("w+", encoding="utf-8", errors="surrogatepass")

    def first(self) -> Iterator[str]:
        if self._spool is None:
            yield from self._lines
            return
        for line in self._lines:
            self._spool.write(line if line.endswith("\n") else line + "\n")
            yield line

    def again(self) -> Iterable[str]:
        if self._spool is not None:
            self._spool.seek(0)
            return self._spool
        if self._start is not None:
            self._lines.seek(self._start)  # type: ignore[attr-defined]
        return self._lines

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()


@contextmanager
def _replayable(lines: Iterable[str]) -> Iterator[_Replay]:
    replay = _Replay(lines)
    try:
        yield replay
    finally:
        replay.close()


def _existing_conversations(plan: _Plan) -> int:
    found = 0
    for partnership_id, ids in plan.ids.items():
        for chunk in _chunks(sorted(ids), _IN_CHUNK):
            found += Conversation.objects.filter(
                partnership_id=partnership_id, external_id__in=chunk
            ).count()
    return found


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
        given_names = {f.name for f in given}
        rest = [f for f in meta.concrete_fields if not f.primary_key and f.name not in given_names]
        self.constants = []
        for f in rest:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            else:
                value = f.get_default()  # "" for text without a default, as Django does
                if value is None and not f.null:
                    raise ValueError(f"{meta.label}.{f.name} has no default: give it a value")
            self.constants.append(f.get_db_prep_save(value, connection))
        self.converters = [
            (index, f)
            for index, f in enumerate(given)
            if f.get_internal_type() in ("DateField", "DateTimeField", "JSONField")
        ]
        quote = connection.ops.quote_name
        columns = [quote(f.column) for f in [*given, *rest]]
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


_CONVERSATION_COLUMNS = [
    "partnership",
    "external_id",
    "subject",
    "subject_role",
    "team",
    "type",
    "framework_version",
    "date_held",
    "interviewer",
    "status",
    "completed_at",
    "review_due",
    "created_by",
    "updated_by",
]
_RECORD_COLUMNS = [
    "conversation",
    "outcome",
    "matters",
    "words",
    "status",
    "practitioner_status",
    "helping",
    "barrier_words",
]


def _conversation_ids(keys: Iterable[tuple[int, str]]) -> dict[tuple[int, str], int]:
    by_partnership: dict[int, list[str]] = {}
    for partnership_id, external_id in keys:
        by_partnership.setdefault(partnership_id, []).append(external_id)
    found: dict[tuple[int, str], int] = {}
    for partnership_id, ids in by_partnership.items():
        for chunk in _chunks(ids, _IN_CHUNK):
            for external_id, pk in Conversation.objects.filter(
                partnership_id=partnership_id, external_id__in=chunk
            ).values_list("external_id", "pk"):
                found[(partnership_id, external_id)] = pk
    return found


def _write_batch(
    rows: list[_Row],
    *,
    people: dict[tuple[int, str], int],
    by: Any,
    reason: str,
    result: ImportResult,
) -> None:
    """Write one batch of checked lines: a fixed number of statements per batch."""
    now = timezone.now()
    by_id = getattr(by, "pk", None)
    keys = [(row.partnership_id, row.external_id) for row in rows]
    existing = _conversation_ids(keys)

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
        _delete_content([c.pk for c in updated])
    new_rows = [row for row, key in zip(rows, keys, strict=True) if key not in existing]
    if new_rows:
        _Inserter(Conversation, _CONVERSATION_COLUMNS, now=now).insert(
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
                by_id,
                by_id,
            )
            for row in new_rows
        )
    result.created += len(new_rows)
    result.updated += len(updated)
    ids = existing | _conversation_ids((row.partnership_id, row.external_id) for row in new_rows)
    conversation_ids = [ids[key] for key in keys]

    _Inserter(OutcomeRecord, _RECORD_COLUMNS, now=now).insert(
        (
            conversation_id,
            item.outcome_id,
            item.matters,
            item.words,
            item.status,
            item.practitioner_status,
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


def conversations_import(
    lines: Iterable[str],
    *,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    by: Any = None,
    source: str = "",
) -> ImportResult:
    """Check the whole file, then write it in one transaction (nothing when ``dry_run``).

    Raises ``ConversationImportError`` with every problem when any line is bad; nothing is
    written then. ``by`` is the user recorded on the conversations and audit events (none for
    the command line); ``source`` (e.g. the file name) is kept as the audit reason.
    """
    with _replayable(lines) as replay, transaction.atomic():
        check = conversations_check(replay.first())
        if check.problems:
            raise ConversationImportError(check.problems)
        plan = check._plan
        assert plan is not None
        if dry_run:
            existing = _existing_conversations(plan)
            known = set(plan.people)
            return ImportResult(
                created=check.conversations - existing,
                updated=existing,
                people_created=sum(1 for key in plan.subjects if key not in known),
                dry_run=True,
            )
        people, people_created = _people_apply(plan, batch_size=batch_size)
        result = ImportResult(people_created=people_created)
        checker = _LineChecker(plan.lookups, timezone.localdate())
        reason = f"Imported from {source}" if source else "Imported"
        rows = (row for _, row, _ in _parse(replay.again(), checker) if row is not None)
        for batch in _chunks(rows, batch_size):
            _write_batch(batch, people=people, by=by, reason=reason, result=result)
        return result


# --- exporting ------------------------------------------------------------------------------


def _utc(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def conversations_export(
    *, partnership: Partnership, period: Period | None = None, batch_size: int = DEFAULT_BATCH_SIZE
) -> Iterator[str]:
    """One JSON line (no trailing newline) per conversation of the partnership, drafts too,
    held within ``period`` when given, ordered by date held then id (byte order)."""
    teams = dict(Team.objects.filter(partnership=partnership).values_list("pk", "code"))
    versions = {
        pk: (framework, version)
        for pk, framework, version in FrameworkVersion.objects.order_by().values_list(
            "pk", "framework__code", "version"
        )
    }
    outcomes = {
        pk: (order, code) for pk, order, code in Outcome.objects.values_list("pk", "order", "code")
    }
    measures = {
        pk: (order, code) for pk, order, code in Measure.objects.values_list("pk", "order", "code")
    }
    barriers = {
        pk: (order, code)
        for pk, order, code in BarrierCode.objects.values_list("pk", "order", "code")
    }
    groups = dict(ClientGroup.objects.values_list("pk", "code"))

    conversations = Conversation.objects.filter(partnership=partnership)
    if period is not None:
        conversations = conversations.in_period(period)
    # Byte order for ids on every database, so that files compare equal across them.
    by_id = Collate("external_id", "C") if connection.vendor == "postgresql" else "external_id"
    rows = (
        conversations.order_by("date_held", by_id)
        .values_list(
            "pk",
            "external_id",
            "team_id",
            "subject_id",
            "subject_role",
            "framework_version_id",
            "type",
            "date_held",
            "completed_at",
            "review_due",
            "status",
            "interviewer",
        )
        .iterator(chunk_size=batch_size)
    )
    for batch in _chunks(rows, batch_size):
        yield from _export_batch(
            batch, teams, versions, outcomes, measures, barriers, groups, partnership.code
        )


def _export_batch(
    batch: list[tuple],
    teams: dict[int, str],
    versions: dict[int, tuple[str, str]],
    outcomes: dict[int, tuple[int, str]],
    measures: dict[int, tuple[int, str]],
    barriers: dict[int, tuple[int, str]],
    groups: dict[int, str],
    partnership_code: str,
) -> Iterator[str]:
    conversation_ids = [row[0] for row in batch]
    subject_ids = sorted({row[3] for row in batch})
    subjects: dict[int, tuple[str, str]] = {}
    cared_for: dict[int, str] = {}
    records: dict[int, list[tuple]] = {}
    answers: dict[int, list[tuple[int, str, str]]] = {}
    record_barriers: dict[int, list[tuple[int, str]]] = {}
    actions: dict[int, list[str]] = {}
    goals: dict[int, list[dict[str, str | None]]] = {}
    through = OutcomeRecord.barriers.through
    for chunk in _chunks(subject_ids, _IN_CHUNK):
        for pk, ref, group_id in Person.objects.filter(pk__in=chunk).values_list(
            "pk", "ref", "client_group_id"
        ):
            subjects[pk] = (ref, groups[group_id])
        for carer_id, ref in Person.cares_for.through.objects.filter(
            from_person_id__in=chunk
        ).values_list("from_person_id", "to_person__ref"):
            if carer_id not in cared_for or ref < cared_for[carer_id]:
                cared_for[carer_id] = ref
    for chunk in _chunks(conversation_ids, _IN_CHUNK):
        for values in OutcomeRecord.objects.filter(conversation_id__in=chunk).values_list(
            "conversation_id",
            "pk",
            "outcome_id",
            "matters",
            "status",
            "words",
            "practitioner_status",
            "helping",
            "barrier_words",
        ):
            records.setdefault(values[0], []).append(values[1:])
        for conversation_id, measure_id, answer in MeasureAnswer.objects.filter(
            conversation_id__in=chunk
        ).values_list("conversation_id", "measure_id", "answer"):
            order, code = measures[measure_id]
            answers.setdefault(conversation_id, []).append((order, code, answer))
    # Barriers, actions and goals by record id, not through a join (a full scan on PostgreSQL).
    record_ids = [values[0] for found in records.values() for values in found]
    for chunk in _chunks(record_ids, _IN_CHUNK):
        for record_id, barrier_id in through.objects.filter(outcomerecord_id__in=chunk).values_list(
            "outcomerecord_id", "barriercode_id"
        ):
            record_barriers.setdefault(record_id, []).append(barriers[barrier_id])
        for record_id, what in (
            Action.objects.filter(record_id__in=chunk)
            .order_by("record_id", "order", "pk")
            .values_list("record_id", "what")
        ):
            actions.setdefault(record_id, []).append(what)
        for record_id, words, goal_status in (
            Goal.objects.filter(record_id__in=chunk)
            .order_by("record_id", "order", "pk")
            .values_list("record_id", "words", "status")
        ):
            goals.setdefault(record_id, []).append({"words": words, "status": goal_status or None})

    for (
        pk,
        external_id,
        team_id,
        subject_id,
        role,
        version_id,
        kind,
        date_held,
        completed_at,
        review_due,
        status,
        interviewer,
    ) in batch:
        ref, group = subjects[subject_id]
        framework, version = versions[version_id]
        line_outcomes = []
        for values in sorted(records.get(pk, []), key=lambda v: outcomes[v[1]]):
            (record_id, outcome_id, matters, o_status, words, p_status, helping, b_words) = values
            item: dict[str, Any] = {
                "code": outcomes[outcome_id][1],
                "matters": matters,
                "status": o_status or None,
                "words": words,
                "barriers": [code for _, code in sorted(record_barriers.get(record_id, []))],
                "actions": ACTION_SEPARATOR.join(actions.get(record_id, [])),
            }
            if p_status:
                item["practitioner_status"] = p_status
            if helping:
                item["helping"] = helping
            if b_words:
                item["barrier_words"] = b_words
            if record_id in goals:
                item["goals"] = goals[record_id]
            line_outcomes.append(item)
        line = {
            "id": external_id,
            "partnership": partnership_code,
            "team": teams[team_id],
            "subject": {
                "ref": ref,
                "role": role,
                "client_group": group,
                "cared_for_ref": cared_for.get(subject_id) if role == Role.CARER else None,
            },
            "framework": framework,
            "framework_version": version,
            "type": kind,
            "date": date_held.isoformat(),
            "completed_at": _utc(completed_at),
            **({"review_due": review_due.isoformat()} if review_due else {}),
            "status": status,
            "interviewer": interviewer,
            "measures": {code: answer for _, code, answer in sorted(answers.get(pk, []))},
            "outcomes": line_outcomes,
        }
        yield json.dumps(line, ensure_ascii=False)
