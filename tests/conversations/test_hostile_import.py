"""Conversations files of any shape: every bad line is reported with its number and reason,
nothing is written, and nothing ends in a traceback — wrong types anywhere, deep nesting, NUL
characters (PostgreSQL refuses them in text), lone surrogates, huge numbers, dates that
cannot be right."""

import copy
import json
from datetime import date, timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversations.services.exchange import (
    MAX_DEPTH,
    ConversationImportError,
    conversations_check,
    conversations_import,
)
from tests.conversations.test_exchange import (
    counts,
    existing_person_line,
    organisation,  # noqa: F401 (a fixture)
    run_failing,
    user_line,
    with_outcome,
    write,
)

pytestmark = pytest.mark.django_db

HOSTILE = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def nested(depth: int) -> object:
    value: object = "deep"
    for _ in range(depth):
        value = [value]
    return value


def tomorrow() -> str:
    return (timezone.localdate() + timedelta(days=1)).isoformat()


BAD_LINES = {
    "a list where a code goes": (user_line(type=["review"]), "'type' ['review'] is not one of"),
    "an object where a status goes": (
        with_outcome(status={"a": 1}),
        "'status' {'a': 1} is not one of",
    ),
    "a list as an answer": (user_line(measures={"NM1": ["yes"]}), "answer ['yes'] is not one of"),
    "a number as a role": (
        user_line(subject={"ref": "P-2", "role": 7, "client_group": "older_people"}),
        "subject 'role' 7 is not one of",
    ),
    "an object as the framework version": (
        user_line(framework_version={"v": 1}),
        "unknown framework version users {'v': 1}",
    ),
    "a huge number": (user_line(framework_version=10**4000), "unknown framework version users"),
    "a number of more than 4,300 digits": (
        '{"id": ' + "9" * 5000 + "}",
        "not valid JSON (a number has too many digits)",
    ),
    "NaN": ('{"id": NaN}', "not valid JSON (NaN is not a JSON number)"),
    "nesting a little too deep": (
        user_line(outcomes=nested(MAX_DEPTH + 2)),
        f"is nested more than {MAX_DEPTH} levels deep",
    ),
    "nesting deeper than Python's stack": ("[" * 100_000 + "]" * 100_000, "nested more than"),
    "a NUL character in the words": (
        with_outcome(words="safe\u0000now"),
        "'outcomes[0].words' holds a NUL character",
    ),
    "a NUL character in a key": ({**user_line(), "x\u0000": 1}, "a key in the line holds a NUL"),
    "a lone surrogate in the words": (
        with_outcome(words="safe \ud800"),
        "'outcomes[0].words' holds '\\ud800', half of a character (a lone surrogate)",
    ),
    "a lone surrogate in the ref": (
        user_line(subject={"ref": "\udfff", "role": "user", "client_group": "older_people"}),
        "'subject.ref' holds",
    ),
    "a date in year 0026": (user_line(date="0026-05-14"), "'date' 0026-05-14 is before 1900"),
    "a date in 1899": (user_line(date="1899-12-31"), "'date' 1899-12-31 is before 1900-01-01"),
    "a date tomorrow": (user_line(date=tomorrow()), "is in the future"),
    "signed off in 1970": (
        user_line(completed_at="1970-01-01T00:00:00Z"),
        "'completed_at' '1970-01-01T00:00:00Z' is before the date held (2026-05-14)",
    ),
    "signed off in 9999": (
        user_line(completed_at="9999-12-31T23:59:59-05:00"),
        "'completed_at' '9999-12-31T23:59:59-05:00' is in the future",
    ),
    "signed off in year 1 east of here": (
        user_line(completed_at="0001-01-01T00:00:00+05:00"),
        "is before the date held",
    ),
}


def dumped(line) -> str:
    # ensure_ascii writes a lone surrogate as \\udXXX, as a hostile file would.
    return line if isinstance(line, str) else json.dumps(line)


@pytest.mark.parametrize("bad_line, message", BAD_LINES.values(), ids=BAD_LINES.keys())
def test_a_bad_line_of_any_shape_is_reported_by_number(organisation, tmp_path, bad_line, message):  # noqa: F811
    good = user_line(
        id="ok-1", subject={"ref": "P-8", "role": "user", "client_group": "older_people"}
    )
    before = counts()

    errors = run_failing(write(tmp_path, [good, dumped(bad_line)]))

    assert any(
        problem.startswith("line 2: ") and message in problem for problem in errors.splitlines()
    ), errors
    assert "line 1:" not in errors
    assert counts() == before


def test_a_reason_shows_a_long_value_cut_short(organisation):  # noqa: F811
    result = conversations_check([json.dumps(user_line(type="x" * 10_000))])

    ((number, reason),) = result.problems
    assert number == 1 and len(reason) < 200 and "…" in reason


def test_signed_off_on_the_day_held_is_accepted(organisation):  # noqa: F811
    line = user_line(date="2026-05-14", completed_at="2026-05-13T23:30:00Z")  # 00:30 in London

    assert conversations_check([json.dumps(line)]).ok


# --- properties: whatever the line, a report or an import, never a traceback ----------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(["\u0000", "\ud800", "review", "achieved", "yes", "0026-05-14"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=12,
)
PATHS = [
    ("id",),
    ("type",),
    ("status",),
    ("date",),
    ("completed_at",),
    ("framework_version",),
    ("subject",),
    ("subject", "ref"),
    ("subject", "role"),
    ("measures",),
    ("measures", "NM1"),
    ("outcomes",),
    ("outcomes", 0),
    ("outcomes", 0, "status"),
    ("outcomes", 0, "words"),
    ("outcomes", 0, "barriers"),
    ("outcomes", 0, "goals"),
]


@st.composite
def tampered_lines(draw) -> str:
    """A good line with one value anywhere replaced by any JSON value, or any text at all."""
    if draw(st.integers(0, 4)) == 0:
        return draw(st.text(max_size=40))
    line = copy.deepcopy(user_line(id=f"h-{draw(st.integers(0, 10**6))}"))
    *parents, last = draw(st.sampled_from(PATHS))
    target = line
    for key in parents:
        target = target[key]
    target[last] = draw(json_values)
    return json.dumps(line)


@HOSTILE
@given(lines=st.lists(tampered_lines(), min_size=1, max_size=3))
def test_the_check_reports_any_line_by_number_and_never_raises(organisation, lines):  # noqa: F811
    result = conversations_check(lines)

    numbered = {number for number, _ in result.problems}
    assert numbered <= set(range(1, len(lines) + 1))
    assert all(isinstance(reason, str) and reason for _, reason in result.problems)


@HOSTILE
@given(lines=st.lists(tampered_lines(), min_size=1, max_size=3))
def test_an_import_writes_the_whole_file_or_nothing(organisation, lines):  # noqa: F811
    before = counts()
    try:
        result = conversations_import(lines)
    except ConversationImportError as error:
        assert error.problems
        assert counts() == before
    else:
        assert result.conversations == sum(1 for line in lines if line.strip())


def test_a_date_before_the_date_of_birth_held_is_reported(organisation, person, tmp_path):  # noqa: F811
    person.date_of_birth = date(2026, 5, 1)
    person.save(update_fields=["date_of_birth"])
    before = counts()

    errors = run_failing(write(tmp_path, [user_line(), existing_person_line()]))

    assert errors.splitlines() == [
        "line 2: 'date' 2026-04-20 is before the date of birth held for 'P-1'"
    ]
    assert counts() == before


def test_a_date_on_or_after_the_date_of_birth_held_is_accepted(organisation, person):  # noqa: F811
    person.date_of_birth = date(2026, 4, 20)
    person.save(update_fields=["date_of_birth"])

    assert conversations_check([json.dumps(existing_person_line())]).ok
