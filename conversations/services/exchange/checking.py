"""Checking a conversations file: every line, then the file as a whole; never writes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from conversations.models import (
    Answer,
    AnsweredBy,
    ConversationStatus,
    ConversationType,
    HelpingKind,
    InterviewerKind,
    OutcomeStatus,
    Partnership,
    Person,
    Team,
    Theme,
)
from conversations.models.records import BACKSTOP_REVIEW_MONTHS, add_months
from conversations.services.exchange.common import (
    _IN_CHUNK,
    WHO_ANSWERED_KEYS,
    Problem,
    _chunks,
)
from frameworks import dates
from frameworks.models import (
    BarrierCode,
    ClientGroup,
    FrameworkVersion,
    Measure,
    Outcome,
    Role,
)

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
    themes: dict[int, dict[str, int]]  # partnership id -> theme code -> theme id

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
            themes=_themes_by_partnership(),
        )


def _themes_by_partnership() -> dict[int, dict[str, int]]:
    """Every partnership's codebook, retired themes included (words coded with a theme keep it
    after it is retired, and a file exported then must import again)."""
    themes: dict[int, dict[str, int]] = {}
    for pk, partnership_id, code in Theme.objects.values_list("pk", "partnership_id", "code"):
        themes.setdefault(partnership_id, {})[code] = pk
    return themes


# --- one line -------------------------------------------------------------------------------


@dataclass(slots=True)
class _OutcomeRow:
    outcome_id: int
    matters: bool
    status: str
    practitioner_status: str
    carer_status: str
    words: str
    helping: str
    helping_kinds: list[str]
    barrier_ids: list[int]
    barrier_words: str
    theme_ids: list[int]
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
    # ``(answered_by, relationship, language, interpreter)`` when the line says who answered
    # (any of the four keys), else None: a re-import then keeps what is stored.
    who: tuple[str, str, str, bool] | None = None


_CONVERSATION_TYPES = set(ConversationType.values)
_CONVERSATION_STATUSES = set(ConversationStatus.values)
_INTERVIEWERS = set(InterviewerKind.values)
_ANSWERED_BY = set(AnsweredBy.values)
_ROLES = set(Role.values)
_OUTCOME_STATUSES = set(OutcomeStatus.values)
_ANSWERS = set(Answer.values)
_HELPING_KINDS = set(HelpingKind.values)


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


def _plain_text(text: str) -> bool:
    """Whether no key or string of this JSON line can hold a NUL or a lone surrogate: strict
    JSON has them only as ``\\u0000`` and ``\\uD800``-``\\uDFFF`` escapes, or as lone
    surrogates already in the text (a line read with ``errors="surrogatepass"``). Answers
    "not sure" (False) for some harmless lines too; those are walked string by string."""
    if "\\u0000" in text or "\\ud" in text or "\\uD" in text:
        return False
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _deeper_than_allowed(value: dict | list, depth: int) -> bool:
    """Whether ``value`` (at ``depth``) or a container inside it is nested more than
    ``MAX_DEPTH`` levels deep; the recursion stops there, so it stays shallow."""
    if depth > MAX_DEPTH:
        return True
    for item in value.values() if isinstance(value, dict) else value:
        if isinstance(item, dict | list) and _deeper_than_allowed(item, depth + 1):
            return True
    return False


def _shape_problems(data: Any, *, plain: bool = False) -> list[str]:
    """What no field check can store, wherever it is in the line: nesting deeper than
    ``MAX_DEPTH``, NUL characters and lone surrogates in any key or string. Walked without
    recursion, so a deep line cannot exhaust the stack. ``plain`` (see ``_plain_text``) skips
    the strings, which then cannot hold either; the problems found are the same."""
    if plain and not (isinstance(data, dict | list) and _deeper_than_allowed(data, 1)):
        return []
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
                if plain:
                    if not isinstance(item, dict | list):
                        continue
                elif problem := _text_problem(key):
                    problems.append(f"a key in {_where(where)} {problem}")
                    continue
                name = key if len(key) <= 40 else f"{key[:39]}…"
                items.append((item, f"{where}.{name}" if where else name, depth + 1))
        elif plain:
            items = [
                (item, f"{where}[{index}]", depth + 1)
                for index, item in enumerate(value)
                if isinstance(item, dict | list)
            ]
        else:
            items = [(item, f"{where}[{index}]", depth + 1) for index, item in enumerate(value)]
        stack.extend(reversed(items))
    return problems


class _LineChecker:
    """Reads one parsed line into a ``_Row``, collecting reasons instead of stopping early."""

    def __init__(self, lookups: _Lookups, today: date) -> None:
        self.lookups = lookups
        self.today = today

    def check(self, data: Any, reasons: list[str], *, plain: bool = False) -> _Row | None:
        """``plain``: the line's text passed ``_plain_text``."""
        if not isinstance(data, dict):
            reasons.append("a line must be a JSON object")
            return None
        if shape := _shape_problems(data, plain=plain):
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
        who = self._who_answered(data, reasons)
        answers = self._answers(data, role, reasons)
        outcomes = self._outcomes(data, version_id, partnership_id, reasons)
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
            who=who,
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

    def _who_answered(self, data: dict, reasons: list[str]) -> tuple[str, str, str, bool] | None:
        """Who answered, as a group: None when the line has none of its keys."""
        if not any(key in data for key in WHO_ANSWERED_KEYS):
            return None
        answered_by = ""
        if data.get("answered_by") not in (None, ""):
            answered_by = self._choice(data, "answered_by", _ANSWERED_BY, reasons) or ""
        relationship = self._optional_text(data, "answered_by_relationship", 80, reasons)
        if relationship and answered_by != AnsweredBy.SOMEONE_ELSE:
            reasons.append("'answered_by_relationship' is only for 'answered_by': 'someone_else'")
        language = self._optional_text(data, "language", 40, reasons)
        interpreter = data.get("interpreter", False)
        if not isinstance(interpreter, bool):
            reasons.append("'interpreter' must be true or false")
            interpreter = False
        return answered_by, relationship, language, interpreter

    @classmethod
    def _optional_text(cls, data: dict, key: str, max_length: int, reasons: list[str]) -> str:
        """A text key that may be missing, null or "" (then ""); otherwise as ``_text``."""
        if data.get(key) in (None, ""):
            return ""
        return cls._text(data, key, max_length, reasons) or ""

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
        self, data: dict, version_id: int | None, partnership_id: int | None, reasons: list[str]
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
            carer_status = self._outcome_status(item, "carer_status", reasons, where)
            barrier_ids = self._barriers(item, reasons, where)
            words = self._words(item, "words", reasons, where)
            helping = self._words(item, "helping", reasons, where)
            helping_kinds = self._helping_kinds(item, reasons, where)
            theme_ids = self._themes(item, partnership_id, reasons, where)
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
                    carer_status=carer_status,
                    words=words,
                    helping=helping,
                    helping_kinds=helping_kinds,
                    barrier_ids=barrier_ids,
                    barrier_words=barrier_words,
                    theme_ids=theme_ids,
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

    @staticmethod
    def _codes(item: dict, key: str, reasons: list[str], where: str) -> list:
        """The list under ``key`` (absent: none); anything else is a reason."""
        codes = item.get(key)
        if codes is None:
            return []
        if not isinstance(codes, list):
            reasons.append(f"{where}{key!r} must be a list of codes")
            return []
        return codes

    def _helping_kinds(self, item: dict, reasons: list[str], where: str) -> list[str]:
        kinds: list[str] = []
        for kind in self._codes(item, "helping_kinds", reasons, where):
            if not _is_one_of(kind, _HELPING_KINDS):
                reasons.append(
                    f"{where}unknown helping kind {_shown(kind)} "
                    f"(one of {_choices(_HELPING_KINDS)})"
                )
            elif kind not in kinds:
                kinds.append(kind)
        return kinds

    def _themes(
        self, item: dict, partnership_id: int | None, reasons: list[str], where: str
    ) -> list[int]:
        codebook = self.lookups.themes.get(partnership_id, {})
        ids: list[int] = []
        for code in self._codes(item, "themes", reasons, where):
            theme_id = codebook.get(code) if isinstance(code, str) else None
            if theme_id is None:
                reasons.append(f"{where}theme {_shown(code)} is not in the partnership's codebook")
            elif theme_id not in ids:
                ids.append(theme_id)
        return ids

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
        row = checker.check(data, reasons, plain=_plain_text(text))
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


def conversations_check(
    lines: Iterable[str],
    *,
    on_row: Callable[[_Row], None] | None = None,
    on_lines_read: Callable[[], None] | None = None,
) -> CheckResult:
    """Parse and check every line; never writes. Queries: a fixed handful for the reference
    data plus one per 900 distinct people named in the file.

    ``on_row`` is handed every good line, in line order, until the first problem is found
    (the PostgreSQL writer stages lines in temporary tables while they are checked); a file
    with any problem is never written, whatever ``on_row`` did with the lines before it.
    ``on_lines_read`` is called once every line has been read, before the queries about the
    people the file names."""
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
        if on_row is not None and not problems:
            on_row(row)
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
    if on_lines_read is not None:
        on_lines_read()

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
