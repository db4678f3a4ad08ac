"""Themes in what people said: counts equal a hand count on a small known data set, with
suppression; quotes only from signed-off conversations in scope, never names; CSV; scope."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from conversations.models import AuditAction, AuditEvent, Theme
from tests.factories import PersonFactory, answered_conversation
from tests.reporting.test_drilldown import review_with_words

pytestmark = pytest.mark.django_db

URL = reverse("reporting:themes")
DOWNLOAD = reverse("reporting:themes-download")
PERIOD = {"period": "2026-27"}


@pytest.fixture
def codebook(partnership) -> dict[str, Theme]:
    return {
        code: Theme.objects.create(partnership=partnership, code=code, label=label, order=n)
        for n, (code, label) in enumerate(
            [("transport", "Getting there"), ("dignity", "Dignity"), ("unused", "Unused")]
        )
    }


def coded(team, codebook, *, ref, themes, status="not_achieved", **kwargs):
    record = review_with_words(team, ref=ref, words=f"words of {ref}", status=status, **kwargs)
    record.themes.set([codebook[code] for code in themes])
    return record


@pytest.fixture
def known(team, other_team, codebook):
    """Transport: 6 records (4 not achieved, 2 achieved) in East; dignity: 2 records (below
    the threshold of 5); a draft and another team's record that a team leader of East must
    not see."""
    for n in range(4):
        coded(team, codebook, ref=f"T-{n}", themes=["transport"])
    for n in range(2):
        coded(team, codebook, ref=f"A-{n}", themes=["transport", "dignity"], status="achieved")
    coded(team, codebook, ref="D-1", themes=["transport"], conversation_status="draft")
    coded(other_team, codebook, ref="W-1", themes=["transport"])


def rows_of(response) -> dict[str, object]:
    return {row.theme.code: row for row in response.context["rows"]}


def test_counts_equal_a_hand_count_with_suppression(client, team_leader, known):
    client.force_login(team_leader)

    rows = rows_of(client.get(URL, PERIOD))

    transport = rows["transport"]
    assert transport.records == 6 and not transport.suppressed
    assert transport.counts["not_achieved"] == 4 and transport.counts["achieved"] == 2
    assert transport.counts["partly_achieved"] == 0
    dignity = rows["dignity"]
    assert dignity.records == 2 and dignity.suppressed
    assert set(dignity.counts.values()) == {None}
    assert dignity.quotes == []
    assert rows["unused"].records == 0


def test_quotes_are_the_newest_signed_off_words_in_scope_and_never_names(
    client, team_leader, known, person
):
    client.force_login(team_leader)

    response = client.get(URL, PERIOD)

    quotes = rows_of(response)["transport"].quotes
    assert len(quotes) == 3
    assert "words of D-1" not in quotes and "words of W-1" not in quotes
    page = response.content.decode()
    assert "words of D-1" not in page and "words of W-1" not in page
    assert "T-0" not in page  # references are not shown, let alone names
    event = AuditEvent.objects.get(action=AuditAction.VIEWED_THEMES)
    assert event.user == team_leader and event.detail["quotes"] == 3


def test_the_lead_counts_the_whole_partnership(client, partnership_lead, known):
    client.force_login(partnership_lead)

    rows = rows_of(client.get(URL, PERIOD))

    assert rows["transport"].records == 7  # East's six and West's one, not the draft


def test_the_counts_download_as_csv_without_words(client, team_leader, known):
    client.force_login(team_leader)

    response = client.get(DOWNLOAD, PERIOD)

    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_code = {row["theme"]: row for row in table}
    assert by_code["transport"]["records"] == "6" and by_code["transport"]["not_achieved"] == "4"
    assert by_code["dignity"]["records"] == "2" and by_code["dignity"]["achieved"] == ""
    assert by_code["dignity"]["suppressed"] == "yes"
    assert "words of" not in response.content.decode()


def test_a_label_that_looks_like_a_formula_is_made_inert(client, team_leader, partnership):
    Theme.objects.create(partnership=partnership, code="odd", label="=HYPERLINK(1)")
    client.force_login(team_leader)

    body = client.get(DOWNLOAD, PERIOD).content.decode()

    assert "'=HYPERLINK(1)" in body


def test_another_teams_scope_is_not_found(client, team_leader, other_team, foreign_team):
    client.force_login(team_leader)

    assert client.get(URL, {"team": other_team.code, **PERIOD}).status_code == 404
    assert client.get(DOWNLOAD, {"team": foreign_team.code, **PERIOD}).status_code == 404


def test_a_bad_period_is_a_clear_message_not_a_500(client, team_leader, codebook):
    client.force_login(team_leader)

    page = client.get(URL, {"period": "1999-00 Q9"})
    download = client.get(DOWNLOAD, {"period": "nonsense"})

    assert page.status_code == 200 and "There is a problem" in page.content.decode()
    assert download.status_code == 400


def test_no_codebook_says_how_to_start_one(client, team_leader):
    client.force_login(team_leader)

    assert "has no codebook yet" in client.get(URL, PERIOD).content.decode()


def test_a_retired_theme_still_counts_where_it_was_coded(client, team_leader, team, codebook):
    for n in range(5):
        coded(team, codebook, ref=f"R-{n}", themes=["unused"])
    codebook["unused"].retire()
    codebook["unused"].save()
    client.force_login(team_leader)

    rows = rows_of(client.get(URL, PERIOD))

    assert rows["unused"].records == 5


def test_a_partnership_with_people_but_no_coding_shows_zeros(client, team_leader, team, codebook):
    person = PersonFactory(partnership=team.partnership, ref="Z-1", teams=[team])
    answered_conversation(
        person=person, team=team, date_held=datetime.date(2026, 5, 1), answers={}, outcomes={}
    )
    client.force_login(team_leader)

    rows = rows_of(client.get(URL, PERIOD))

    assert {row.records for row in rows.values()} == {0}


def test_the_coded_words_download_has_words_but_no_names_or_references(
    client, team_leader, known, person
):
    person.name = "Morag Flett"
    person.save()
    client.force_login(team_leader)

    response = client.get(reverse("reporting:themes-words-download"), PERIOD)

    body = response.content.decode()
    table = list(csv.DictReader(io.StringIO(body)))
    assert len(table) == 6  # East's signed-off coded records: not the draft, not West's
    assert {row["themes"] for row in table} == {"transport", "dignity;transport"}
    assert {row["words"] for row in table} == {f"words of T-{n}" for n in range(4)} | {
        "words of A-0",
        "words of A-1",
    }
    assert {row["quarter"] for row in table} == {"2026-27 Q1"}
    assert not {"ref", "name", "date_of_birth", "person"} & set(table[0])
    assert "Morag" not in body and not any(row["conversation"].startswith("T-") for row in table)
    event = AuditEvent.objects.get(action=AuditAction.DOWNLOADED_CSV)
    assert event.detail["table"] == "coded_words" and len(event.detail["people"]) == 6


def test_coded_words_that_look_like_a_formula_are_made_inert(client, team_leader, team, codebook):
    coded(team, codebook, ref="F-1", themes=["transport"]).__class__.objects.filter(
        conversation__subject__ref="F-1"
    ).update(words="=cmd|' /C calc'!A0")
    client.force_login(team_leader)

    body = client.get(reverse("reporting:themes-words-download"), PERIOD).content.decode()

    assert "'=cmd|" in body


def test_the_page_breaks_themes_down_by_outcome_and_by_team(
    client, partnership_lead, team, other_team, codebook
):
    for n in range(5):
        coded(team, codebook, ref=f"E-{n}", themes=["transport"])
    for n in range(5):
        coded(other_team, codebook, ref=f"W-{n}", themes=["transport"], outcome="seeing_people")
    client.force_login(partnership_lead)

    response = client.get(URL, PERIOD)

    breakdowns = {title: rows for title, columns, rows in response.context["breakdowns"]}
    by_outcome = {row.theme.code: row for row in breakdowns["By outcome"]}["transport"]
    assert by_outcome.counts == {"feeling_safe": 5, "seeing_people": 5}
    by_team = {row.theme.code: row for row in breakdowns["By team"]}["transport"]
    assert by_team.counts == {"ORK-E": 5, "ORK-W": 5}


def test_a_team_leader_of_one_team_gets_no_team_breakdown(client, team_leader, known):
    client.force_login(team_leader)

    response = client.get(URL, {**PERIOD, "team": "ORK-E"})

    assert [title for title, _, _ in response.context["breakdowns"]] == ["By outcome"]
