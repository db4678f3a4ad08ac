"""Who answered, and a carer's or relative's view of a status, in the JSON Lines file (issue
10's line format): imported, exported byte for byte, kept when a line does not say, refused
when bad (nothing written). Runs on both writers (SQLite batches, PostgreSQL COPY)."""

import json

import pytest

from conversations.models import Conversation, OutcomeRecord
from tests.conversations.test_exchange import (
    counts,
    export,
    run,
    run_failing,
    user_line,
    write,
)

pytestmark = pytest.mark.django_db

TARIQ = {
    "answered_by": "someone_else",
    "answered_by_relationship": "wife",
    "language": "Punjabi",
    "interpreter": True,
}


@pytest.fixture
def organisation(team, other_team, foreign_team, person):
    """As in test_exchange: ORK (teams ORK-E, ORK-W, person P-1) and SHE."""
    return team.partnership


def answered_line(who: dict | None = None, *, carer_status: str | None = None, **changes) -> dict:
    """A line as export writes it: who answered right after the interviewer, a carer's view
    after the practitioner's."""
    line = {}
    for key, value in user_line(**changes).items():
        line[key] = value
        if key == "interviewer":
            line.update(TARIQ if who is None else who)
    if carer_status:
        first = dict(line["outcomes"][0])
        first = {**{k: first[k] for k in ("code", "matters", "status", "words")}}
        first.update(
            {"barriers": [], "actions": "", "carer_status": carer_status},
        )
        line["outcomes"] = [first, *line["outcomes"][1:]]
    return line


def who(external_id: str = "ext-1") -> tuple:
    return Conversation.objects.filter(external_id=external_id).values_list(
        "answered_by", "answered_by_relationship", "language", "with_interpreter"
    )[0]


def test_who_answered_and_a_carers_view_import_and_export_byte_for_byte(organisation, tmp_path):
    path = write(tmp_path, [answered_line(carer_status="partly_achieved")])

    run(path)

    assert who() == ("someone_else", "wife", "Punjabi", True)
    record = OutcomeRecord.objects.get(
        conversation__external_id="ext-1", outcome__code="feeling_safe"
    )
    assert (record.status, record.carer_status) == ("achieved", "partly_achieved")
    assert export("--partnership", "ORK") == path.read_text(encoding="utf-8")


def test_what_the_browser_recorded_survives_export_import_export(organisation, tmp_path):
    run(write(tmp_path, [user_line()]))
    Conversation.objects.filter(external_id="ext-1").update(
        answered_by="person_with_support", language="British Sign Language"
    )
    OutcomeRecord.objects.filter(outcome__code="seeing_people").update(carer_status="achieved")
    first = export("--partnership", "ORK")
    assert '"answered_by": "person_with_support", "language": "British Sign Language"' in first
    assert '"interpreter"' not in first and '"answered_by_relationship"' not in first
    output = tmp_path / "export.jsonl"
    output.write_text(first, encoding="utf-8")
    Conversation.objects.update(answered_by="", language="")
    OutcomeRecord.objects.update(carer_status="")

    run(output)

    assert who() == ("person_with_support", "", "British Sign Language", False)
    assert export("--partnership", "ORK") == first


def test_a_line_that_does_not_say_keeps_what_is_stored(organisation, tmp_path):
    run(write(tmp_path, [answered_line()]))

    run(write(tmp_path, [user_line(interviewer="independent")], "again.jsonl"))

    assert who() == ("someone_else", "wife", "Punjabi", True)
    assert Conversation.objects.get(external_id="ext-1").interviewer == "independent"


def test_a_line_that_says_any_of_it_sets_all_of_it(organisation, tmp_path):
    run(write(tmp_path, [answered_line()]))

    run(write(tmp_path, [answered_line({"answered_by": "person"})], "again.jsonl"))

    assert who() == ("person", "", "", False)


def test_a_new_conversation_without_it_has_nothing_recorded(organisation, tmp_path):
    run(write(tmp_path, [user_line()]))

    assert who() == ("", "", "", False)
    assert '"answered_by"' not in export("--partnership", "ORK")


@pytest.mark.parametrize(
    ("who_keys", "reason"),
    [
        ({"answered_by": "the_cat"}, "'answered_by' 'the_cat' is not one of"),
        (
            {"answered_by": "person", "answered_by_relationship": "wife"},
            "'answered_by_relationship' is only for 'answered_by': 'someone_else'",
        ),
        ({"interpreter": "yes"}, "'interpreter' must be true or false"),
        ({"language": "x" * 41}, "'language' is longer than 40 characters"),
        ({"language": 7}, "'language' must be a non-blank string"),
    ],
)
def test_a_bad_who_answered_refuses_the_whole_file(organisation, tmp_path, who_keys, reason):
    before = counts()
    good = user_line(id="ext-9")

    errors = run_failing(write(tmp_path, [good, answered_line(who_keys)]))

    assert "line 2" in errors and reason in errors
    assert counts() == before


def test_a_bad_carers_view_refuses_the_whole_file(organisation, tmp_path):
    before = counts()

    errors = run_failing(write(tmp_path, [answered_line(carer_status="fine")]))

    assert "'carer_status' 'fine' is not one of" in errors
    assert counts() == before


def test_a_carers_line_says_whom_the_conversation_is_about(organisation, tmp_path):
    """``cared_for_ref`` links the carer and sets the conversation's cared-for person, so the
    person's page shows it beside their own; export writes that person even when the carer
    cares for someone else too."""
    from tests.conversations.test_exchange import carer_line

    second = user_line(id="ext-5", subject={**user_line()["subject"], "ref": "P-9"})
    path = write(tmp_path, [user_line(), second, carer_line(), carer_line(id="ext-6")])
    run(path)
    run(
        write(
            tmp_path,
            [carer_line(id="ext-6", subject={**carer_line()["subject"], "cared_for_ref": "P-9"})],
            "second.jsonl",
        )
    )

    about = dict(
        Conversation.objects.filter(subject__ref="C-1").values_list("external_id", "cared_for__ref")
    )
    assert about == {"ext-2": "P-2", "ext-6": "P-9"}
    exported = export("--partnership", "ORK")
    lines = {line["id"]: line for line in map(json.loads, exported.splitlines())}
    assert lines["ext-2"]["subject"]["cared_for_ref"] == "P-2"
    assert lines["ext-6"]["subject"]["cared_for_ref"] == "P-9"
