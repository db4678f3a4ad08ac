"""The recording services: start, save (with conflicts), sign off, reopen, audit."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from conversations.audit import folded_history
from conversations.models import (
    Action,
    AuditAction,
    AuditEvent,
    Conversation,
    ConversationStatus,
    Goal,
    MeasureAnswer,
    OutcomeRecord,
)
from conversations.services import recording
from conversations.services.recording import (
    ActionData,
    ConflictError,
    ConversationData,
    GoalData,
    OutcomeData,
    ReadOnlyError,
)
from tests.factories import PersonFactory, framework_version, start_conversation

pytestmark = pytest.mark.django_db


def data_for(conversation: Conversation, **outcomes: OutcomeData) -> ConversationData:
    """The conversation's present content as page data, with some outcomes replaced."""
    fresh = recording.with_content(Conversation.objects).get(pk=conversation.pk)
    current = {
        r.outcome.code: OutcomeData(
            matters=r.matters,
            words=r.words,
            status=r.status,
            practitioner_status=r.practitioner_status,
            helping=r.helping,
            barriers=[b.code for b in r.barriers.all()],
            barrier_words=r.barrier_words,
            actions=[ActionData(a.what, a.owner, a.due) for a in r.actions.all()],
            goals=[GoalData(g.words, g.status) for g in r.goals.all()],
        )
        for r in fresh.outcome_records.all()
    }
    current.update(outcomes)
    return ConversationData(
        date_held=fresh.date_held,
        interviewer=fresh.interviewer,
        with_person=fresh.with_person,
        summary=fresh.summary,
        outcomes=current,
        answers={a.measure.code: a.answer for a in fresh.measure_answers.all()},
    )


def test_start_creates_a_record_per_outcome_and_the_role_s_measures(person, team, practitioner):
    conversation = start_conversation(person=person, team=team, by=practitioner)

    codes = list(
        conversation.outcome_records.order_by("outcome__order").values_list(
            "outcome__code", flat=True
        )
    )
    assert codes[:3] == ["feeling_safe", "having_things_to_do", "seeing_people"]
    assert len(codes) == 15
    measures = set(conversation.measure_answers.values_list("measure__code", flat=True))
    assert measures == {"NM1", "NM2", "NM3"}
    assert conversation.status == ConversationStatus.DRAFT
    assert AuditEvent.objects.filter(conversation=conversation, action="created").count() == 1


def test_carer_conversation_asks_carer_measures(person, team, practitioner):
    person.is_carer = True
    person.save()
    conversation = start_conversation(
        person=person, team=team, by=practitioner, role="carer", version=("carers", "2013")
    )

    measures = set(conversation.measure_answers.values_list("measure__code", flat=True))
    assert measures == {"NM2", "NM4"}


def test_framework_must_match_the_role(person, team, practitioner):
    with pytest.raises(ValidationError):
        start_conversation(
            person=person, team=team, by=practitioner, role="carer", version=("users", "2012")
        )
    assert not Conversation.objects.exists()


def test_future_date_and_date_before_birth_are_refused(person, team, practitioner):
    person.date_of_birth = datetime.date(1950, 1, 1)
    person.save()
    with pytest.raises(ValidationError, match="future"):
        start_conversation(
            person=person, team=team, by=practitioner, date_held=datetime.date(2999, 1, 1)
        )
    with pytest.raises(ValidationError, match="date of birth"):
        start_conversation(
            person=person, team=team, by=practitioner, date_held=datetime.date(1949, 12, 31)
        )
    assert not Conversation.objects.exists()


def test_save_writes_words_barriers_actions_and_answers(person, team, practitioner):
    conversation = start_conversation(person=person, team=team, by=practitioner)
    data = data_for(
        conversation,
        feeling_safe=OutcomeData(
            matters=True,
            words="I lock the door now and I sleep better.",
            status="partly_achieved",
            barriers=["transport", "staffing"],
            actions=[ActionData("Fit a key safe", "services", datetime.date(2026, 6, 1))],
        ),
    )
    data.answers["NM1"] = "yes"

    saved = recording.conversation_save(
        conversation=conversation, data=data, by=practitioner, revision=conversation.revision
    )

    record = OutcomeRecord.objects.get(conversation=conversation, outcome__code="feeling_safe")
    assert record.matters and record.words == "I lock the door now and I sleep better."
    assert sorted(record.barriers.values_list("code", flat=True)) == ["staffing", "transport"]
    assert list(record.actions.values_list("what", "owner")) == [("Fit a key safe", "services")]
    assert MeasureAnswer.objects.get(conversation=conversation, measure__code="NM1").answer == "yes"
    assert saved.revision == conversation.revision + 1
    change = AuditEvent.objects.get(conversation=conversation, action="changed")
    # The words are in the record; the audit keeps only that they changed.
    assert change.changes["outcome:feeling_safe.words"] == ["changed"]
    assert change.changes["outcome:feeling_safe.matters"] == [False, True]
    assert change.changes["measure:NM1"] == ["not_answered", "yes"]
    assert "sleep better" not in repr(change.changes)


def test_saving_twice_from_the_same_revision_is_a_conflict(person, team, practitioner, team_leader):
    conversation = start_conversation(person=person, team=team, by=practitioner)
    start = conversation.revision
    first = data_for(conversation, seeing_people=OutcomeData(matters=True, words="Mine"))
    second = data_for(conversation, seeing_people=OutcomeData(matters=True, words="Theirs"))
    recording.conversation_save(
        conversation=conversation, data=first, by=practitioner, revision=start
    )

    with pytest.raises(ConflictError):
        recording.conversation_save(
            conversation=conversation, data=second, by=team_leader, revision=start
        )

    record = OutcomeRecord.objects.get(conversation=conversation, outcome__code="seeing_people")
    assert record.words == "Mine"


def test_unchanged_save_changes_nothing(person, team, practitioner):
    conversation = start_conversation(person=person, team=team, by=practitioner)

    saved = recording.conversation_save(
        conversation=conversation,
        data=data_for(conversation),
        by=practitioner,
        revision=conversation.revision,
    )

    assert saved.revision == conversation.revision
    assert not AuditEvent.objects.filter(action="changed").exists()


def test_every_autosave_appends_a_row_and_the_history_folds_them(person, team, practitioner):
    conversation = start_conversation(person=person, team=team, by=practitioner)
    revision = conversation.revision
    for words in ["I", "I like", "I like the lunch club"]:
        saved = recording.conversation_save(
            conversation=conversation,
            data=data_for(conversation, seeing_people=OutcomeData(matters=True, words=words)),
            by=practitioner,
            revision=revision,
        )
        revision = saved.revision

    changes = AuditEvent.objects.filter(conversation=conversation, action="changed")
    assert [c.changes["outcome:seeing_people.words"] for c in changes] == [["changed"]] * 3
    assert "lunch" not in repr([c.changes for c in changes])
    # Read as one entry on the history page: the first save's "before", the last's "after".
    (entry, created) = folded_history(
        AuditEvent.objects.filter(conversation=conversation), window=recording.AUDIT_FOLD_WINDOW
    )
    assert (entry.saves, created.event.action) == (3, "created")
    assert entry.event == changes[0]
    assert entry.changes["outcome:seeing_people.words"] == ["changed"]
    assert entry.changes["outcome:seeing_people.matters"] == [False, True]


def review_ready(conversation, practitioner) -> Conversation:
    data = data_for(
        conversation,
        feeling_safe=OutcomeData(matters=True, words="Safe now", status="achieved"),
    )
    return recording.conversation_save(
        conversation=conversation, data=data, by=practitioner, revision=conversation.revision
    )


def test_a_review_needs_a_status_for_every_outcome_that_matters(person, team, practitioner):
    conversation = start_conversation(person=person, team=team, by=practitioner, type="review")
    recording.conversation_save(
        conversation=conversation,
        data=data_for(conversation, feeling_safe=OutcomeData(matters=True, words="Fine")),
        by=practitioner,
        revision=conversation.revision,
    )

    check = recording.completion_check(conversation)
    assert not check.can_complete
    assert [(p.message, p.field_id) for p in check.problems] == [
        ("Feeling safe: choose a status at review.", "id_o-feeling_safe-status")
    ]
    with pytest.raises(ValidationError):
        recording.conversation_complete(conversation=conversation, by=practitioner)
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.DRAFT


def test_missing_words_and_owners_are_prompts_not_blocks(person, team, practitioner):
    conversation = start_conversation(person=person, team=team, by=practitioner, type="review")
    recording.conversation_save(
        conversation=conversation,
        data=data_for(
            conversation,
            feeling_safe=OutcomeData(
                matters=True, status="achieved", actions=[ActionData("Phone the GP")]
            ),
        ),
        by=practitioner,
        revision=conversation.revision,
    )

    check = recording.completion_check(conversation)

    assert check.can_complete
    assert any("no words" in prompt.message for prompt in check.prompts)
    assert ("Feeling safe: an action has no owner.", "id_o-feeling_safe-a-0-owner") in [
        (prompt.message, prompt.field_id) for prompt in check.prompts
    ]


def test_sign_off_then_reopen_then_change_is_audited_with_the_reason(
    person, team, practitioner, team_leader
):
    conversation = start_conversation(person=person, team=team, by=practitioner, type="review")
    conversation = review_ready(conversation, practitioner)
    completed = recording.conversation_complete(conversation=conversation, by=practitioner)
    assert completed.status == ConversationStatus.COMPLETED and completed.completed_at

    with pytest.raises(ReadOnlyError):
        recording.conversation_save(
            conversation=completed,
            data=data_for(completed),
            by=practitioner,
            revision=completed.revision,
        )
    with pytest.raises(ValidationError):
        recording.conversation_reopen(conversation=completed, by=team_leader, reason="  ")

    reopened = recording.conversation_reopen(
        conversation=completed, by=team_leader, reason="Wrong status recorded for feeling safe"
    )
    recording.conversation_save(
        conversation=reopened,
        data=data_for(
            reopened,
            feeling_safe=OutcomeData(matters=True, words="Safe now", status="partly_achieved"),
        ),
        by=team_leader,
        revision=reopened.revision,
    )

    actions = list(
        AuditEvent.objects.filter(conversation=conversation)
        .order_by("at", "pk")
        .values_list("action", "after_sign_off", "reason")
    )
    assert actions[-2:] == [
        (AuditAction.REOPENED, True, "Wrong status recorded for feeling safe"),
        (AuditAction.CHANGED, True, "Wrong status recorded for feeling safe"),
    ]


def test_a_review_starts_from_what_mattered_last_time(person, team, practitioner):
    first = start_conversation(person=person, team=team, by=practitioner)
    recording.conversation_save(
        conversation=first,
        data=data_for(first, seeing_people=OutcomeData(matters=True, words="Lonely")),
        by=practitioner,
        revision=first.revision,
    )

    review = start_conversation(
        person=person,
        team=team,
        by=practitioner,
        type="review",
        date_held=datetime.date(2026, 8, 1),
    )

    assert review.follows == first
    mattering = set(
        review.outcome_records.filter(matters=True).values_list("outcome__code", flat=True)
    )
    assert mattering == {"seeing_people"}
    previous = recording.previous_records(review, user=practitioner)
    assert previous["seeing_people"].words == "Lonely"


def test_a_review_under_a_newer_version_maps_through_equivalences(person, team, practitioner):
    first = start_conversation(person=person, team=team, by=practitioner, version=("users", "2007"))
    recording.conversation_save(
        conversation=first,
        data=data_for(first, choice=OutcomeData(matters=True, words="I want to choose my carers")),
        by=practitioner,
        revision=first.revision,
    )

    review = start_conversation(
        person=person,
        team=team,
        by=practitioner,
        type="review",
        date_held=datetime.date(2026, 8, 1),
    )

    assert review.outcome_records.get(outcome__code="having_a_say").matters
    assert (
        recording.previous_records(review, user=practitioner)["having_a_say"].words
        == "I want to choose my carers"
    )


def test_save_uses_a_bounded_number_of_queries(
    person, team, practitioner, django_assert_max_num_queries
):
    conversation = start_conversation(person=person, team=team, by=practitioner)
    changed = {
        code: OutcomeData(
            matters=True,
            words=f"Words about {code}",
            status="partly_achieved",
            barriers=["transport"],
            actions=[ActionData(f"Act on {code}", "services")],
            goals=[GoalData(f"First goal about {code}"), GoalData(f"Second goal about {code}")],
        )
        for code in conversation.outcome_records.values_list("outcome__code", flat=True)
    }
    data = data_for(conversation, **changed)
    assert len(data.outcomes) == 15

    with django_assert_max_num_queries(25):
        recording.conversation_save(
            conversation=conversation, data=data, by=practitioner, revision=conversation.revision
        )

    assert Action.objects.filter(record__conversation=conversation).count() == 15
    assert Goal.objects.filter(record__conversation=conversation).count() == 30


def bob_s_skills(conversation, practitioner, *goals: GoalData) -> Conversation:
    """The seeds' case of Bob: two goals under one outcome ("skills")."""
    return recording.conversation_save(
        conversation=conversation,
        data=data_for(
            conversation,
            improved_skills=OutcomeData(
                matters=True,
                words="I want to keep up with my family.",
                status="partly_achieved",
                goals=list(goals),
            ),
        ),
        by=practitioner,
        revision=conversation.revision,
    )


def test_goals_under_one_outcome_are_saved_in_order_with_their_own_status(
    person, team, practitioner
):
    conversation = start_conversation(person=person, team=team, by=practitioner, type="review")

    bob_s_skills(
        conversation,
        practitioner,
        GoalData("Use the computer to email my grandson", "achieved"),
        GoalData("  ", "achieved"),
        GoalData("Do the family banking online", ""),
    )

    record = OutcomeRecord.objects.get(conversation=conversation, outcome__code="improved_skills")
    assert list(record.goals.values_list("words", "status", "order")) == [
        ("Use the computer to email my grandson", "achieved", 0),
        ("Do the family banking online", "", 1),
    ]
    assert record.status == "partly_achieved"
    change = AuditEvent.objects.get(conversation=conversation, action="changed")
    assert change.changes["outcome:improved_skills.goals"] == ["changed"]
    assert change.changes["outcome:improved_skills.status"] == ["", "partly_achieved"]
    assert (
        recording.change_label("outcome:improved_skills.goals", conversation)
        == "Improved skills: separate goals"
    )


def test_unchanged_goals_are_not_rewritten_and_a_changed_status_is_audited(
    person, team, practitioner
):
    conversation = start_conversation(person=person, team=team, by=practitioner, type="review")
    saved = bob_s_skills(conversation, practitioner, GoalData("Use the computer", "achieved"))
    goal_pk = Goal.objects.get().pk

    again = recording.conversation_save(
        conversation=saved, data=data_for(saved), by=practitioner, revision=saved.revision
    )
    assert again.revision == saved.revision and Goal.objects.get().pk == goal_pk

    bob_s_skills(again, practitioner, GoalData("Use the computer", "not_achieved"))
    assert Goal.objects.get().status == "not_achieved"
    first, latest = AuditEvent.objects.filter(conversation=conversation, action="changed").order_by(
        "pk"
    )
    assert latest.changes["outcome:improved_skills.goals"] == ["changed"]
    # A goal's status is written beside its words: the audit says the goals changed.
    assert set(latest.changes) == {"outcome:improved_skills.goals"}
    assert first.pk < latest.pk


def test_last_time_carries_the_goals(person, team, practitioner):
    first = start_conversation(person=person, team=team, by=practitioner, type="support_plan")
    bob_s_skills(first, practitioner, GoalData("Use the computer", ""))
    review = start_conversation(
        person=person,
        team=team,
        by=practitioner,
        type="review",
        date_held=datetime.date(2026, 8, 1),
    )

    last = recording.previous_records(review, user=practitioner)["improved_skills"]

    assert [goal.words for goal in last.goals.all()] == ["Use the computer"]
    assert review.outcome_records.get(outcome__code="improved_skills").matters


def test_scope_querysets(
    person,
    team,
    practitioner,
    team_leader,
    partnership_lead,
    colleague_elsewhere,
    outsider,
    outside_lead,
):
    conversation = start_conversation(person=person, team=team, by=practitioner)
    PersonFactory(partnership=person.partnership)

    def ids(qs):
        return set(qs.values_list("pk", flat=True))

    assert ids(Conversation.objects.visible_to(practitioner)) == {conversation.pk}
    assert ids(Conversation.objects.visible_to(partnership_lead)) == {conversation.pk}
    assert ids(Conversation.objects.editable_by(partnership_lead)) == set()
    assert ids(Conversation.objects.visible_to(colleague_elsewhere)) == set()
    assert ids(Conversation.objects.visible_to(outsider)) == set()
    assert ids(Conversation.objects.visible_to(outside_lead)) == set()
    assert ids(Conversation.objects.reopenable_by(practitioner)) == set()
    assert ids(Conversation.objects.reopenable_by(team_leader)) == {conversation.pk}
    assert framework_version().outcomes.count() == 15


def test_an_imported_conversation_reviews_against_the_person_s_previous_one(
    person, team, practitioner
):
    from tests.factories import answered_conversation

    earlier = answered_conversation(
        person=person,
        team=team,
        date_held=datetime.date(2026, 4, 1),
        answers={},
        type="assessment",
        outcomes={"seeing_people": ""},
    )
    OutcomeRecord.objects.filter(conversation=earlier).update(words="I miss my friends")
    later = answered_conversation(
        person=person,
        team=team,
        date_held=datetime.date(2026, 6, 1),
        answers={},
        status="draft",
        outcomes={"seeing_people": ""},
    )
    assert later.follows is None

    assert recording.previous_conversation(later, user=practitioner) == earlier
    assert (
        recording.previous_records(later, user=practitioner)["seeing_people"].words
        == "I miss my friends"
    )
    assert recording.previous_conversation(earlier, user=practitioner) is None
