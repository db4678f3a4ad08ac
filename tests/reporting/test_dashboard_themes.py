"""The dashboard's themes section: counts by status at review equal a hand count on a small
known data set, with suppression, in the user's scope; its CSV is what the page shows, audited
and formula-escaped; a partnership without a codebook is told so."""

import csv
import io
import re

import pytest
from django.urls import reverse

from conversations.models import AuditAction, AuditEvent, Theme
from tests.factories import PersonFactory, TeamFactory, make_team_leader
from tests.reporting import test_themes_report as themes_report

pytestmark = pytest.mark.django_db

# The themes report's small known data set (see its ``known`` fixture for the hand count).
codebook = themes_report.codebook
known = themes_report.known
coded = themes_report.coded

URL = reverse("reporting:dashboard")
DOWNLOAD = reverse("reporting:dashboard-download", args=["themes"])
PERIOD = {"period": "2026-27"}
STATUSES = ["achieved", "partly_achieved", "not_achieved", "not_applicable", "not_rated"]
HIDDEN = "suppressed (fewer than 5 records)"


def section(response) -> str:
    """The themes section's HTML."""
    html = response.content.decode()
    start = html.index('<section id="themes"')
    return html[start : html.index("</section>", start)]


def table_rows(response) -> dict[str, list[str]]:
    """``theme label -> [records, achieved, partly, not achieved, not applicable, not rated]``
    as the page shows them (a suppressed theme: its records and one cell saying so), without
    what only a screen reader hears."""
    body = section(response)
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>")[1], flags=re.S):
        label = re.search(r'<th scope="row">([^<]*)', row).group(1).strip()
        cells = [
            re.sub(r"<[^>]+>", "", re.sub(r'<span class="visually-hidden">.*?</span>', "", c))
            for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        ]
        rows[label] = [cell.strip() for cell in cells]
    return rows


def test_the_counts_equal_a_hand_count_with_suppression(client, team_leader, known):
    client.force_login(team_leader)

    response = client.get(URL, PERIOD)

    # Transport: four not achieved and two achieved in East (not the draft, not West's).
    # Dignity: two records, below the threshold of five: only its number is shown.
    assert table_rows(response) == {
        "Getting there": ["6", "2", "0", "4", "0", "0"],
        "Dignity": ["2", HIDDEN],
        "Unused": ["0", "none coded in this period"],
    }
    rows = {row.theme.code: row for row in response.context["themes"]["rows"]}
    assert rows["dignity"].suppressed and set(rows["dignity"].counts.values()) == {None}
    assert [column.key for column in response.context["themes"]["columns"]] == STATUSES


def test_each_count_links_to_the_theme_on_the_themes_page_and_no_words_are_shown(
    client, team_leader, known
):
    client.force_login(team_leader)

    response = client.get(URL, PERIOD)

    body = section(response)
    themes_page = f"{reverse('reporting:themes')}?period=2026-27"
    assert f'href="{themes_page}#theme-transport"' in body
    assert f'href="{themes_page}#theme-unused"' not in body  # nothing to see: no link
    assert "words of" not in response.content.decode()  # quotes stay on the themes page
    themes = client.get(reverse("reporting:themes"), PERIOD).content.decode()
    assert 'id="theme-transport"' in themes


def test_a_team_leader_counts_only_their_team_and_the_lead_the_partnership(
    client, team_leader, partnership_lead, other_team, known
):
    client.force_login(team_leader)
    assert table_rows(client.get(URL, PERIOD))["Getting there"][0] == "6"
    assert client.get(URL, {**PERIOD, "team": other_team.code}).status_code == 404
    assert client.get(DOWNLOAD, {**PERIOD, "team": other_team.code}).status_code == 404

    client.force_login(partnership_lead)
    assert table_rows(client.get(URL, PERIOD))["Getting there"][0] == "7"
    west = table_rows(client.get(URL, {**PERIOD, "team": other_team.code}))
    assert west["Getting there"] == ["1", HIDDEN]


def test_a_partnership_elsewhere_never_adds_to_the_counts(
    client, team_leader, other_partnership, known
):
    theirs = Theme.objects.create(partnership=other_partnership, code="transport", label="Far")
    team = TeamFactory(partnership=other_partnership, code="SHE-S", name="South")
    for n in range(5):
        coded(team, {"transport": theirs}, ref=f"S-{n}", themes=["transport"])
    client.force_login(team_leader)

    rows = table_rows(client.get(URL, PERIOD))

    assert "Far" not in rows and rows["Getting there"][0] == "6"


def test_the_csv_is_what_the_page_shows_and_is_audited(client, team_leader, known):
    client.force_login(team_leader)
    shown = table_rows(client.get(URL, PERIOD))

    response = client.get(DOWNLOAD, PERIOD)

    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.content.decode())))

    def as_shown(row: dict[str, str]) -> list[str]:
        if row["records"] == "0":
            return ["0", "none coded in this period"]
        if row["suppressed"] == "yes" and not any(row[s] for s in STATUSES):
            return [row["records"], HIDDEN]
        return [row["records"], *(row[s] for s in STATUSES)]

    downloaded = {row["label"]: as_shown(row) for row in table}
    assert downloaded == shown
    assert {row["theme"]: row["suppressed"] for row in table} == {
        "transport": "no",
        "dignity": "yes",
        "unused": "yes",  # no records: below the threshold too
    }
    event = AuditEvent.objects.get(action=AuditAction.DOWNLOADED_CSV)
    assert event.user == team_leader
    assert event.detail == {
        "partnership": "ORK",
        "team": "",
        "period": "2026-27",
        "table": "themes",
    }
    assert "words of" not in response.content.decode()


def test_a_label_that_looks_like_a_formula_is_made_inert_in_the_csv(
    client, team_leader, partnership
):
    Theme.objects.create(partnership=partnership, code="odd", label="=HYPERLINK(1)")
    client.force_login(team_leader)

    body = client.get(DOWNLOAD, PERIOD).content.decode()

    assert "'=HYPERLINK(1)" in body


def test_without_a_codebook_a_lead_is_pointed_to_it_and_others_are_told(
    client, team_leader, partnership_lead
):
    codebook_url = reverse("conversations:codebook")

    client.force_login(team_leader)
    told = section(client.get(URL, PERIOD))
    client.force_login(partnership_lead)
    pointed = section(client.get(URL, PERIOD))

    assert "has no codebook of themes yet" in told and codebook_url not in told
    assert "dash-themes-table" not in told
    assert "has no codebook of themes yet" in pointed and f'href="{codebook_url}"' in pointed


def test_a_retired_theme_still_counts_where_it_was_coded_and_is_marked(
    client, team_leader, team, codebook
):
    for n in range(5):
        coded(team, codebook, ref=f"R-{n}", themes=["unused"], status="achieved")
    codebook["unused"].retire()
    codebook["unused"].save()
    client.force_login(team_leader)

    response = client.get(URL, PERIOD)

    assert table_rows(response)["Unused"] == ["5", "5", "0", "0", "0", "0"]
    assert "(retired)" in section(response)


def test_a_team_leader_of_another_partnership_sees_their_own_codebook(
    client, other_partnership, known
):
    team = TeamFactory(partnership=other_partnership, code="SHE-S", name="South")
    leader = make_team_leader(team, "south-leader")
    PersonFactory(partnership=other_partnership, teams=[team])
    client.force_login(leader)

    response = client.get(URL, PERIOD)

    assert "has no codebook of themes yet" in section(response)
