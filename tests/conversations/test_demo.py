"""The demo conversations: deterministic, accepted by the real importer, safe to seed twice,
and telling the stories the dashboards are meant to show."""

import json
import re
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from conversations.demo import demo_lines, demo_subjects, seed_conversations, seed_organisation
from conversations.demo.casestudies import (
    BOB,
    CASE_STUDY_PEOPLE,
    JAMES,
    MARGARET,
    MR_A,
    TARIQ,
    case_study_records,
)
from conversations.demo.stories import (
    DemoSubject,
    demo_conversation_lines,
    demo_conversation_records,
    demo_window,
)
from conversations.models import Conversation, Goal, OutcomeRecord, Person
from conversations.models.records import add_months, default_review_due
from conversations.services.exchange import conversations_check, conversations_import

TODAY = date(2026, 3, 20)  # late in 2025-26 Q4: the window is 2024-25 Q1 to today


def demo_like_people() -> list[DemoSubject]:
    """The shape of the seeded demo without a database: teams, client groups and carers."""
    teams = [
        ("LOCHARD-N", 36, ["older_people", "physical_disability"]),
        ("LOCHARD-S", 30, ["older_people", "physical_disability", "other"]),
        ("LOCHARD-MH", 24, ["mental_health", "substance_use"]),
        ("LOCHARD-LD", 18, ["learning_disability"]),
    ]
    people = []
    for team, count, groups in teams:
        key = team.split("-")[1]
        for number in range(1, count + 1):
            group = groups[number % len(groups)]
            people.append(DemoSubject("LOCHARD", team, f"{key}-{number:04d}", "user", group))
    for number in range(1, 23):
        cared_for = f"N-{number:04d}" if number % 2 else f"MH-{number:04d}"
        people.append(
            DemoSubject(
                "LOCHARD", "LOCHARD-CS", f"CS-{number:04d}", "carer", "carer_support", cared_for
            )
        )
    for number in range(1, 11):
        people.append(DemoSubject("GLENMOR", "GLENMOR-C", f"C-{number:04d}", "user"))
    return people


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return demo_conversation_records(people=demo_like_people(), today=TODAY)


@pytest.fixture(scope="module")
def case_studies() -> list[dict]:
    return case_study_records(today=TODAY)


def review_statuses(
    records: list[dict], code: str, keep: Callable[[dict], bool] = lambda record: True
) -> Counter:
    return Counter(
        outcome["status"]
        for record in records
        if record["type"] == "review" and record["status"] == "completed" and keep(record)
        for outcome in record["outcomes"]
        if outcome["code"] == code
    )


def share(counts: Counter, *statuses: str) -> float:
    total = sum(counts.values())
    assert total >= 15, f"too few to compare: {counts}"
    return sum(counts[status] for status in statuses) / total


def in_team(team: str) -> Callable[[dict], bool]:
    return lambda record: record["team"] == team


# --- the generator, without a database ------------------------------------------------------


def test_the_same_inputs_give_the_same_lines() -> None:
    people = demo_like_people()
    first = list(demo_conversation_lines(people=people, today=TODAY))
    assert first == list(demo_conversation_lines(people=list(reversed(people)), today=TODAY))
    assert first != list(demo_conversation_lines(people=people, today=TODAY, seed=7))


def test_one_persons_story_does_not_depend_on_the_others(records: list[dict]) -> None:
    alone = demo_conversation_records(people=demo_like_people()[:1], today=TODAY)
    ref = alone[0]["subject"]["ref"]
    assert alone == [record for record in records if record["subject"]["ref"] == ref]


def test_a_realistic_demo_set_is_a_few_hundred_conversations(records: list[dict]) -> None:
    assert 600 <= len(records) <= 1000
    assert len({(record["partnership"], record["id"]) for record in records}) == len(records)
    assert {record["partnership"] for record in records} == {"LOCHARD", "GLENMOR"}
    assert 20 <= sum(record["partnership"] == "GLENMOR" for record in records) <= 80


def test_conversations_fall_in_the_last_eight_quarters(records: list[dict]) -> None:
    first_day, last_day = demo_window(TODAY)
    assert first_day == date(2024, 4, 1)
    dates = sorted(record["date"] for record in records)
    assert first_day.isoformat() <= dates[0] and dates[-1] <= last_day.isoformat()
    assert [record["date"] for record in records] == dates
    assert all(date.fromisoformat(day).weekday() < 5 for day in dates)


def test_each_story_is_assessment_then_support_plan_then_reviews(records: list[dict]) -> None:
    stories: dict[str, list[dict]] = {}
    for record in records:
        stories.setdefault(record["subject"]["ref"], []).append(record)
    for story in stories.values():
        kinds = [record["type"] for record in story]
        assert kinds[0] == "assessment"
        assert set(kinds[2:]) <= {"review"}
        if len(story) > 1:
            assert kinds[1] == "support_plan"
            gap = date.fromisoformat(story[1]["date"]) - date.fromisoformat(story[0]["date"])
            assert 14 <= gap.days <= 40
        for earlier, later in zip(story[1:], story[2:], strict=False):
            gap = date.fromisoformat(later["date"]) - date.fromisoformat(earlier["date"])
            assert 85 <= gap.days <= 190


def test_most_are_signed_off_a_day_or_two_later_and_only_recent_ones_are_drafts(
    records: list[dict],
) -> None:
    drafts = [record for record in records if record["status"] == "draft"]
    assert 1 <= len(drafts) <= 25
    assert all((TODAY - date.fromisoformat(r["date"])).days <= 14 for r in drafts)
    assert all(record["completed_at"] is None for record in drafts)
    for record in records:
        if record["status"] == "completed":
            signed = date.fromisoformat(record["completed_at"][:10])
            assert 0 <= (signed - date.fromisoformat(record["date"])).days <= 3
            assert record["completed_at"].endswith("Z")


def test_nothing_is_signed_off_later_than_yesterday(records: list[dict]) -> None:
    """Loaded just after midnight, a sign-off timed later today would be in the future, and the
    import refuses the whole file (``make run`` failed in the small hours before this)."""
    signed = [
        date.fromisoformat(record["completed_at"][:10])
        for record in records
        if record["completed_at"]
    ]
    assert signed and max(signed) < TODAY


def test_signed_off_conversations_carry_the_review_date_they_were_signed_off_with(
    records: list[dict],
) -> None:
    for record in records:
        if record["status"] == "draft":
            assert "review_due" not in record
            continue
        due = date.fromisoformat(record["review_due"])
        held = date.fromisoformat(record["date"])
        if record["type"] == "review":
            assert due in {add_months(held, months) for months in (3, 4, 6)}
        else:
            assert due == default_review_due(type=record["type"], date_held=held)
    review_months = Counter(
        (date.fromisoformat(r["review_due"]) - date.fromisoformat(r["date"])).days // 28
        for r in records
        if r["type"] == "review" and r["status"] == "completed"
    )
    assert len(review_months) >= 3  # three to six months, not one fixed interval


def goal_records(records: list[dict]) -> list[tuple[dict, dict]]:
    """``(conversation, outcome)`` for every outcome recorded as separate goals."""
    return [
        (record, outcome)
        for record in records
        for outcome in record["outcomes"]
        if "goals" in outcome
    ]


def test_generated_conversations_have_no_separate_goals(records: list[dict]) -> None:
    """Two goals under one outcome belong to Bob's written-out story, not to the generator."""
    assert goal_records(records) == []


def test_bob_has_two_goals_under_improved_skills(case_studies: list[dict]) -> None:
    found = goal_records(case_studies)

    assert {(r["team"], r["subject"]["ref"]) for r, _ in found} == {("LOCHARD-N", BOB)}
    story = [r for r in case_studies if r["subject"]["ref"] == BOB]
    assert len(found) == len(story)  # from the assessment on, in every conversation
    assert {outcome["code"] for _, outcome in found} == {"improved_skills"}
    for record, outcome in found:
        goals = outcome["goals"]
        assert len(goals) == 2
        assert len({goal["words"] for goal in goals}) == 2
        assert all(goal["words"] and "{" not in goal["words"] for goal in goals)
        if record["type"] == "review":
            assert outcome["status"] in {"achieved", "partly_achieved", "not_achieved"}
            assert all(goal["status"] for goal in goals)
        else:
            assert all(goal["status"] is None for goal in goals)
    reviews = [(r, o) for r, o in found if r["type"] == "review" and r["status"] == "completed"]
    assert len(reviews) >= 2
    assert any("computer" in o["goals"][0]["words"] for _, o in reviews)
    assert any("bank" in o["goals"][1]["words"] for _, o in found)
    # The two goals move at their own pace: the computer first, the money later.
    first_review = reviews[0][1]["goals"]
    assert first_review[0]["status"] != first_review[1]["status"]


def test_the_case_studies_are_signed_off_in_the_window_on_any_day() -> None:
    for day in (date(2026, 4, 1), date(2026, 7, 15), date(2027, 1, 4), TODAY):
        first_day, _ = demo_window(day)
        story = case_study_records(today=day)
        assert all(first_day.isoformat() <= r["date"] < day.isoformat() for r in story), day
        assert all(r["completed_at"][:10] < day.isoformat() for r in story), day
        assert all(date.fromisoformat(r["date"]).weekday() < 5 for r in story), day
        assert any(r["type"] == "review" and goal_records([r]) for r in story), day


def test_statuses_only_at_review_with_words_for_every_outcome(records: list[dict]) -> None:
    for record in records:
        assert record["outcomes"], record["id"]
        for outcome in record["outcomes"]:
            assert outcome["matters"] is True
            assert outcome["words"] and "{" not in outcome["words"]
            if record["type"] == "review":
                assert outcome["status"] in {
                    "achieved",
                    "partly_achieved",
                    "not_achieved",
                    "not_applicable",
                }
            else:
                assert outcome["status"] is None
            if outcome["barriers"]:
                assert outcome["barrier_words"] and "{" not in outcome["barrier_words"]
    support_plans = [record for record in records if record["type"] == "support_plan"]
    assert all(o["actions"] for record in support_plans for o in record["outcomes"])


def test_measures_are_asked_of_their_population_with_some_left_unanswered(
    records: list[dict],
) -> None:
    answers: Counter = Counter()
    for record in records:
        allowed = {"NM2", "NM4"} if record["subject"]["role"] == "carer" else {"NM1", "NM2", "NM3"}
        assert set(record["measures"]) <= allowed
        answers.update(record["measures"].values())
    assert answers["yes"] > answers["partly"] > answers["no"] > 0
    assert answers["not_answered"] > 0
    asked = [record for record in records if record["type"] != "support_plan"]
    omitted = sum(
        len({"NM2", "NM4"} if r["subject"]["role"] == "carer" else {"NM1", "NM2", "NM3"})
        - len(r["measures"])
        for r in asked
    )
    assert omitted > 0


def test_earlier_framework_versions_appear_early_on(records: list[dict]) -> None:
    versions = Counter((r["framework"], r["framework_version"]) for r in records)
    assert versions[("users", "2012")] > versions[("users", "2007")] > 0
    assert versions[("carers", "2013")] > versions[("carers", "2008")] > 0
    early = [r for r in records if r["framework_version"] in {"2007", "2008"}]
    assert max(r["date"] for r in early) < "2024-07-01"
    codes_2007 = {o["code"] for r in early if r["framework"] == "users" for o in r["outcomes"]}
    assert codes_2007 & {"living_as_you_want", "living_where_you_want", "choice", "reliability"}


def test_carers_talk_about_carers_outcomes_and_name_who_they_care_for(
    records: list[dict],
) -> None:
    carers = [r for r in records if r["subject"]["role"] == "carer"]
    assert carers and all(r["framework"] == "carers" for r in carers)
    assert all(r["subject"]["cared_for_ref"] for r in carers)
    assert all(r["subject"]["client_group"] == "carer_support" for r in carers)


# --- the stories the dashboards tell --------------------------------------------------------


def test_north_is_safe_but_rarely_sees_people_and_blames_transport(records: list[dict]) -> None:
    north = review_statuses(records, "seeing_people", in_team("LOCHARD-N"))
    for other in ("LOCHARD-S", "LOCHARD-MH"):
        elsewhere = review_statuses(records, "seeing_people", in_team(other))
        assert share(north, "not_achieved") > share(elsewhere, "not_achieved") + 0.1
    north_safe = review_statuses(records, "feeling_safe", in_team("LOCHARD-N"))
    south_safe = review_statuses(records, "feeling_safe", in_team("LOCHARD-S"))
    assert share(north_safe, "achieved") > share(south_safe, "achieved") + 0.15
    barriers = Counter(
        barrier
        for r in records
        if r["team"] == "LOCHARD-N"
        for o in r["outcomes"]
        if o["code"] == "seeing_people"
        for barrier in o["barriers"]
    )
    assert barriers.most_common(1)[0][0] == "transport"


def test_mental_health_improves_over_the_quarters(records: list[dict]) -> None:
    def achieved(keep: Callable[[dict], bool]) -> float:
        counts: Counter = Counter()
        for code in ("staying_well", "improved_confidence_and_morale", "reduced_symptoms"):
            counts += review_statuses(records, code, keep)
        return share(counts, "achieved")

    first_year = achieved(lambda r: r["team"] == "LOCHARD-MH" and r["date"] < "2025-04-01")
    second_year = achieved(lambda r: r["team"] == "LOCHARD-MH" and r["date"] >= "2025-04-01")
    assert second_year > first_year + 0.2


def test_learning_disability_has_things_to_do(records: list[dict]) -> None:
    ld = review_statuses(records, "having_things_to_do", in_team("LOCHARD-LD"))
    others = review_statuses(records, "having_things_to_do", lambda r: r["team"] != "LOCHARD-LD")
    assert share(ld, "achieved") > share(others, "achieved") + 0.2


def test_carers_struggle_most_for_a_life_of_their_own(records: list[dict]) -> None:
    carers = [r for r in records if r["subject"]["role"] == "carer"]
    life = review_statuses(carers, "life_of_their_own")
    rest: Counter = Counter()
    for code in ("cared_for_quality_of_life", "informed_skilled_equipped", "choices_in_caring"):
        rest += review_statuses(carers, code)
    assert share(life, "achieved") < share(rest, "achieved") - 0.2
    barriers = Counter(
        barrier
        for r in carers
        for o in r["outcomes"]
        if o["code"] == "life_of_their_own"
        for barrier in o["barriers"]
    )
    assert {code for code, _ in barriers.most_common(2)} == {"time_limited", "resources"}


def test_independent_interviewers_hold_a_tenth_of_reviews_and_hear_less_good_news(
    records: list[dict],
) -> None:
    reviews = [r for r in records if r["type"] == "review"]
    independent = [r for r in reviews if r["interviewer"] == "independent"]
    assert 0.05 <= len(independent) / len(reviews) <= 0.16
    assert all(r["interviewer"] == "practitioner" for r in records if r["type"] != "review")

    def achieved(group: list[dict]) -> float:
        statuses = Counter(o["status"] for r in group for o in r["outcomes"])
        return statuses["achieved"] / sum(statuses.values())

    practitioner = [r for r in reviews if r["interviewer"] == "practitioner"]
    assert achieved(independent) < achieved(practitioner)


# --- who answered -----------------------------------------------------------------------------


def answered_share(records: list[dict], answered_by: str) -> float:
    assert len(records) >= 30, len(records)
    return sum(r["answered_by"] == answered_by for r in records) / len(records)


def test_every_conversation_says_who_answered_in_a_realistic_mix(records: list[dict]) -> None:
    answered = Counter(record["answered_by"] for record in records)
    assert set(answered) == {"person", "person_with_support", "someone_else"}
    assert answered["person"] / len(records) > 0.7
    assert answered["person_with_support"] > answered["someone_else"] > 0
    for record in records:
        relationship = record.get("answered_by_relationship")
        assert bool(relationship) == (record["answered_by"] == "someone_else"), record["id"]
        assert record["language"]
        assert record.get("interpreter", True) is True  # written only when there was one

    def group(name: str) -> list[dict]:
        return [r for r in records if r["subject"]["client_group"] == name]

    users = [r for r in records if r["subject"]["role"] == "user"]
    for helped in ("learning_disability", "older_people"):
        assert answered_share(group(helped), "person_with_support") > answered_share(
            group("mental_health"), "person_with_support"
        )
    carers = [r for r in records if r["subject"]["role"] == "carer"]
    assert answered_share(carers, "person") > answered_share(users, "person")
    assert answered_share(carers, "person") > 0.9


def test_a_few_speak_another_language_most_with_an_interpreter(records: list[dict]) -> None:
    languages = Counter(record["language"] for record in records)
    other = [r for r in records if r["language"] != "English"]
    assert languages["English"] / len(records) > 0.85
    assert other and len(languages) >= 2
    interpreted = [r for r in other if r.get("interpreter")]
    assert len(interpreted) > len(other) / 2
    assert not any(r.get("interpreter") for r in records if r["language"] == "English")
    # A person keeps their language from one conversation to the next.
    by_person: dict[str, set[str]] = {}
    for record in records:
        by_person.setdefault(record["subject"]["ref"], set()).add(record["language"])
    assert all(len(spoken) == 1 for spoken in by_person.values())


def test_a_relative_who_took_part_sometimes_sees_a_status_differently(
    records: list[dict],
) -> None:
    viewed = [
        (record, outcome)
        for record in records
        for outcome in record["outcomes"]
        if "carer_status" in outcome
    ]
    assert 3 <= len(viewed) <= len(records) // 10
    for record, outcome in viewed:
        assert record["type"] == "review" and record["subject"]["role"] == "user"
        assert record["answered_by"] in {"person_with_support", "someone_else"}
        assert outcome["carer_status"] != outcome["status"]
        assert outcome["carer_status"] in {"not_achieved", "partly_achieved"}


# --- the case studies' people ---------------------------------------------------------------


def stories(records: list[dict]) -> dict[str, list[dict]]:
    by_ref: dict[str, list[dict]] = {}
    for record in records:
        by_ref.setdefault(record["subject"]["ref"], []).append(record)
    return by_ref


def test_every_case_study_person_has_a_story_and_every_word_a_theme(
    case_studies: list[dict],
) -> None:
    told = stories(case_studies)
    assert set(told) == {person.ref for person in CASE_STUDY_PEOPLE}
    for ref in (BOB, MARGARET, JAMES, TARIQ, MR_A):
        kinds = [record["type"] for record in told[ref]]
        assert kinds[:2] == ["assessment", "support_plan"] and "review" in kinds, ref
    for record in case_studies:
        assert record["status"] == "completed" and record["completed_at"] < TODAY.isoformat()
        assert record["outcomes"], record["id"]
        for outcome in record["outcomes"]:
            assert outcome["words"] and outcome["themes"], (record["id"], outcome["code"])
            if outcome["status"] in {"achieved", "partly_achieved"}:
                assert outcome["helping"] and outcome["helping_kinds"], record["id"]
            if outcome["barriers"]:
                assert outcome["barrier_words"], record["id"]
        if record["type"] == "support_plan":
            # Every action names who does it and by when.
            for outcome in record["outcomes"]:
                assert outcome["actions"], (record["id"], outcome["code"])
                for action in outcome["actions"].split("; "):
                    assert re.search(r" — (the|his|her) [a-z]+, by \d+ \w+ \d{4}$", action)


def test_who_answered_in_the_case_studies(case_studies: list[dict]) -> None:
    told = stories(case_studies)
    for ref in (TARIQ, "CS-0103"):  # Tariq and his wife, who speaks only Punjabi
        assert all(r["language"] == "Punjabi" and r["interpreter"] for r in told[ref])
    assert all(r["answered_by"] == "person_with_support" for r in told[MARGARET])
    assert [
        r["answered_by_relationship"] for r in told[MR_A] if "answered_by_relationship" in r
    ] == ["son"]
    assert all(r["answered_by"] == "person" for r in told[JAMES])
    carers = [r for r in case_studies if r["subject"]["role"] == "carer"]
    assert {r["subject"]["cared_for_ref"] for r in carers} == {BOB, MARGARET, TARIQ, MR_A}
    assert all(r["answered_by"] == "person" for r in carers)
    # Where a carer took part, their view of a status is kept beside the person's.
    views = {
        (r["subject"]["ref"], o["code"]): (o["status"], o["carer_status"])
        for r in case_studies
        for o in r["outcomes"]
        if "carer_status" in o
    }
    assert (TARIQ, "feeling_safe") in views and (BOB, "improved_skills") in views
    assert all(status != view for status, view in views.values())


# --- a target number ------------------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 1, 25, 2000])
def test_a_target_count_gives_exactly_that_many(count: int) -> None:
    lines = list(
        demo_conversation_lines(people=demo_like_people(), today=TODAY, target_count=count)
    )
    assert len(lines) == count
    ids = {(json.loads(line)["partnership"], json.loads(line)["id"]) for line in lines}
    assert len(ids) == count


def test_a_small_target_still_covers_every_team() -> None:
    records = demo_conversation_records(people=demo_like_people(), today=TODAY, target_count=60)
    assert {r["team"] for r in records} == {
        "LOCHARD-N",
        "LOCHARD-S",
        "LOCHARD-MH",
        "LOCHARD-LD",
        "LOCHARD-CS",
        "GLENMOR-C",
    }


def test_a_large_target_makes_up_more_people_in_the_same_teams() -> None:
    records = demo_conversation_records(people=demo_like_people(), today=TODAY, target_count=2000)
    refs = {r["subject"]["ref"] for r in records}
    assert "N-1001" in refs and "CS-1001" in refs
    made_up_carer = next(r for r in records if r["subject"]["ref"] == "CS-1001")
    assert made_up_carer["team"] == "LOCHARD-CS"
    assert made_up_carer["subject"]["cared_for_ref"] == "N-0001"


# --- with the database: the real importer and the command -----------------------------------


@pytest.fixture
def demo_organisation(db) -> None:
    seed_organisation()


def test_every_demo_line_passes_the_importers_check(demo_organisation: None) -> None:
    lines = demo_lines(today=timezone.localdate())
    assert 600 <= len(lines) <= 1000
    assert {json.loads(line)["subject"]["ref"] for line in lines} >= {
        person.ref for person in CASE_STUDY_PEOPLE
    }
    check = conversations_check(lines)
    assert check.problems == []
    assert check.conversations == len(lines)


def test_the_whole_demo_loads_a_minute_after_midnight(monkeypatch, db) -> None:
    from datetime import datetime

    seed_organisation(today=TODAY)
    minute_past = datetime(TODAY.year, TODAY.month, TODAY.day, 0, 1, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: minute_past)
    assert timezone.localdate() == TODAY
    summary = seed_conversations(today=TODAY)
    assert summary.created > 300


def test_seeded_people_keep_their_client_group_and_carers_their_link(
    demo_organisation: None,
) -> None:
    subjects = {subject.ref: subject for subject in demo_subjects()}
    assert len(subjects) == Person.objects.count()
    carer = subjects["CS-0001"]
    assert (carer.role, carer.team, carer.client_group) == ("carer", "LOCHARD-CS", "carer_support")
    assert carer.cared_for_ref == Person.objects.get(ref="CS-0001").cares_for.get().ref
    person = Person.objects.get(ref="MH-0001")
    assert subjects["MH-0001"].client_group == person.client_group.code


def test_seed_demo_twice_does_not_duplicate(db) -> None:
    out = StringIO()
    call_command("seed_demo", conversations=40, allow_production=True, stdout=out)
    assert "40 held (40 created" in out.getvalue()
    ids = set(Conversation.objects.values_list("partnership__code", "external_id"))
    records = OutcomeRecord.objects.count()

    out = StringIO()
    call_command("seed_demo", conversations=40, allow_production=True, stdout=out)
    assert "40 held (0 created, 0 updated, 40 unchanged, 0 removed)" in out.getvalue()
    assert set(Conversation.objects.values_list("partnership__code", "external_id")) == ids
    assert OutcomeRecord.objects.count() == records
    assert not Conversation.objects.filter(practitioner__isnull=True).exists()


def test_seeding_again_puts_back_what_was_changed(db) -> None:
    seed_organisation()
    seed_conversations(count=30)
    record = OutcomeRecord.objects.filter(conversation__external_id__startswith="demo-").first()
    words = record.words
    record.words = "Changed in the browser."
    record.save()
    pk = record.conversation_id

    seeded = seed_conversations(count=30)

    assert (seeded.created, seeded.updated, seeded.unchanged) == (0, 1, 29)
    assert OutcomeRecord.objects.get(conversation_id=pk, outcome=record.outcome).words == words
    assert Conversation.objects.count() == 30


def test_a_smaller_count_removes_demo_conversations_but_nothing_else(db) -> None:
    seed_organisation()
    seed_conversations(count=30)
    not_demo = json.loads(
        next(demo_conversation_lines(people=demo_subjects(), today=timezone.localdate()))
    )
    not_demo["id"] = "ext-1"
    conversations_import([json.dumps(not_demo)])

    seeded = seed_conversations(count=10)

    assert (seeded.unchanged, seeded.removed) == (10, 20)
    assert seed_conversations(count=0).removed == 10
    assert list(Conversation.objects.values_list("external_id", flat=True)) == ["ext-1"]


def test_the_seeded_demo_shows_two_goals_under_one_outcome_and_reseeding_keeps_them(db) -> None:
    seed_organisation()
    seed_conversations()
    reviews = OutcomeRecord.objects.filter(
        conversation__subject__ref="N-0001",
        conversation__team__code="LOCHARD-N",
        conversation__type="review",
        conversation__status="completed",
        outcome__code="improved_skills",
    )

    assert reviews.exists()
    for record in reviews.prefetch_related("goals"):
        goals = list(record.goals.all())
        assert len(goals) == 2 and goals[0].words != goals[1].words
        assert all(goal.status for goal in goals)
        assert record.status in {"achieved", "partly_achieved", "not_achieved"}
    assert not Goal.objects.exclude(record__conversation__subject__ref="N-0001").exists()
    goals = sorted(Goal.objects.values_list("record__conversation__external_id", "words", "status"))

    again = seed_conversations()

    assert (again.created, again.updated, again.removed) == (0, 0, 0)
    assert (
        sorted(Goal.objects.values_list("record__conversation__external_id", "words", "status"))
        == goals
    )


def test_conversations_must_be_a_whole_number(db) -> None:
    with pytest.raises(CommandError, match="conversations"):
        call_command(
            "seed_demo",
            "--conversations",
            "-3",
            "--allow-production",
            stdout=StringIO(),
            stderr=StringIO(),
        )


@pytest.mark.django_db
def test_demo_organisation_has_partnership_and_team_targets():
    from conversations.demo import seed_organisation
    from conversations.models import Target

    seed_organisation()
    seed_organisation()

    partnership_targets = Target.objects.filter(partnership__code="LOCHARD", team__isnull=True)
    assert set(partnership_targets.values_list("measure__code", flat=True)) == {
        "NM1",
        "NM2",
        "NM3",
        "NM4",
    }
    assert Target.objects.filter(team__code="LOCHARD-N", outcome_code="seeing_people").exists()
    assert Target.objects.count() == 14


def test_every_demo_partnership_starts_from_the_starter_codebook_once(
    demo_organisation: None,
) -> None:
    from conversations.models import Partnership, Theme
    from frameworks.themes import starter_themes

    seed_organisation()  # a second seed adds nothing

    starter = {theme.code for theme in starter_themes()}
    for partnership in Partnership.objects.all():
        codes = list(Theme.objects.filter(partnership=partnership).values_list("code", flat=True))
        assert sorted(codes) == sorted(starter), partnership.code


# --- the case studies, seeded ---------------------------------------------------------------


@pytest.fixture
def seeded_demo(db) -> None:
    seed_organisation()
    seed_conversations()


def test_the_case_study_people_are_seeded_with_their_carers(seeded_demo: None) -> None:
    people = {p.ref: p for p in Person.objects.filter(partnership__code="LOCHARD")}
    names = {ref: people[ref].name.split()[0] for ref in (BOB, MARGARET, JAMES, TARIQ, MR_A)}
    assert names == {
        BOB: "Bob",
        MARGARET: "Margaret",
        JAMES: "James",
        TARIQ: "Tariq",
        MR_A: "Archie",
    }
    carers = {
        ref: sorted(c.name for c in Person.objects.filter(cares_for=people[ref]))
        for ref in (BOB, MARGARET, TARIQ, MR_A)
    }
    assert carers == {
        BOB: ["Nan Moffat"],
        MARGARET: ["Ian Guthrie"],
        TARIQ: ["Nasreen Hussain"],
        MR_A: ["Douglas Allan"],
    }
    assert not Person.objects.filter(cares_for=people[JAMES]).exists()
    for case in CASE_STUDY_PEOPLE:
        person = people[case.ref]
        assert person.is_carer == (case.cares_for is not None)
        assert case.team in set(person.teams.values_list("code", flat=True))
        conversations = Conversation.objects.filter(subject=person)
        assert conversations.exists() and not conversations.filter(completed_at=None).exists()
        if case.cares_for:
            # A carer's conversation says whom it is about.
            assert set(conversations.values_list("cared_for__ref", flat=True)) == {case.cares_for}


def test_the_seeded_case_studies_keep_who_answered_themes_and_goals(seeded_demo: None) -> None:
    tariq = Conversation.objects.filter(subject__ref__in=[TARIQ, "CS-0103"])
    assert tariq.count() == 4
    assert set(tariq.values_list("language", "with_interpreter")) == {("Punjabi", True)}
    margaret = Conversation.objects.filter(subject__ref=MARGARET)
    assert set(margaret.values_list("answered_by", flat=True)) == {"person_with_support"}
    assert Conversation.objects.filter(
        subject__ref=MR_A, answered_by="someone_else", answered_by_relationship="son"
    ).exists()
    # His wife took part in each of Tariq's; wherever a carer's view is kept, a carer took part.
    assert set(
        Conversation.objects.filter(subject__ref=TARIQ).values_list("with_carer", flat=True)
    ) == {True}
    viewed = Conversation.objects.filter(outcome_records__carer_status__gt="").distinct()
    assert viewed.count() >= 5
    assert not viewed.filter(with_carer=False).exists()
    everyone = set(Conversation.objects.values_list("answered_by", flat=True))
    assert everyone == {"person", "person_with_support", "someone_else"}

    case_records = OutcomeRecord.objects.filter(
        conversation__subject__ref__in=[person.ref for person in CASE_STUDY_PEOPLE],
        conversation__partnership__code="LOCHARD",
    ).exclude(words="")
    assert case_records.count() > 60
    assert not case_records.filter(themes=None).exists()
    bobs_review = OutcomeRecord.objects.filter(
        conversation__subject__ref=BOB,
        conversation__type="review",
        outcome__code="improved_skills",
    ).latest("conversation__date_held")
    assert [goal.status for goal in bobs_review.goals.order_by("pk")] == ["achieved", "achieved"]
    assert "computer" in bobs_review.goals.order_by("pk").first().words


def test_loading_the_case_studies_again_changes_nothing(seeded_demo: None) -> None:
    people = Person.objects.count()
    links = Person.cares_for.through.objects.count()

    seed_organisation()
    again = seed_conversations()

    assert (again.created, again.updated, again.removed) == (0, 0, 0)
    assert (Person.objects.count(), Person.cares_for.through.objects.count()) == (people, links)


@pytest.mark.parametrize(
    ("username", "ref", "carer_ref"),
    [
        ("teamleader", BOB, "CS-0101"),
        ("practitioner", BOB, "CS-0101"),
        ("teamleader", TARIQ, "CS-0103"),
        ("teamleader3", MARGARET, "CS-0102"),
        ("teamleader2", MR_A, "CS-0104"),
    ],
)
def test_a_case_study_persons_page_shows_their_carers_conversation_beside_theirs(
    seeded_demo: None, client, username: str, ref: str, carer_ref: str
) -> None:
    from django.contrib.auth import get_user_model
    from django.urls import reverse
    from django.utils.html import escape

    person = Person.objects.get(partnership__code="LOCHARD", ref=ref)
    carer = Person.objects.get(partnership__code="LOCHARD", ref=carer_ref)
    theirs = Conversation.objects.filter(subject=carer).latest("date_held")
    assert theirs.cared_for == person
    client.force_login(get_user_model().objects.get(username=username))

    page = client.get(reverse("conversations:person-detail", args=[person.pk]))

    assert page.status_code == 200
    content = page.content.decode()
    assert escape(carer.name) in content
    for record in theirs.outcome_records.filter(matters=True):
        assert escape(record.words) in content
    own = Conversation.objects.filter(subject=person).latest("date_held")
    for record in own.outcome_records.filter(matters=True):
        assert escape(record.words) in content
