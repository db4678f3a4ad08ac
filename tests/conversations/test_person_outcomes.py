"""The person's page: outcomes over time (selector, chart, table) and the printable summary."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from conversations.charts import outcomes_over_time_svg
from conversations.models import (
    Action,
    ActionOwner,
    Conversation,
    ConversationStatus,
    Goal,
    OutcomeRecord,
    OutcomeStatus,
    Person,
)
from conversations.selectors import history_by_role, outcome_history
from tests.factories import PersonFactory, start_conversation

pytestmark = pytest.mark.django_db

ACHIEVED = OutcomeStatus.ACHIEVED
PARTLY = OutcomeStatus.PARTLY_ACHIEVED
NOT_ACHIEVED = OutcomeStatus.NOT_ACHIEVED
NOT_APPLICABLE = OutcomeStatus.NOT_APPLICABLE

MakeConversation = Callable[..., Conversation]


@pytest.fixture
def make_conversation(team, practitioner) -> MakeConversation:
    """A conversation started the way the recording page starts one, then filled in directly:
    ``statuses`` maps outcome code to status, ``words`` to the person's words, ``actions`` to
    ``(what, owner, due)`` tuples. Signed off unless ``completed=False``."""

    def make(
        person: Person,
        *,
        held: date,
        role: str = "user",
        version: tuple[str, str] = ("users", "2012"),
        type: str = "review",
        statuses: dict[str, str] | None = None,
        words: dict[str, str] | None = None,
        actions: dict[str, list[tuple[str, str, date | None]]] | None = None,
        summary: str = "",
        completed: bool = True,
    ) -> Conversation:
        conversation = start_conversation(
            person=person,
            team=team,
            by=practitioner,
            type=type,
            role=role,
            version=version,
            date_held=held,
        )
        records = {
            r.outcome.code: r for r in conversation.outcome_records.select_related("outcome")
        }
        for code, status in (statuses or {}).items():
            records[code].status = status
            records[code].save(update_fields=["status"])
        for code, text in (words or {}).items():
            records[code].matters = True
            records[code].words = text
            records[code].save(update_fields=["matters", "words"])
        for code, agreed in (actions or {}).items():
            for order, (what, owner, due) in enumerate(agreed):
                Action.objects.create(
                    record=records[code], what=what, owner=owner, due=due, order=order
                )
        if summary:
            conversation.summary = summary
        if completed:
            conversation.status = ConversationStatus.COMPLETED
            conversation.completed_at = timezone.now()
            conversation.completed_by = practitioner
        conversation.save()
        return conversation

    return make


def detail_url(person: Person) -> str:
    return reverse("conversations:person-detail", args=[person.pk])


def summary_url(person: Person) -> str:
    return reverse("conversations:person-summary", args=[person.pk])


def line_statuses(history, code: str) -> list[str | None]:
    line = next(line for line in history.outcomes if line.outcome == code)
    return [cell.status if cell else None for cell in line.cells]


# --- the selector -----------------------------------------------------------------------------


def test_history_lists_statuses_by_outcome_and_review_date(make_conversation, person, practitioner):
    make_conversation(
        person,
        held=date(2024, 3, 1),
        statuses={"feeling_safe": NOT_ACHIEVED, "seeing_people": PARTLY},
    )
    make_conversation(person, held=date(2024, 9, 2), statuses={"feeling_safe": ACHIEVED})

    [history] = history_by_role(outcome_history(person, user=practitioner))

    assert history.role == "user"
    assert [r.date_held for r in history.reviews] == [date(2024, 3, 1), date(2024, 9, 2)]
    assert [line.outcome for line in history.outcomes] == ["feeling_safe", "seeing_people"]
    assert line_statuses(history, "feeling_safe") == [NOT_ACHIEVED, ACHIEVED]
    assert line_statuses(history, "seeing_people") == [PARTLY, None]


def test_older_framework_outcomes_join_their_current_equivalents(
    make_conversation, person, practitioner
):
    make_conversation(
        person,
        held=date(2019, 5, 1),
        version=("users", "2007"),
        statuses={
            "choice": NOT_ACHIEVED,
            # Two 2007 outcomes become one in 2012: the less achieved status stands.
            "living_as_you_want": ACHIEVED,
            "living_where_you_want": PARTLY,
            # One 2007 outcome became two in 2012: it counts towards both.
            "improved_confidence_and_skills": PARTLY,
        },
    )
    make_conversation(
        person,
        held=date(2024, 5, 1),
        statuses={"having_a_say": ACHIEVED, "improved_skills": ACHIEVED},
    )

    [history] = history_by_role(outcome_history(person, user=practitioner))

    codes = [line.outcome for line in history.outcomes]
    assert "choice" not in codes and "living_as_you_want" not in codes
    assert line_statuses(history, "having_a_say") == [NOT_ACHIEVED, ACHIEVED]
    assert line_statuses(history, "living_where_and_as_you_want") == [PARTLY, None]
    assert line_statuses(history, "improved_confidence_and_morale") == [PARTLY, None]
    assert line_statuses(history, "improved_skills") == [PARTLY, ACHIEVED]
    assert all(line.current for line in history.outcomes)


def test_outcome_dropped_without_equivalent_keeps_its_own_label(
    make_conversation, practitioner, team
):
    carer = PersonFactory(partnership=team.partnership, is_carer=True, teams=[team])
    make_conversation(
        carer,
        held=date(2012, 6, 1),
        role="carer",
        version=("carers", "2008"),
        statuses={"freedom_from_financial_hardship": NOT_ACHIEVED},
    )

    [history] = history_by_role(outcome_history(carer, user=practitioner))

    [line] = history.outcomes
    assert line.outcome == "freedom_from_financial_hardship"
    assert not line.current


def test_drafts_and_blank_statuses_are_left_out(make_conversation, person, practitioner):
    make_conversation(person, held=date(2024, 1, 5), statuses={"feeling_safe": PARTLY})
    make_conversation(
        person, held=date(2024, 6, 5), statuses={"feeling_safe": ACHIEVED}, completed=False
    )

    [history] = history_by_role(outcome_history(person, user=practitioner))

    assert [r.date_held for r in history.reviews] == [date(2024, 1, 5)]
    assert [line.outcome for line in history.outcomes] == ["feeling_safe"]


def test_history_is_scoped_to_what_the_user_may_read(
    make_conversation, person, colleague_elsewhere
):
    make_conversation(person, held=date(2024, 1, 5), statuses={"feeling_safe": PARTLY})

    assert outcome_history(person, user=colleague_elsewhere) == []


def test_history_takes_two_queries_however_many_conversations(
    make_conversation, person, practitioner, django_assert_num_queries
):
    for month in range(1, 7):
        make_conversation(
            person,
            held=date(2020, month, 1),
            version=("users", "2007") if month % 2 else ("users", "2012"),
            statuses={"feeling_safe": PARTLY, "reliability": ACHIEVED},
        )

    with django_assert_num_queries(2):
        rows = outcome_history(person, user=practitioner)

    assert len(rows) == 12


def test_practitioner_view_is_kept_only_where_it_differs(make_conversation, person, practitioner):
    conversation = make_conversation(
        person, held=date(2024, 1, 5), statuses={"feeling_safe": PARTLY, "reliability": ACHIEVED}
    )
    OutcomeRecord.objects.filter(conversation=conversation, outcome__code="feeling_safe").update(
        practitioner_status=NOT_ACHIEVED
    )
    OutcomeRecord.objects.filter(conversation=conversation, outcome__code="reliability").update(
        practitioner_status=ACHIEVED
    )

    [history] = history_by_role(outcome_history(person, user=practitioner))

    cells = {line.outcome: line.cells[0] for line in history.outcomes}
    assert cells["feeling_safe"].text == "Partly achieved (practitioner's view: not achieved)"
    assert cells["reliability"].text == "Achieved"


# --- the chart --------------------------------------------------------------------------------


def test_chart_is_an_accessible_svg_with_the_outcome_labels(
    make_conversation, person, practitioner
):
    make_conversation(
        person,
        held=date(2024, 3, 1),
        statuses={"feeling_safe": NOT_ACHIEVED, "seeing_people": NOT_APPLICABLE},
    )
    make_conversation(person, held=date(2024, 9, 2), statuses={"feeling_safe": ACHIEVED})
    rows = outcome_history(person, user=practitioner)

    svg = outcomes_over_time_svg(rows, chart_id="c1", title="Outcomes for P-1")

    assert svg.startswith("<svg")
    assert 'role="img"' in svg and 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">Outcomes for P-1</title>' in svg
    assert "Feeling safe: not achieved on 1 Mar 2024, achieved on 2 Sep 2024." in svg
    assert "Feeling safe" in svg and "Seeing people" in svg
    for level in ("Not achieved", "Partly achieved", "Achieved"):
        assert f">{level}<" in svg
    assert "2 Sep 2024" in svg
    # Every id belongs to this chart, so two charts can share a page.
    assert all(i.startswith("c1") for i in re.findall(r'\bid="([^"]+)"', svg))


def test_chart_needs_no_pyplot():
    import sys

    assert "matplotlib.pyplot" not in sys.modules


# --- the person's page ------------------------------------------------------------------------


def test_person_page_shows_chart_and_table_of_the_same_data(
    client, make_conversation, person, practitioner
):
    make_conversation(
        person,
        held=date(2019, 5, 1),
        version=("users", "2007"),
        statuses={"choice": NOT_ACHIEVED, "feeling_safe": PARTLY},
    )
    make_conversation(person, held=date(2024, 5, 1), statuses={"having_a_say": ACHIEVED})
    client.force_login(practitioner)

    response = client.get(detail_url(person))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Outcomes over time" in html
    assert html.count('role="img"') == 1
    assert "<caption" in html and "1 May 2019" in html and "1 May 2024" in html
    row = re.search(r'<th scope="row">Having a say</th>(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) == ["Not achieved", "Achieved"]
    row = re.search(r'<th scope="row">Feeling safe</th>(.*?)</tr>', html, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells == ["Partly achieved", "Not recorded"]
    assert "signed-off conversations only" in html


def test_person_page_draws_each_chart_once_until_its_data_changes(
    client, make_conversation, person, practitioner, partnership_lead, monkeypatch
):
    from django.core.cache import cache

    import conversations.charts

    drawn: list[int] = []
    draw = conversations.charts.outcomes_over_time_svg

    def counting(rows, **kwargs):
        drawn.append(len(rows))
        return draw(rows, **kwargs)

    monkeypatch.setattr(conversations.charts, "outcomes_over_time_svg", counting)
    cache.clear()
    make_conversation(person, held=date(2024, 5, 1), statuses={"feeling_safe": PARTLY})
    client.force_login(practitioner)

    def chart(response) -> str:
        return re.search(r"<svg.*?</svg>", response.content.decode(), re.S).group(0)

    first = chart(client.get(detail_url(person)))
    again = chart(client.get(detail_url(person)))
    assert drawn == [1]
    assert again == first
    # The lead reads the same rows: the same drawing, not drawn again.
    client.force_login(partnership_lead)
    assert 'role="img"' in client.get(detail_url(person)).content.decode()
    assert drawn == [1]

    # A new signed-off review changes the rows: drawn anew, and shown at once.
    make_conversation(person, held=date(2025, 5, 1), statuses={"feeling_safe": ACHIEVED})
    client.force_login(practitioner)
    html = client.get(detail_url(person)).content.decode()
    assert drawn == [1, 2]
    assert "achieved on 1 May 2025" in html  # in the new chart's description


def test_person_page_without_reviews_says_so_and_draws_nothing(
    client, make_conversation, person, practitioner
):
    make_conversation(
        person, held=date(2024, 5, 1), statuses={"feeling_safe": ACHIEVED}, completed=False
    )
    client.force_login(practitioner)

    response = client.get(detail_url(person))

    html = response.content.decode()
    assert "No status at review has been recorded" in html
    assert "<svg" not in html


def test_user_and_carer_roles_get_separate_charts_and_tables(
    client, make_conversation, team, practitioner
):
    both = PersonFactory(partnership=team.partnership, ref="B-1", is_carer=True, teams=[team])
    make_conversation(both, held=date(2024, 2, 1), statuses={"feeling_safe": PARTLY})
    make_conversation(
        both,
        held=date(2024, 3, 1),
        role="carer",
        version=("carers", "2013"),
        statuses={"life_of_their_own": NOT_ACHIEVED},
    )
    client.force_login(practitioner)

    response = client.get(detail_url(both))

    html = response.content.decode()
    assert html.count('role="img"') == 2
    assert 'id="outcomes-chart-user"' in html and 'id="outcomes-chart-carer"' in html
    assert "As a person who uses services" in html and "As an unpaid carer" in html
    assert len(re.findall(r"<caption id=\"outcomes-caption-", html)) == 2


def test_person_page_query_count_does_not_grow_with_conversations(
    client, make_conversation, person, practitioner, django_assert_max_num_queries
):
    client.force_login(practitioner)
    for month in range(1, 13):
        make_conversation(
            person,
            held=date(2022, month, 1),
            version=("users", "2007") if month < 6 else ("users", "2012"),
            statuses={"feeling_safe": PARTLY, "seeing_people": ACHIEVED, "reliability": PARTLY},
        )

    with django_assert_max_num_queries(12):
        response = client.get(detail_url(person))

    assert response.status_code == 200


def test_person_page_links_to_the_summary(client, person, practitioner):
    client.force_login(practitioner)

    response = client.get(detail_url(person))

    assert summary_url(person) in response.content.decode()


# --- the printable summary --------------------------------------------------------------------


def test_summary_needs_sign_in(client, person):
    response = client.get(summary_url(person))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", ["outsider", "colleague_elsewhere"])
def test_summary_is_not_found_outside_scope(client, person, who, request):
    client.force_login(request.getfixturevalue(who))

    assert client.get(summary_url(person)).status_code == 404


def test_summary_refuses_post(client, person, practitioner):
    client.force_login(practitioner)

    assert client.post(summary_url(person)).status_code == 405


@pytest.fixture
def summarised(make_conversation, person) -> Person:
    make_conversation(
        person,
        held=date(2023, 1, 10),
        words={"feeling_safe": "An old worry I no longer have."},
    )
    make_conversation(
        person,
        held=date(2024, 4, 2),
        statuses={"seeing_people": PARTLY},
        words={
            "seeing_people": "I want to get to the lunch club on Thursdays.",
            "staying_well": "Keep walking to the shop.",
        },
        actions={
            "seeing_people": [
                ("Ask about the community bus", ActionOwner.PERSON, date(2024, 5, 1)),
                ("Drive Morag to the club in May", ActionOwner.FAMILY, None),
            ],
            "staying_well": [("Arrange a physiotherapy visit", ActionOwner.SERVICES, None)],
        },
        summary="Getting out more.",
    )
    make_conversation(
        person,
        held=date(2024, 8, 1),
        words={"feeling_safe": "A draft, not yet agreed."},
        completed=False,
    )
    return person


def test_summary_shows_the_persons_words_and_who_will_do_what(client, summarised, partnership_lead):
    client.force_login(partnership_lead)

    response = client.get(summary_url(summarised))

    html = response.content.decode()
    assert response.status_code == 200
    assert "A summary for Morag Flett" in html
    assert "We talked on 2 April 2024." in html
    assert "You told us" in html
    assert "I want to get to the lunch club on Thursdays." in html
    assert "Getting out more." in html
    assert "this is partly happening for you now" in html
    # Only the latest signed-off conversation: not the older one, not the draft.
    assert "An old worry" not in html and "A draft" not in html
    who = html[html.index("Who will do what") :]
    order = [
        who.index(h) for h in ('<h4 class="h5">You</h4>', "Your family or friends", "Services")
    ]
    assert order == sorted(order)
    assert who.index("Ask about the community bus") < who.index("Your family or friends")
    assert who.index("Your family or friends") < who.index("Drive Morag to the club in May")
    assert who.index("Services") < who.index("Arrange a physiotherapy visit")
    assert "by 1 May 2024" in who
    assert "P-1" not in html[html.index("<h1") :]  # no codes in what is handed over
    assert "conversations/print.js" in html and "data-print" in html
    assert "onclick" not in html


def test_summary_lists_separate_goals_with_their_status(client, summarised, practitioner):
    record = OutcomeRecord.objects.get(
        conversation__date_held=date(2024, 4, 2), outcome__code="seeing_people"
    )
    Goal.objects.create(record=record, words="Go to the lunch club", status=ACHIEVED, order=0)
    Goal.objects.create(record=record, words="Visit my sister", order=1)
    client.force_login(practitioner)

    html = client.get(summary_url(summarised)).content.decode()

    goals = html[html.index("Your goals here") : html.index("Who will do what")]
    assert "Go to the lunch club — you said this is happening for you now" in goals
    assert "Visit my sister</li>" in goals


def test_summary_separates_roles(client, make_conversation, team, practitioner):
    both = PersonFactory(partnership=team.partnership, name="Ann Work", is_carer=True, teams=[team])
    make_conversation(both, held=date(2024, 2, 1), words={"feeling_safe": "Safe at home."})
    make_conversation(
        both,
        held=date(2024, 3, 1),
        role="carer",
        version=("carers", "2013"),
        words={"life_of_their_own": "Time for my choir."},
    )
    client.force_login(practitioner)

    html = client.get(summary_url(both)).content.decode()

    assert html.count('class="role-summary"') == 2
    assert html.index("About your support") < html.index("Safe at home.")
    assert html.index("About your caring") < html.index("Time for my choir.")


def test_summary_without_signed_off_conversations(client, person, practitioner):
    client.force_login(practitioner)

    html = client.get(summary_url(person)).content.decode()

    assert "nothing to summarise" in html


def test_summary_query_count_is_bounded(
    client, summarised, practitioner, django_assert_max_num_queries
):
    client.force_login(practitioner)

    with django_assert_max_num_queries(12):
        assert client.get(summary_url(summarised)).status_code == 200


def test_summary_says_who_in_plain_words(client, summarised, practitioner):
    client.force_login(practitioner)

    html = client.get(summary_url(summarised)).content.decode()

    agreed = html[html.index("What we agreed") : html.index("Who will do what")]
    assert "Ask about the community bus — you, by 1 May 2024" in agreed
    assert "Drive Morag to the club in May — your family or friends" in agreed
    assert "— the person" not in html
