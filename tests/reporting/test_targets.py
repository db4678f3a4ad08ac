"""Local improvement targets in the browser: who sees, sets, changes and removes them."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from conversations.models import Target
from frameworks.models import Measure
from frameworks.periods import Period
from reporting.forms import TargetForm
from tests.factories import PersonFactory, answered_conversation

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)
YEAR = "2026-27"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """Targets offer the current and next two financial years: pin "today"."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


def nm(code: str) -> Measure:
    return Measure.objects.get(code=code)


def make_target(*, partnership, team=None, measure="NM1", outcome="", period=YEAR, target="80"):
    return Target.objects.create(
        partnership=partnership,
        team=team,
        measure=nm(measure) if measure and not outcome else None,
        outcome_code=outcome,
        period=period,
        target=Decimal(target),
    )


def form_data(scope: str, **overrides) -> dict:
    data = {"scope": scope, "measure": "", "outcome_code": "", "period": YEAR, "target": "75"}
    data.update(overrides)
    return data


# --- anonymous, wrong method --------------------------------------------------------------


@pytest.mark.parametrize(
    "name,args",
    [
        ("targets", []),
        ("target-create", []),
        ("target-edit", [1]),
        ("target-delete", [1]),
    ],
)
def test_anonymous_goes_to_login(client, name, args):
    url = reverse(f"reporting:{name}", args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_list_refuses_post(client, team_leader):
    client.force_login(team_leader)
    assert client.post(reverse("reporting:targets")).status_code == 405


def test_outsider_without_any_role_gets_404(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="nobody"))
    assert client.get(reverse("reporting:targets")).status_code == 404
    assert client.get(reverse("reporting:target-create")).status_code == 403


# --- practitioners --------------------------------------------------------------------------


def test_practitioner_sees_their_teams_targets_but_cannot_set_or_change_them(
    client, practitioner, team, partnership
):
    target = make_target(partnership=partnership, team=team)
    client.force_login(practitioner)
    page = client.get(reverse("reporting:targets"))
    assert page.status_code == 200
    assert target in [row["target"] for row in page.context["rows"]]
    assert not page.context["can_set"]
    assert "Set a target" not in page.content.decode()
    assert client.get(reverse("reporting:target-create")).status_code == 403
    assert (
        client.post(reverse("reporting:target-create"), form_data(f"team-{team.pk}")).status_code
        == 403
    )
    assert client.get(reverse("reporting:target-edit", args=[target.pk])).status_code == 404
    response = client.post(reverse("reporting:target-delete", args=[target.pk]))
    assert response.status_code == 404
    assert Target.objects.filter(pk=target.pk).exists()


# --- team leaders ---------------------------------------------------------------------------


def test_team_leader_sets_a_target_for_their_team(client, team_leader, team, partnership):
    client.force_login(team_leader)
    form = client.get(reverse("reporting:target-create")).context["form"]
    assert [value for value, _ in form.fields["scope"].choices] == [f"team-{team.pk}"]
    response = client.post(
        reverse("reporting:target-create"),
        form_data(f"team-{team.pk}", measure=nm("NM1").pk, target="82.5", period="2027-28 Q2"),
    )
    assert response.status_code == 302
    assert response.url == reverse("reporting:targets")
    target = Target.objects.get()
    assert (target.partnership, target.team, target.measure.code) == (partnership, team, "NM1")
    assert (target.period, target.target, target.outcome_code) == (
        "2027-28 Q2",
        Decimal("82.5"),
        "",
    )
    assert target.set_by == team_leader
    listed = client.get(reverse("reporting:targets"))
    assert "82.5%" in listed.content.decode()


def test_team_leader_sets_an_outcome_target(client, team_leader, team):
    client.force_login(team_leader)
    response = client.post(
        reverse("reporting:target-create"),
        form_data(f"team-{team.pk}", outcome_code="having_a_say", target="60"),
    )
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.measure, target.outcome_code, target.team) == (None, "having_a_say", team)


def test_team_leader_cannot_set_a_target_for_another_team(
    client, team_leader, other_team, foreign_team
):
    client.force_login(team_leader)
    for team in (other_team, foreign_team):
        response = client.post(
            reverse("reporting:target-create"),
            form_data(f"team-{team.pk}", measure=nm("NM1").pk),
        )
        assert response.status_code == 200
        assert "scope" in response.context["form"].errors
    response = client.post(
        reverse("reporting:target-create"),
        form_data(f"partnership-{team_leader.memberships.get().partnership_id}", measure=1),
    )
    assert "scope" in response.context["form"].errors
    assert not Target.objects.exists()


def test_team_leader_cannot_change_another_teams_or_the_partnerships_target(
    client, team_leader, other_team, partnership
):
    others = make_target(partnership=partnership, team=other_team)
    whole = make_target(partnership=partnership)
    client.force_login(team_leader)
    for target in (others, whole):
        assert client.get(reverse("reporting:target-edit", args=[target.pk])).status_code == 404
        assert client.post(reverse("reporting:target-delete", args=[target.pk])).status_code == 404
    assert Target.objects.count() == 2
    # Neither is in a team leader's list: they see their own teams' targets.
    rows = client.get(reverse("reporting:targets")).context["rows"]
    assert rows == []


def test_team_leader_changes_and_removes_their_teams_target(client, team_leader, team, partnership):
    target = make_target(partnership=partnership, team=team, target="70")
    client.force_login(team_leader)
    page = client.get(reverse("reporting:target-edit", args=[target.pk]))
    assert page.context["form"].initial["scope"] == f"team-{team.pk}"
    response = client.post(
        reverse("reporting:target-edit", args=[target.pk]),
        form_data(f"team-{team.pk}", measure=nm("NM1").pk, target="72.5"),
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.target == Decimal("72.5")
    assert target.set_by == team_leader

    confirm = client.get(reverse("reporting:target-delete", args=[target.pk]))
    assert confirm.status_code == 200
    assert "Remove this target?" in confirm.content.decode()
    assert Target.objects.filter(pk=target.pk).exists()
    response = client.post(reverse("reporting:target-delete", args=[target.pk]))
    assert response.status_code == 302
    assert not Target.objects.filter(pk=target.pk).exists()


def test_duplicate_target_is_a_form_error_and_nothing_is_written(
    client, team_leader, team, partnership
):
    existing = make_target(partnership=partnership, team=team, target="70")
    client.force_login(team_leader)
    response = client.post(
        reverse("reporting:target-create"),
        form_data(f"team-{team.pk}", measure=nm("NM1").pk, target="90"),
    )
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert any("already a target for NM1 in 2026-27 for East" in e for e in errors)
    assert "There is a problem" in response.content.decode()
    assert Target.objects.count() == 1
    existing.refresh_from_db()
    assert existing.target == Decimal("70")


def test_duplicate_outcome_target_is_a_form_error(client, team_leader, team, partnership):
    make_target(partnership=partnership, team=team, outcome="feeling_safe")
    client.force_login(team_leader)
    response = client.post(
        reverse("reporting:target-create"),
        form_data(f"team-{team.pk}", outcome_code="feeling_safe"),
    )
    assert any("already a target" in e for e in response.context["form"].non_field_errors())
    assert Target.objects.count() == 1


def test_editing_into_an_existing_targets_place_is_refused(client, team_leader, team, partnership):
    make_target(partnership=partnership, team=team, measure="NM1")
    second = make_target(partnership=partnership, team=team, measure="NM2")
    client.force_login(team_leader)
    response = client.post(
        reverse("reporting:target-edit", args=[second.pk]),
        form_data(f"team-{team.pk}", measure=nm("NM1").pk),
    )
    assert response.status_code == 200
    second.refresh_from_db()
    assert second.measure.code == "NM2"


@pytest.mark.parametrize(
    "value,message",
    [
        ("150", "Enter a percentage from 0 to 100"),
        ("-1", "Enter a percentage from 0 to 100"),
        ("1000", "Enter a percentage from 0 to 100"),
        ("85.25", "Give the target to one decimal place at most"),
        ("lots", "Enter the target as a number"),
        ("", "Enter the target percentage"),
    ],
)
def test_bad_target_values_are_clear_errors(client, team_leader, team, value, message):
    client.force_login(team_leader)
    response = client.post(
        reverse("reporting:target-create"),
        form_data(f"team-{team.pk}", measure=nm("NM1").pk, target=value),
    )
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors["target"])
    assert message in response.content.decode()
    assert not Target.objects.exists()


def test_measure_or_outcome_but_not_both(client, team_leader, team):
    client.force_login(team_leader)
    both = client.post(
        reverse("reporting:target-create"),
        form_data(f"team-{team.pk}", measure=nm("NM1").pk, outcome_code="feeling_safe"),
    )
    assert "Choose a measure or an outcome, not both" in both.context["form"].errors["measure"]
    neither = client.post(reverse("reporting:target-create"), form_data(f"team-{team.pk}"))
    assert "Choose a measure or an outcome" in neither.context["form"].errors["measure"]
    assert not Target.objects.exists()


def test_period_choices_are_last_this_and_next_year_newest_first(team_leader):
    form = TargetForm(user=team_leader)
    values = [value for value, _ in form.fields["period"].choices]
    assert values[0] == ""  # a target is set ahead: no period is chosen for the user
    assert values[1:7] == [
        "2027-28",
        "2027-28 Q4",
        "2027-28 Q3",
        "2027-28 Q2",
        "2027-28 Q1",
        "2026-27",
    ]
    assert values[-5:] == ["2025-26", "2025-26 Q4", "2025-26 Q3", "2025-26 Q2", "2025-26 Q1"]
    assert len(values) == 16
    labels = dict(form.fields["period"].choices)
    assert labels["2026-27 Q1"] == "2026-27 Q1 (April to June 2026, still under way)"
    assert labels["2026-27 Q2"] == "2026-27 Q2 (July to September 2026, not yet begun)"
    assert labels["2025-26"] == "2025-26 (financial year, April 2025 to March 2026)"


def test_period_outside_the_choices_is_refused(client, team_leader, team):
    client.force_login(team_leader)
    for period in ("2019-20", "2026-28", "next year"):
        response = client.post(
            reverse("reporting:target-create"),
            form_data(f"team-{team.pk}", measure=nm("NM1").pk, period=period),
        )
        assert "period" in response.context["form"].errors
    assert not Target.objects.exists()


def test_form_has_fieldsets_legends_and_an_error_summary(client, team_leader, team):
    client.force_login(team_leader)
    html = client.post(reverse("reporting:target-create"), form_data(f"team-{team.pk}")).content
    html = html.decode()
    assert "<legend" in html and "Who it is for" in html
    assert "choose a measure or an outcome, not both" in html
    assert "data-error-summary" in html
    assert 'href="#id_measure"' in html


# --- partnership leads ----------------------------------------------------------------------


def test_partnership_lead_sets_a_partnership_target(client, partnership_lead, partnership, team):
    client.force_login(partnership_lead)
    form = client.get(reverse("reporting:target-create")).context["form"]
    assert [value for value, _ in form.fields["scope"].choices if value] == [
        f"partnership-{partnership.pk}"
    ]
    response = client.post(
        reverse("reporting:target-create"),
        form_data(f"partnership-{partnership.pk}", measure=nm("NM4").pk, target="65"),
    )
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.partnership, target.team, target.measure.code) == (partnership, None, "NM4")
    assert target.set_by == partnership_lead
    # A partnership lead sets the partnership's targets; team targets are the team leaders'.
    response = client.post(
        reverse("reporting:target-create"),
        form_data(f"team-{team.pk}", measure=nm("NM4").pk),
    )
    assert "scope" in response.context["form"].errors


def test_partnership_lead_sees_every_target_of_the_partnership_only(
    client, partnership_lead, partnership, team, other_team, other_partnership, foreign_team
):
    mine = [
        make_target(partnership=partnership),
        make_target(partnership=partnership, team=team),
        make_target(partnership=partnership, team=other_team),
    ]
    elsewhere = make_target(partnership=other_partnership, team=foreign_team)
    client.force_login(partnership_lead)
    rows = client.get(reverse("reporting:targets")).context["rows"]
    assert {row["target"] for row in rows} == set(mine)
    editable = {row["target"] for row in rows if row["can_edit"]}
    assert editable == {mine[0]}
    assert client.get(reverse("reporting:target-edit", args=[elsewhere.pk])).status_code == 404
    assert client.get(reverse("reporting:target-edit", args=[mine[1].pk])).status_code == 404


def test_outside_lead_cannot_touch_this_partnerships_targets(client, outside_lead, partnership):
    target = make_target(partnership=partnership)
    client.force_login(outside_lead)
    assert client.get(reverse("reporting:target-edit", args=[target.pk])).status_code == 404
    assert client.post(reverse("reporting:target-delete", args=[target.pk])).status_code == 404
    assert client.get(reverse("reporting:targets")).context["rows"] == []


# --- status ---------------------------------------------------------------------------------


def answer_nm1(team, answers: list[str], *, day=datetime.date(2026, 5, 10)) -> None:
    for answer in answers:
        person = PersonFactory(partnership=team.partnership, teams=[team])
        answered_conversation(person=person, team=team, date_held=day, answers={"NM1": answer})


def rows_by_pk(client) -> dict:
    return {
        row["target"].pk: row for row in client.get(reverse("reporting:targets")).context["rows"]
    }


def test_status_met_not_met_and_no_data(client, team_leader, team, other_team, partnership):
    answer_nm1(team, ["yes", "yes", "yes", "yes", "no"])  # 80.0% in team
    answer_nm1(other_team, ["no"] * 5)  # outside the team target's scope
    met = make_target(partnership=partnership, team=team, measure="NM1", target="80")
    not_met = make_target(
        partnership=partnership, team=team, measure="NM1", period="2026-27 Q1", target="80.1"
    )
    no_data = make_target(partnership=partnership, team=team, measure="NM2", target="50")
    future = make_target(partnership=partnership, team=team, measure="NM1", period="2027-28")
    client.force_login(team_leader)
    rows = rows_by_pk(client)
    assert rows[met.pk]["progress"].status == "met"
    assert rows[met.pk]["progress"].actual == Decimal("80.0")
    assert rows[not_met.pk]["progress"].status == "not_met"
    assert rows[no_data.pk]["progress"].status == "no_data"
    assert rows[future.pk]["progress"].status == "no_data"
    html = client.get(reverse("reporting:targets")).content.decode()
    for label in ("Met", "Not met", "No data"):
        assert f">{label}</span>" in html


def test_partnership_target_counts_the_whole_partnership(
    client, partnership_lead, team, other_team, partnership
):
    answer_nm1(team, ["yes"] * 5)
    answer_nm1(other_team, ["no"] * 5)
    target = make_target(partnership=partnership, measure="NM1", target="50")
    client.force_login(partnership_lead)
    progress = rows_by_pk(client)[target.pk]["progress"]
    assert progress.actual == Decimal("50.0")
    assert progress.status == "met"


def test_suppressed_figure_is_no_data(client, team_leader, team, partnership):
    answer_nm1(team, ["yes"] * 4)  # below the threshold of 5
    target = make_target(partnership=partnership, team=team, measure="NM1", target="10")
    client.force_login(team_leader)
    progress = rows_by_pk(client)[target.pk]["progress"]
    assert (progress.status, progress.actual) == ("no_data", None)


def review(team, statuses: dict[str, str], *, day=datetime.date(2026, 6, 1)):
    person = PersonFactory(partnership=team.partnership, teams=[team])
    return answered_conversation(
        person=person, team=team, date_held=day, answers={}, outcomes=statuses
    )


def test_outcome_target_status_is_the_achieved_rate_at_review(
    client, team_leader, team, other_team, partnership
):
    for status in ("achieved", "achieved", "achieved", "partly_achieved", "not_achieved"):
        review(team, {"having_a_say": status})
    review(team, {"having_a_say": "not_applicable"})  # not rated: not counted
    review(other_team, {"having_a_say": "not_achieved"})  # another team
    met = make_target(partnership=partnership, team=team, outcome="having_a_say", target="60")
    not_met = make_target(
        partnership=partnership,
        team=team,
        outcome="having_a_say",
        period="2026-27 Q1",
        target="60.1",
    )
    no_data = make_target(partnership=partnership, team=team, outcome="feeling_safe", target="1")
    client.force_login(team_leader)
    rows = rows_by_pk(client)
    assert rows[met.pk]["progress"].actual == Decimal("60.0")
    assert rows[met.pk]["progress"].status == "met"
    assert rows[not_met.pk]["progress"].status == "not_met"
    assert rows[no_data.pk]["progress"].status == "no_data"
    assert "Having a say" in rows[met.pk]["what"]


def test_outcome_target_counts_earlier_versions_through_equivalence(
    client, team_leader, team, partnership
):
    from conversations.models import OutcomeRecord
    from frameworks.models import Outcome

    choice = Outcome.objects.in_version("users", "2007").get(code="choice")
    for status in ("achieved", "achieved", "achieved", "not_achieved", "not_achieved"):
        conversation = review(team, {})
        conversation.framework_version = choice.version
        conversation.save()
        OutcomeRecord.objects.create(
            conversation=conversation, outcome=choice, matters=True, status=status
        )
    target = make_target(partnership=partnership, team=team, outcome="having_a_say", target="60")
    client.force_login(team_leader)
    progress = rows_by_pk(client)[target.pk]["progress"]
    assert (progress.actual, progress.status) == (Decimal("60.0"), "met")


def test_outcome_rate_suppressed_below_threshold_is_no_data(
    client, team_leader, team, partnership, settings
):
    settings.SUPPRESSION_THRESHOLD = 5
    for _ in range(4):
        review(team, {"feeling_safe": "achieved"})
    target = make_target(partnership=partnership, team=team, outcome="feeling_safe", target="10")
    client.force_login(team_leader)
    progress = rows_by_pk(client)[target.pk]["progress"]
    assert (progress.actual, progress.status) == (None, "no_data")


def test_list_queries_do_not_grow_with_targets_in_one_period(
    client, partnership_lead, partnership, team, django_assert_max_num_queries
):
    for code in ("NM1", "NM2", "NM3", "NM4"):
        make_target(partnership=partnership, measure=code)
        make_target(partnership=partnership, measure=code, period="2026-27 Q1")
    for code in ("feeling_safe", "having_a_say", "seeing_people"):
        make_target(partnership=partnership, outcome=code)
    assert Period.parse("2026-27 Q1")
    client.force_login(partnership_lead)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("reporting:targets"))
    assert len(response.context["rows"]) == 11


# --- a target must be able to have data -----------------------------------------------------


def carers_only(team):
    PersonFactory(partnership=team.partnership, teams=[team], is_carer=True)
    PersonFactory(partnership=team.partnership, teams=[team], is_carer=True)


def test_scope_roles_come_from_people_allocated_and_conversations_held(team, other_team):
    from reporting.targets import scope_roles

    partnership = team.partnership
    assert scope_roles(partnership=partnership, team=team) == frozenset()
    carers_only(team)
    assert scope_roles(partnership=partnership, team=team) == {"carer"}
    # A user seen by the team but allocated elsewhere: the team's population holds users too.
    user = PersonFactory(partnership=partnership, teams=[other_team])
    answered_conversation(person=user, team=team, date_held=TODAY, answers={}, status="draft")
    assert scope_roles(partnership=partnership, team=team) == {"carer", "user"}
    assert scope_roles(partnership=partnership, team=other_team) == {"user"}
    assert scope_roles(partnership=partnership, team=None) == {"carer", "user"}


@pytest.mark.parametrize("code", ["NM1", "NM3"])
def test_a_users_only_measure_for_a_carers_only_team_is_refused(client, team_leader, team, code):
    carers_only(team)
    client.force_login(team_leader)

    response = client.post(
        reverse("reporting:target-create"), form_data(f"team-{team.pk}", measure=nm(code).pk)
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["measure"]
    assert errors == [
        f"{code} counts people who use services only, and {team.name} holds unpaid carers "
        "only: this target could never have data. Choose a measure for unpaid carers."
    ]
    assert 'href="#id_measure"' in response.content.decode()  # the error summary links to it
    assert not Target.objects.exists()
    for allowed in ("NM2", "NM4"):
        client.post(
            reverse("reporting:target-create"),
            form_data(f"team-{team.pk}", measure=nm(allowed).pk),
        )
    assert set(Target.objects.values_list("measure__code", flat=True)) == {"NM2", "NM4"}


def test_the_carers_measure_for_a_team_without_carers_is_refused(client, team_leader, team):
    person = PersonFactory(partnership=team.partnership, teams=[team])
    answered_conversation(person=person, team=team, date_held=TODAY, answers={})
    client.force_login(team_leader)

    response = client.post(
        reverse("reporting:target-create"), form_data(f"team-{team.pk}", measure=nm("NM4").pk)
    )

    assert "NM4 counts unpaid carers only" in response.context["form"].errors["measure"][0]
    assert not Target.objects.exists()


def test_an_outcome_of_the_other_framework_is_refused_on_the_outcome_field(
    client, team_leader, team
):
    carers_only(team)
    client.force_login(team_leader)

    response = client.post(
        reverse("reporting:target-create"),
        form_data(f"team-{team.pk}", outcome_code="feeling_safe"),
    )

    error = response.context["form"].errors["outcome_code"][0]
    assert error.startswith("“Feeling safe” is asked of people who use services only")
    assert "Choose an outcome for unpaid carers." in error
    assert not Target.objects.exists()


def test_the_population_rule_is_explained_beside_the_scope(client, team_leader, team):
    client.force_login(team_leader)
    html = client.get(reverse("reporting:target-create")).content.decode()
    assert "allocated to it and those it has held conversations with" in html


def test_a_team_with_nobody_yet_is_not_judged(client, team_leader, team):
    client.force_login(team_leader)
    client.post(
        reverse("reporting:target-create"), form_data(f"team-{team.pk}", measure=nm("NM4").pk)
    )
    assert Target.objects.filter(measure__code="NM4", team=team).exists()


def test_team_figures_beside_the_partnerships_cannot_give_a_hidden_one_away(partnership, team):
    """Four teams' NM1 (3 of 3, 6 of 6, 20 of 30, 10 of 12) beside the partnership's 39 of
    51: the 3 is hidden for being small, and so is the 12, since hiding only the 6 as well
    would leave a hidden sum of 9 = 3 + 6 (issue 11); the checker agrees."""
    from reporting.targets import target_progress
    from tests.factories import TeamFactory
    from tests.reporting.disclosure_checker import row_set_given_away

    teams = [team, *(TeamFactory(partnership=partnership) for _ in range(3))]
    for each, (yes, answers) in zip(teams, [(3, 3), (6, 6), (20, 30), (10, 12)], strict=True):
        for index in range(answers):
            answered_conversation(
                person=PersonFactory(partnership=partnership, teams=[each]),
                team=each,
                date_held=datetime.date(2026, 5, 1),
                answers={"NM1": "yes" if index < yes else "no"},
            )
    targets = [make_target(partnership=partnership, team=each) for each in teams]
    whole = make_target(partnership=partnership)

    progress = target_progress([*targets, whole], today=TODAY)

    shown = [progress[t.pk] for t in targets]
    assert [p.actual is None for p in shown] == [True, False, False, True]
    assert progress[whole.pk].actual == Decimal("76.5")
    cells = [
        (None if p.actual is None else round(p.actual * p.denominator / 100), p.denominator)
        for p in shown
    ]
    assert row_set_given_away(cells, 39) == []
