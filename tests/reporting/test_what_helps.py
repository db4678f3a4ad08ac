"""What helps and what gets in the way: hand counts on a small known data set, suppression,
scope and the CSV."""

import csv
import io

import pytest
from django.urls import reverse

from conversations.models import Action, AuditAction, AuditEvent, OutcomeHelp
from tests.reporting.test_drilldown import review_with_words

pytestmark = pytest.mark.django_db

URL = reverse("reporting:what-helps")
DOWNLOAD = reverse("reporting:what-helps-download")
PERIOD = {"period": "2026-27"}


def record(team, ref, *, status, kinds=(), barriers=()):
    made = review_with_words(team, ref=ref, words="w", status=status, barriers=barriers)
    OutcomeHelp.objects.bulk_create(OutcomeHelp(record=made, kind=kind) for kind in kinds)
    return made


@pytest.fixture
def known(team):
    """Feeling safe: 6 reviews, 4 achieved; family helped 5 of them, equipment 2; transport
    held 2 back; every record has a services action (review_with_words adds one)."""
    for n in range(4):
        record(team, f"S-{n}", status="achieved", kinds=["family_friends"])
    record(
        team,
        "S-4",
        status="not_achieved",
        kinds=["family_friends", "equipment_adaptations"],
        barriers=["transport"],
    )
    record(
        team, "S-5", status="not_achieved", kinds=["equipment_adaptations"], barriers=["transport"]
    )


def row_for(response, code="feeling_safe"):
    return next(row for row in response.context["rows"] if row.code == code)


def test_figures_equal_a_hand_count(client, team_leader, known):
    client.force_login(team_leader)

    row = row_for(client.get(URL, PERIOD))

    assert (row.achieved, row.rated, row.achieved_percent) == (4, 6, 67)
    assert [(n.label, n.count) for n in row.helped] == [
        ("Family and friends", 5),
        ("Equipment or adaptations", 2),
    ]
    assert row.helped_records == 6
    assert row.barrier_records == 2 and row.barriers == []  # 2 records: below the threshold
    assert [(n.label, n.count) for n in row.owners] == [("Services", 6)]


def test_few_records_show_only_their_number(client, team_leader, team):
    record(team, "F-1", status="achieved", kinds=["own_strengths"])
    client.force_login(team_leader)

    row = row_for(client.get(URL, PERIOD))

    assert row.achieved is None and row.rated == 1
    assert row.helped == [] and row.helped_records == 1
    page = client.get(URL, PERIOD).content.decode()
    assert "own strengths" not in page.lower()


def test_another_teams_figures_are_not_in_a_team_leaders_scope(
    client, team_leader, other_team, known
):
    for n in range(5):
        record(other_team, f"W-{n}", status="achieved", kinds=["community_groups"])
    client.force_login(team_leader)

    row = row_for(client.get(URL, {**PERIOD, "team": "ORK-E"}))

    assert "Community and voluntary groups" not in [n.label for n in row.helped]
    assert client.get(URL, {**PERIOD, "team": "ORK-W"}).status_code == 404


def test_the_csv_holds_what_the_page_shows_and_is_audited(client, team_leader, known):
    client.force_login(team_leader)

    response = client.get(DOWNLOAD, PERIOD)

    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    figures = {(r["figure"], r["what"]): (r["count"], r["of_records"]) for r in table}
    assert figures[("achieved_at_review", "achieved")] == ("4", "6")
    assert figures[("helped_by", "Family and friends")] == ("5", "6")
    assert ("held_back_by", "Transport, or getting there") not in figures
    assert AuditEvent.objects.get(action=AuditAction.DOWNLOADED_CSV).detail["table"] == (
        "what_helps"
    )


def test_actions_without_an_owner_are_counted_as_not_decided(client, team_leader, known):
    Action.objects.update(owner="")
    client.force_login(team_leader)

    row = row_for(client.get(URL, PERIOD))

    assert [(n.label, n.count) for n in row.owners] == [("No owner recorded", 6)]
