import copy
import json
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

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
    conversations_check,
    conversations_export,
    conversations_import,
)
from frameworks.models import BarrierCode, FrameworkVersion, Measure
from frameworks.periods import Period

pytestmark = pytest.mark.django_db


def user_line(**overrides) -> dict:
    line = {
        "id": "ext-1",
        "partnership": "ORK",
        "team": "ORK-E",
        "subject": {
            "ref": "P-2",
            "role": "user",
            "client_group": "older_people",
            "cared_for_ref": None,
        },
        "framework": "users",
        "framework_version": "2012",
        "type": "review",
        "date": "2026-05-14",
        "completed_at": "2026-05-15T10:00:00Z",
        "status": "completed",
        "interviewer": "practitioner",
        "measures": {"NM1": "yes", "NM2": "partly", "NM3": "no"},
        "outcomes": [
            {
                "code": "feeling_safe",
                "matters": True,
                "status": "achieved",
                "words": "I feel safe at home now",
                "barriers": [],
                "actions": "",
            },
            {
                "code": "seeing_people",
                "matters": True,
                "status": "partly_achieved",
                "words": "Lunch club on Tuesdays",
                "barriers": ["staffing", "transport"],
                "actions": "Ask about community transport",
            },
        ],
    }
    line.update(overrides)
    return line


def carer_line(**overrides) -> dict:
    line = {
        "id": "ext-2",
        "partnership": "ORK",
        "team": "ORK-W",
        "subject": {
            "ref": "C-1",
            "role": "carer",
            "client_group": "older_people",
            "cared_for_ref": "P-2",
        },
        "framework": "carers",
        "framework_version": "2013",
        "type": "assessment",
        "date": "2026-06-01",
        "completed_at": None,
        "status": "draft",
        "interviewer": "independent",
        "measures": {"NM2": "yes", "NM4": "not_answered"},
        "outcomes": [
            {
                "code": "life_of_their_own",
                "matters": True,
                "status": None,
                "words": "An evening off each week",
                "barriers": ["resources"],
                "actions": "Refer for a carer's break",
            }
        ],
    }
    line.update(overrides)
    return line


def existing_person_line(**overrides) -> dict:
    line = user_line(
        id="ext-3",
        subject={
            "ref": "P-1",
            "role": "user",
            "client_group": "older_people",
            "cared_for_ref": None,
        },
        date="2026-04-20",
        completed_at="2026-04-21T09:30:00+01:00",
        measures={"NM1": "no"},
        outcomes=[],
    )
    line.update(overrides)
    return line


def good_lines() -> list[dict]:
    return [user_line(), carer_line(), existing_person_line()]


def write(tmp_path: Path, lines: list, name: str = "conversations.jsonl") -> Path:
    path = tmp_path / name
    path.write_text(
        "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines),
        encoding="utf-8",
    )
    return path


def run(path: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_conversations", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(path: Path) -> str:
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_conversations", str(path), stdout=StringIO(), stderr=err)
    return err.getvalue()


def export(*args: str) -> str:
    out = StringIO()
    call_command("export_conversations", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "conversations": Conversation.objects.count(),
        "records": OutcomeRecord.objects.count(),
        "actions": Action.objects.count(),
        "goals": Goal.objects.count(),
        "answers": MeasureAnswer.objects.count(),
        "people": Person.objects.count(),
        "audit": AuditEvent.objects.count(),
        "allocations": Person.teams.through.objects.count(),
        "links": Person.cares_for.through.objects.count(),
    }


@pytest.fixture
def organisation(team, other_team, foreign_team, person):
    """ORK with teams ORK-E and ORK-W, SHE with SHE-N, and person P-1 in ORK-E."""
    return team.partnership


# --- a good file ----------------------------------------------------------------------------


def test_good_file_creates_conversations_people_and_content(organisation, tmp_path):
    out, _ = run(write(tmp_path, good_lines()))

    assert "conversations: 3 created, 0 updated; people: 2 created" in out
    assert Conversation.objects.count() == 3
    review = Conversation.objects.get(external_id="ext-1")
    assert review.partnership == organisation
    assert review.team.code == "ORK-E"
    assert review.subject.ref == "P-2"
    assert review.subject_role == "user"
    assert review.type == "review"
    assert review.framework_version.key == "users-2012"
    assert review.date_held == date(2026, 5, 14)
    assert review.status == "completed"
    assert review.completed_at == datetime(2026, 5, 15, 10, 0, tzinfo=UTC)
    assert review.interviewer == "practitioner"

    records = {r.outcome.code: r for r in review.outcome_records.select_related("outcome")}
    assert set(records) == {"feeling_safe", "seeing_people"}
    seeing = records["seeing_people"]
    assert (seeing.matters, seeing.status, seeing.words) == (
        True,
        "partly_achieved",
        "Lunch club on Tuesdays",
    )
    assert sorted(seeing.barriers.values_list("code", flat=True)) == ["staffing", "transport"]
    assert [(a.what, a.owner) for a in seeing.actions.all()] == [
        ("Ask about community transport", "")
    ]
    assert not records["feeling_safe"].actions.exists()
    assert dict(review.measure_answers.values_list("measure__code", "answer")) == {
        "NM1": "yes",
        "NM2": "partly",
        "NM3": "no",
    }

    new_user = Person.objects.get(partnership=organisation, ref="P-2")
    carer = Person.objects.get(partnership=organisation, ref="C-1")
    assert new_user.client_group.code == "older_people"
    assert not new_user.is_carer and carer.is_carer
    assert list(new_user.teams.values_list("code", flat=True)) == ["ORK-E"]
    assert list(carer.teams.values_list("code", flat=True)) == ["ORK-W"]
    assert list(carer.cares_for.all()) == [new_user]

    draft = Conversation.objects.get(external_id="ext-2")
    assert draft.status == "draft" and draft.completed_at is None
    assert draft.interviewer == "independent"
    assert draft.outcome_records.get().status == ""

    known = Conversation.objects.get(external_id="ext-3")
    assert known.subject.name == "Morag Flett"  # the existing person, not a new one
    assert known.completed_at == datetime(2026, 4, 21, 8, 30, tzinfo=UTC)

    events = AuditEvent.objects.filter(action="imported")
    assert events.count() == 3
    assert events.get(conversation=review).changes == {"import": [None, "created"]}
    assert events.get(conversation=review).reason == "Imported from conversations.jsonl"


def test_reimport_updates_and_never_duplicates(organisation, tmp_path):
    run(write(tmp_path, good_lines()))
    before = Conversation.objects.get(external_id="ext-1")

    changed = user_line(
        type="support_plan",
        measures={"NM1": "no"},
        outcomes=[
            {
                "code": "reliability",
                "matters": True,
                "status": "not_achieved",
                "words": "Carers come at different times",
                "barriers": ["staffing"],
                "actions": "Agree a visit window",
            }
        ],
    )
    out, _ = run(write(tmp_path, [changed, carer_line()], "again.jsonl"))

    assert "0 created, 2 updated; people: 0 created" in out
    assert Conversation.objects.count() == 3
    after = Conversation.objects.get(external_id="ext-1")
    assert after.pk == before.pk
    assert after.type == "support_plan"
    assert after.revision == before.revision + 1
    assert list(after.outcome_records.values_list("outcome__code", flat=True)) == ["reliability"]
    assert list(
        Action.objects.filter(record__conversation=after).values_list("what", flat=True)
    ) == ["Agree a visit window"]
    assert dict(after.measure_answers.values_list("measure__code", "answer")) == {"NM1": "no"}
    assert OutcomeRecord.objects.count() == 1 + 1 + 0
    assert Person.objects.filter(ref="P-2").count() == 1
    assert Person.teams.through.objects.filter(person__ref="C-1").count() == 1
    assert Person.cares_for.through.objects.count() == 1
    assert AuditEvent.objects.filter(conversation=after, changes__import=[None, "updated"]).exists()


def test_dry_run_writes_nothing(organisation, tmp_path):
    before = counts()
    out, _ = run(write(tmp_path, good_lines()), "--dry-run")

    assert "conversations: 3 created, 0 updated; people: 2 created" in out
    assert "dry run" in out
    assert counts() == before


def test_completed_at_is_kept_not_reset(organisation, tmp_path):
    run(write(tmp_path, [user_line(completed_at="2026-05-15T10:00:00.250000Z")]))

    conversation = Conversation.objects.get(external_id="ext-1")
    assert conversation.completed_at == datetime(2026, 5, 15, 10, 0, 0, 250000, tzinfo=UTC)
    assert (timezone.now() - conversation.completed_at) > timedelta(days=1)


def test_lines_may_come_from_any_iterable(organisation):
    lines = (json.dumps(line) for line in good_lines())  # a one-shot generator

    result = conversations_import(lines)

    assert (result.created, result.updated, result.people_created) == (3, 0, 2)
    assert Conversation.objects.count() == 3


def test_check_uses_a_bounded_number_of_queries(organisation, django_assert_max_num_queries):
    lines = [
        json.dumps(
            user_line(
                id=f"ext-{n}",
                subject={"ref": f"P-{n}", "role": "user", "client_group": "older_people"},
            )
        )
        for n in range(200)
    ]
    # One lookup each for partnerships, teams, frameworks, versions, outcomes, measures,
    # barriers, client groups and codebooks, then the known people: whatever the file's length.
    with django_assert_max_num_queries(11):
        result = conversations_check(lines)
    assert result.ok and result.conversations == 200


# --- export ---------------------------------------------------------------------------------


def browser_conversation(person: Person, team) -> Conversation:
    """A conversation as the recording page leaves it: a record for every outcome of the
    version, an answer for every measure asked of the role, actions with owners and dates."""
    version = FrameworkVersion.objects.get(framework__code="users", version="2007")
    conversation = Conversation.objects.create(
        partnership=person.partnership,
        subject=person,
        subject_role="user",
        team=team,
        type="assessment",
        framework_version=version,
        date_held=date(2026, 5, 14),
        status="completed",
        completed_at=timezone.now(),
        with_proxy=True,
        summary="More time outdoors",
    )
    for outcome in version.outcomes.all():
        record = OutcomeRecord.objects.create(
            conversation=conversation,
            outcome=outcome,
            matters=outcome.code == "choice",
            words="Décide myself" if outcome.code == "choice" else "",
            practitioner_status="partly_achieved" if outcome.code == "choice" else "",
            helping="Daughter visits" if outcome.code == "choice" else "",
        )
        if outcome.code == "choice":
            record.barriers.set(BarrierCode.objects.filter(code__in=["information", "other"]))
            Action.objects.create(record=record, what="Visit day centre", owner="person", order=0)
            Action.objects.create(
                record=record, what="Send leaflets", owner="services", due=date(2026, 6, 1), order=1
            )
            Goal.objects.create(record=record, words="Choose my own carers", order=1)
            Goal.objects.create(record=record, words="Choose my meals", status="achieved", order=0)
    for measure in Measure.objects.for_role("user"):
        MeasureAnswer.objects.create(conversation=conversation, measure=measure)
    return conversation


def test_export_writes_the_import_shape_without_names(organisation, team, person, tmp_path):
    person.date_of_birth = date(1941, 7, 3)
    person.save()
    browser = browser_conversation(person, team)
    run(write(tmp_path, good_lines()))

    lines = [json.loads(line) for line in export("--partnership", "ORK").splitlines()]

    assert [line["id"] for line in lines] == ["ext-3", "ext-1", browser.external_id, "ext-2"]
    assert browser.external_id.startswith("web-")
    assert lines[1] == user_line()
    assert lines[3] == carer_line()
    assert lines[0]["completed_at"] == "2026-04-21T08:30:00Z"
    exported = lines[2]
    assert len(exported["outcomes"]) == 15
    choice = next(o for o in exported["outcomes"] if o["code"] == "choice")
    assert choice == {
        "code": "choice",
        "matters": True,
        "status": None,
        "words": "Décide myself",
        "barriers": ["information", "other"],
        "actions": "Visit day centre; Send leaflets",
        "practitioner_status": "partly_achieved",
        "helping": "Daughter visits",
        "goals": [
            {"words": "Choose my meals", "status": "achieved"},
            {"words": "Choose my own carers", "status": None},
        ],
    }
    assert all("goals" not in o for o in exported["outcomes"] if o["code"] != "choice")
    assert exported["measures"] == {
        "NM1": "not_answered",
        "NM2": "not_answered",
        "NM3": "not_answered",
    }
    text = export("--partnership", "ORK")
    assert "Morag" not in text and "1941" not in text


def test_export_import_export_is_identical(organisation, team, person, tmp_path):
    browser_conversation(person, team)
    run(write(tmp_path, good_lines()))
    first = export("--partnership", "ORK")

    output = tmp_path / "export.jsonl"
    call_command(
        "export_conversations", "--partnership", "ORK", "--output", str(output), stderr=StringIO()
    )
    assert output.read_text(encoding="utf-8") == first
    run(output)
    second = export("--partnership", "ORK")

    assert second == first
    assert Conversation.objects.count() == 4


def test_goals_under_one_outcome_import_in_order_and_reimport_replaces_them(organisation, tmp_path):
    bob = with_outcome(
        goals=[
            {"words": "Use the computer", "status": "achieved"},
            {"words": "Do the family banking", "status": None},
            {"words": "Email my grandson"},
        ]
    )
    run(write(tmp_path, [bob]))

    record = OutcomeRecord.objects.get(
        conversation__external_id="ext-1", outcome__code="feeling_safe"
    )
    assert list(record.goals.values_list("words", "status", "order")) == [
        ("Use the computer", "achieved", 0),
        ("Do the family banking", "", 1),
        ("Email my grandson", "", 2),
    ]
    assert record.status == "achieved"
    assert not Goal.objects.exclude(record=record).exists()

    run(write(tmp_path, [user_line()], "again.jsonl"))
    assert not Goal.objects.exists()


def test_a_canonical_file_with_goals_exports_byte_for_byte(organisation, tmp_path):
    line = with_outcome(goals=[{"words": "Use the computer", "status": "achieved"}])
    path = write(tmp_path, [line])
    run(path)

    assert export("--partnership", "ORK") == path.read_text(encoding="utf-8")


def test_review_due_is_imported_and_exported_only_when_set(organisation, tmp_path):
    run(write(tmp_path, [user_line(review_due="2026-08-14"), carer_line()]))

    assert Conversation.objects.get(external_id="ext-1").review_due == date(2026, 8, 14)
    assert Conversation.objects.get(external_id="ext-2").review_due is None
    lines = {
        line["id"]: line for line in map(json.loads, export("--partnership", "ORK").splitlines())
    }
    assert lines["ext-1"]["review_due"] == "2026-08-14"
    keys = list(lines["ext-1"])
    assert keys[keys.index("completed_at") + 1] == "review_due"
    assert "review_due" not in lines["ext-2"]


def test_review_due_set_at_sign_off_survives_export_import_export(
    organisation, team, person, tmp_path
):
    browser = browser_conversation(person, team)
    Conversation.objects.filter(pk=browser.pk).update(review_due=date(2026, 11, 14))
    run(write(tmp_path, good_lines()))
    first = export("--partnership", "ORK")
    assert first.count('"review_due": "2026-11-14"') == 1

    output = tmp_path / "export.jsonl"
    output.write_text(first, encoding="utf-8")
    Conversation.objects.filter(pk=browser.pk).update(review_due=None)
    run(output)

    assert Conversation.objects.get(pk=browser.pk).review_due == date(2026, 11, 14)
    assert export("--partnership", "ORK") == first


def test_reimport_without_review_due_keeps_the_stored_date(organisation, tmp_path):
    run(write(tmp_path, [user_line(review_due="2026-08-14")]))
    run(write(tmp_path, [user_line()], "again.jsonl"))
    assert Conversation.objects.get(external_id="ext-1").review_due == date(2026, 8, 14)
    run(write(tmp_path, [user_line(review_due=None)], "null.jsonl"))
    assert Conversation.objects.get(external_id="ext-1").review_due == date(2026, 8, 14)

    run(write(tmp_path, [user_line(review_due="2026-06-01")], "later.jsonl"))
    assert Conversation.objects.get(external_id="ext-1").review_due == date(2026, 6, 1)


def test_a_canonical_file_with_review_due_exports_byte_for_byte(organisation, tmp_path):
    line = {}
    for key, value in user_line().items():
        line[key] = value
        if key == "completed_at":
            line["review_due"] = "2026-05-14"  # the day it was held is allowed
    path = write(tmp_path, [line])
    run(path)

    assert export("--partnership", "ORK") == path.read_text(encoding="utf-8")


def test_a_canonical_file_exports_byte_for_byte(organisation, tmp_path):
    lines = [user_line(), carer_line(), existing_person_line(completed_at="2026-04-21T08:30:00Z")]
    path = write(tmp_path, sorted(lines, key=lambda line: (line["date"], line["id"])))
    run(path)

    assert export("--partnership", "ORK") == path.read_text(encoding="utf-8")


def test_export_of_a_period_and_of_another_partnership(organisation, tmp_path):
    run(write(tmp_path, good_lines()))

    q1 = [
        json.loads(line)["id"]
        for line in export("--partnership", "ORK", "--period", "2026-27 Q1").splitlines()
    ]
    assert q1 == ["ext-3", "ext-1", "ext-2"]
    assert export("--partnership", "ORK", "--period", "2025-26") == ""
    assert export("--partnership", "SHE") == ""
    assert (
        list(conversations_export(partnership=organisation, period=Period.parse("2026-27 Q2")))
        == []
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["--partnership", "NOPE"], "Unknown partnership"),
        (["--partnership", "ORK", "--period", "2026"], "is not a period"),
    ],
)
def test_export_refuses_unknown_partnership_and_bad_period(organisation, args, message):
    with pytest.raises(CommandError, match=message):
        export(*args)


# --- bad files ------------------------------------------------------------------------------


def future() -> str:
    return (timezone.localdate() + timedelta(days=1)).isoformat()


def without(key: str) -> dict:
    line = user_line()
    del line[key]
    return line


def with_outcome(**changes) -> dict:
    line = user_line()
    line["outcomes"] = copy.deepcopy(line["outcomes"])
    line["outcomes"][0].update(changes)
    return line


BAD_LINES = {
    "goals not a list": (with_outcome(goals="computer"), "'goals' must be a list"),
    "goal not an object": (with_outcome(goals=["computer"]), "goal 1: must be an object"),
    "goal without words": (
        with_outcome(goals=[{"words": "ok"}, {"words": "  ", "status": "achieved"}]),
        "outcome feeling_safe: goal 2: 'words' must not be empty",
    ),
    "goal with a bad status": (
        with_outcome(goals=[{"words": "Use the computer", "status": "brilliant"}]),
        "outcome feeling_safe: goal 1: 'status' 'brilliant' is not one of",
    ),
    "review date not a date": (
        user_line(review_due="2026-02-30"),
        "'review_due' '2026-02-30' is not a date (YYYY-MM-DD)",
    ),
    "review date not a string": (
        user_line(review_due=20260814),
        "'review_due' 20260814 is not a date (YYYY-MM-DD)",
    ),
    "review date with a time": (
        user_line(review_due="2026-08-14T10:00:00Z"),
        "'review_due' '2026-08-14T10:00:00Z' is not a date",
    ),
    "review date before the conversation": (
        user_line(review_due="2026-05-13"),
        "'review_due' 2026-05-13 is before the conversation's date 2026-05-14",
    ),
    "review date more than twelve months on": (
        user_line(review_due="2027-05-15"),
        "'review_due' 2027-05-15 is more than 12 months after the conversation's date 2026-05-14",
    ),
    "malformed JSON": ('{"id": "ext-1", "partnership": ', "not valid JSON"),
    "not an object": ("[1, 2]", "must be a JSON object"),
    "missing field": (without("team"), "'team' is missing"),
    "unknown partnership": (user_line(partnership="XXX"), "unknown partnership 'XXX'"),
    "unknown team": (user_line(team="ORK-N"), "unknown team 'ORK-N'"),
    "team of another partnership": (user_line(team="SHE-N"), "unknown team 'SHE-N'"),
    "unknown framework": (user_line(framework="patients"), "unknown framework 'patients'"),
    "unknown framework version": (
        user_line(framework_version="2099"),
        "unknown framework version users '2099'",
    ),
    "unknown outcome": (with_outcome(code="flying"), "unknown outcome code 'flying'"),
    "outcome of another version": (
        with_outcome(code="choice"),
        "unknown outcome code 'choice' for users 2012",
    ),
    "unknown measure": (user_line(measures={"NM9": "yes"}), "unknown measure 'NM9'"),
    "unknown barrier": (with_outcome(barriers=["weather"]), "unknown barrier code 'weather'"),
    "unknown client group": (
        user_line(subject={"ref": "P-2", "role": "user", "client_group": "pets"}),
        "unknown client group 'pets'",
    ),
    "bad date": (user_line(date="2026-02-30"), "'date' '2026-02-30' is not a date"),
    "date in the future": (user_line(date=future()), "is in the future"),
    "bad datetime": (user_line(completed_at="yesterday"), "'completed_at' 'yesterday'"),
    "datetime without zone": (user_line(completed_at="2026-05-15T10:00:00"), "needs a time zone"),
    "completed without time": (user_line(completed_at=None), "needs 'completed_at'"),
    "bad type": (user_line(type="chat"), "'type' 'chat' is not one of"),
    "bad status": (user_line(status="done"), "'status' 'done' is not one of"),
    "bad interviewer": (user_line(interviewer="robot"), "'interviewer' 'robot' is not one of"),
    "bad role": (
        user_line(subject={"ref": "P-2", "role": "friend", "client_group": "older_people"}),
        "subject 'role' 'friend' is not one of",
    ),
    "bad outcome status": (with_outcome(status="great"), "'status' 'great' is not one of"),
    "bad answer": (user_line(measures={"NM1": "maybe"}), "answer 'maybe' is not one of"),
    "measure outside its population": (
        user_line(measures={"NM4": "yes"}),
        "measure NM4 is not asked of a user",
    ),
    "framework for another role": (
        carer_line(framework="users", framework_version="2012", outcomes=[], measures={}),
        "framework 'users' is for role 'user'",
    ),
    "unknown cared-for person": (
        carer_line(
            subject={
                "ref": "C-1",
                "role": "carer",
                "client_group": "older_people",
                "cared_for_ref": "Z-9",
            }
        ),
        "cared_for_ref 'Z-9' is not a person",
    ),
}


@pytest.mark.parametrize("bad_line, message", BAD_LINES.values(), ids=BAD_LINES.keys())
def test_a_bad_line_writes_nothing(organisation, tmp_path, bad_line, message):
    good = user_line(
        id="ok-1", subject={"ref": "P-8", "role": "user", "client_group": "older_people"}
    )
    before = counts()

    errors = run_failing(write(tmp_path, [good, bad_line]))

    assert any(
        problem.startswith("line 2: ") and message in problem for problem in errors.splitlines()
    ), errors
    assert "line 1:" not in errors
    assert counts() == before


def test_a_measure_outside_its_population_for_a_carer(organisation, tmp_path):
    before = counts()
    errors = run_failing(write(tmp_path, [carer_line(measures={"NM1": "yes", "NM3": "no"})]))

    assert "line 1: measure NM1 is not asked of a carer (only users)" in errors
    assert "line 1: measure NM3 is not asked of a carer" in errors
    assert counts() == before


def test_a_duplicate_id_within_the_file(organisation, tmp_path):
    before = counts()
    errors = run_failing(write(tmp_path, [user_line(), carer_line(), user_line(date="2026-05-01")]))

    assert "line 3: duplicate id 'ext-1' (also on line 1)" in errors
    assert counts() == before


def test_the_same_id_in_two_partnerships_is_not_a_duplicate(organisation, tmp_path):
    other = user_line(partnership="SHE", team="SHE-N")
    run(write(tmp_path, [user_line(), other]))

    assert Conversation.objects.filter(external_id="ext-1").count() == 2


def test_several_bad_lines_are_all_reported_by_number(organisation, tmp_path):
    run(write(tmp_path, [user_line()], "first.jsonl"))
    before = counts()
    lines = [
        carer_line(),
        "{not json",
        user_line(id="ext-5", team="ORK-N"),
        "",
        user_line(id="ext-6", framework="patients", date="14/05/2026"),
        existing_person_line(measures={"NM4": "yes"}),
    ]

    errors = run_failing(write(tmp_path, lines))

    assert errors.splitlines() == [
        "line 2: not valid JSON (Expecting property name enclosed in double quotes at column 2)",
        "line 3: unknown team 'ORK-N' in partnership 'ORK'",
        "line 5: unknown framework 'patients'",
        "line 5: 'date' '14/05/2026' is not a date (YYYY-MM-DD)",
        "line 6: measure NM4 is not asked of a user (only carers)",
    ]
    assert counts() == before


def test_import_service_raises_with_every_problem(organisation):
    with pytest.raises(ConversationImportError) as raised:
        conversations_import(["{", json.dumps(user_line(team="X"))])

    assert [number for number, _ in raised.value.problems] == [1, 2]
    assert Conversation.objects.count() == 0


def test_unreadable_file(organisation, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_conversations", str(tmp_path / "missing.jsonl"), stderr=StringIO())
