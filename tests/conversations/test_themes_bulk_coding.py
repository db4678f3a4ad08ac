"""A team leader codes words in bulk from the drill-down: scoped to their teams, all or
nothing, every change audited."""

import pytest
from django.urls import reverse

from conversations.models import AuditAction, AuditEvent, OutcomeRecord, Theme
from tests.reporting.test_drilldown import review_with_words

pytestmark = pytest.mark.django_db

CODE = reverse("conversations:words-code")
DRILLDOWN = reverse("reporting:drilldown")
FIGURE = {"outcome": "feeling_safe", "status": "not_achieved", "period": "2026-27"}


@pytest.fixture
def theme(partnership) -> Theme:
    return Theme.objects.create(partnership=partnership, code="transport", label="Getting there")


@pytest.fixture
def twenty(team) -> list[OutcomeRecord]:
    return [review_with_words(team, ref=f"B-{n:02d}", words=f"bus {n}") for n in range(20)]


def themes_of(records) -> set[tuple[int, ...]]:
    return {
        tuple(OutcomeRecord.objects.get(pk=r.pk).themes.values_list("code", flat=True))
        for r in records
    }


def test_a_team_leader_codes_twenty_words_at_once(client, team_leader, theme, twenty):
    client.force_login(team_leader)
    back = f"{DRILLDOWN}?outcome=feeling_safe&status=not_achieved&period=2026-27"

    response = client.post(
        CODE,
        {"theme": theme.pk, "records": [r.pk for r in twenty], "action": "add", "next": back},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == back
    assert "20 records coded with “Getting there”" in response.content.decode()
    assert themes_of(twenty) == {("transport",)}
    events = AuditEvent.objects.filter(action=AuditAction.WORDS_CODED)
    assert events.count() == 20
    assert {tuple(e.changes.values())[0][1][0] for e in events} == {"transport"}
    assert all(e.user == team_leader for e in events)


def test_taking_a_theme_off(client, team_leader, theme, twenty):
    for record in twenty[:3]:
        record.themes.add(theme)
    client.force_login(team_leader)

    client.post(
        CODE, {"theme": theme.pk, "records": [r.pk for r in twenty[:3]], "action": "remove"}
    )

    assert themes_of(twenty[:3]) == {()}
    event = AuditEvent.objects.filter(action=AuditAction.WORDS_CODED).first()
    assert list(event.changes.values()) == [[["transport"], []]]


def test_another_teams_record_in_the_batch_writes_nothing(
    client, team_leader, theme, twenty, other_team
):
    elsewhere = review_with_words(other_team, ref="W-1", words="West's words")
    client.force_login(team_leader)

    response = client.post(
        CODE, {"theme": theme.pk, "records": [twenty[0].pk, elsewhere.pk], "action": "add"}
    )

    assert response.status_code == 404
    assert themes_of([twenty[0], elsewhere]) == {()}
    assert not AuditEvent.objects.filter(action=AuditAction.WORDS_CODED).exists()


@pytest.mark.parametrize("who", ["practitioner", "partnership_lead", "outside_lead"])
def test_only_a_team_leader_codes_in_bulk(client, request, who, theme, twenty):
    client.force_login(request.getfixturevalue(who))

    response = client.post(CODE, {"theme": theme.pk, "records": [twenty[0].pk]})

    assert response.status_code == 404
    assert themes_of([twenty[0]]) == {()}


def test_a_retired_theme_or_no_records_is_a_clear_message(client, team_leader, theme, twenty):
    client.force_login(team_leader)

    nothing = client.post(CODE, {"theme": theme.pk}, follow=True)
    theme.retire()
    theme.save()
    retired = client.post(CODE, {"theme": theme.pk, "records": [twenty[0].pk]}, follow=True)

    assert "Choose at least one person" in nothing.content.decode()
    assert "is retired" in retired.content.decode()
    assert themes_of([twenty[0]]) == {()}


@pytest.mark.parametrize("junk", [{"theme": "x"}, {"theme": "1", "records": ["y"]}])
def test_junk_is_not_found_not_a_500(client, team_leader, junk):
    client.force_login(team_leader)

    assert client.post(CODE, junk).status_code == 404


def test_a_next_elsewhere_is_not_followed(client, team_leader, theme, twenty):
    client.force_login(team_leader)

    response = client.post(
        CODE, {"theme": theme.pk, "records": [twenty[0].pk], "next": "https://evil.example/"}
    )

    assert response.url == reverse("conversations:codebook")


def test_the_drilldown_offers_coding_to_team_leaders_only(
    client, team_leader, partnership_lead, theme, twenty
):
    client.force_login(team_leader)
    page = client.get(DRILLDOWN, FIGURE).content.decode()
    assert "Code the words with a theme" in page
    assert page.count('name="records"') == 20

    client.force_login(partnership_lead)
    page = client.get(DRILLDOWN, FIGURE).content.decode()
    assert "Code the words with a theme" not in page and 'name="records"' not in page
