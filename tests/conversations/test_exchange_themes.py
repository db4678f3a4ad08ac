"""Themes and kinds of help in the JSON Lines file (issue 10's line format) and the codebook in
the organisation file: imported, exported byte for byte, refused when bad (nothing written)."""

import json

import pytest

from conversations.models import AuditAction, AuditEvent, OutcomeHelp, OutcomeRecord, Theme
from conversations.services.organisation import OrganisationFileError, organisation_import
from tests.conversations.test_exchange import (
    counts,
    export,
    run,
    run_failing,
    user_line,
    with_outcome,
    write,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation(team, other_team, foreign_team, person):
    """As in test_exchange: ORK (teams ORK-E, ORK-W, person P-1) and SHE."""
    return team.partnership


@pytest.fixture
def codebook(organisation, foreign_team):
    Theme.objects.create(partnership=organisation, code="transport", label="Getting there")
    Theme.objects.create(partnership=organisation, code="dignity", label="Dignity")
    Theme.objects.create(partnership=foreign_team.partnership, code="theirs", label="Not ORK's")
    return organisation


def coded_line(**changes) -> dict:
    """A line as export writes it: helping and its kinds after the status and words, themes
    after the barrier words."""
    line = user_line()
    first = dict(line["outcomes"][0])
    first.update(
        {
            "helping": "My neighbour drops in",
            "helping_kinds": ["family_friends", "own_strengths"],
            "barrier_words": "No bus after six",
            "themes": ["dignity", "transport"],
        }
    )
    first.update(changes)
    line["outcomes"] = [first, *line["outcomes"][1:]]
    return line


def stored(code="feeling_safe") -> tuple[list[str], list[str]]:
    record = OutcomeRecord.objects.get(conversation__external_id="ext-1", outcome__code=code)
    return (
        sorted(record.themes.values_list("code", flat=True)),
        sorted(OutcomeHelp.objects.filter(record=record).values_list("kind", flat=True)),
    )


def test_a_canonical_file_with_themes_and_kinds_of_help_exports_byte_for_byte(codebook, tmp_path):
    path = write(tmp_path, [coded_line()])
    run(path)

    assert stored() == (["dignity", "transport"], ["family_friends", "own_strengths"])
    assert export("--partnership", "ORK") == path.read_text(encoding="utf-8")


def test_coding_done_in_the_browser_survives_export_import_export(codebook, tmp_path):
    run(write(tmp_path, [user_line()]))
    record = OutcomeRecord.objects.get(
        conversation__external_id="ext-1", outcome__code="feeling_safe"
    )
    record.themes.add(Theme.objects.get(code="dignity"))
    OutcomeHelp.objects.create(record=record, kind="community_groups")
    first = export("--partnership", "ORK")
    output = tmp_path / "export.jsonl"
    output.write_text(first, encoding="utf-8")
    record.themes.clear()
    OutcomeHelp.objects.all().delete()

    run(output)

    assert stored() == (["dignity"], ["community_groups"])
    assert export("--partnership", "ORK") == first


def test_reimporting_replaces_the_coding_with_what_the_file_gives(codebook, tmp_path):
    run(write(tmp_path, [coded_line()]))

    run(write(tmp_path, [coded_line(themes=["transport"], helping_kinds=[])], "again.jsonl"))

    assert stored() == (["transport"], [])


def test_a_retired_theme_still_imports(codebook, tmp_path):
    Theme.objects.filter(code="dignity").update(retired_at="2026-01-01T00:00:00Z")

    run(write(tmp_path, [coded_line(themes=["dignity"])]))

    assert stored()[0] == ["dignity"]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"themes": ["nonsense"]}, "theme 'nonsense' is not in the partnership's codebook"),
        ({"themes": ["theirs"]}, "theme 'theirs' is not in the partnership's codebook"),
        ({"themes": "dignity"}, "'themes' must be a list of codes"),
        ({"helping_kinds": ["magic"]}, "unknown helping kind 'magic'"),
        ({"helping_kinds": [["family_friends"]]}, "unknown helping kind"),
    ],
)
def test_a_bad_theme_or_kind_refuses_the_whole_file(codebook, tmp_path, changes, reason):
    before = counts()
    good = user_line(id="ext-9")

    errors = run_failing(write(tmp_path, [good, with_outcome(**changes)]))

    assert "line 2" in errors and reason in errors
    assert counts() == before


def test_the_organisation_file_keeps_the_codebook(organisation):
    def load(themes):
        text = json.dumps({"partnerships": [{"code": "ORK", "name": "Orkney", "themes": themes}]})
        return organisation_import(text=text)

    first = load([{"code": "getting_out", "label": "Getting out", "description": "Out and about"}])
    again = load([{"code": "getting_out", "label": "Getting out"}])

    theme = Theme.objects.get(partnership=organisation, code="getting_out")
    assert (theme.label, theme.description) == ("Getting out", "")
    assert first.counts["themes"]["created"] == 1 and again.counts["themes"]["updated"] == 1
    assert (
        AuditEvent.objects.filter(
            action__in=[AuditAction.THEME_CREATED, AuditAction.THEME_CHANGED]
        ).count()
        == 2
    )

    with pytest.raises(OrganisationFileError) as refused:
        load([{"code": "Bad Code", "label": "x"}, {"code": "ok", "label": ""}])
    assert any("Bad Code" in problem for problem in refused.value.problems)
    assert any("'label'" in problem for problem in refused.value.problems)
    assert not Theme.objects.filter(code="ok").exists()
