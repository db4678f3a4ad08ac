"""Who answered, in the figures: a dashboard breakdown (counted like every other, kept counts
equal to live ones) and, per measure, the XLSX return's count of answers someone else gave.
The CSV return does not change."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from frameworks.periods import Period
from reporting import selectors, summary
from reporting.returns import national_return_frame, render_csv, return_produce
from reporting.selectors import Scope
from tests.factories import PersonFactory, answered_conversation

pytestmark = pytest.mark.django_db

QUARTER = Period(2025, 3)  # over: its counts can be kept
TODAY = dt.date(2026, 2, 10)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


@pytest.fixture
def answers(team):
    """NM1 in 2025-26 Q3: five people answered themselves (4 yes), two with support (2 yes),
    three through someone else (1 yes), one not recorded (yes). A person's earlier answer
    through someone else is replaced by their own latest one, so it is not counted."""
    who = ["person"] * 5 + ["person_with_support"] * 2 + ["someone_else"] * 3 + [""]
    said = ["yes"] * 4 + ["no"] + ["yes"] * 2 + ["yes", "no", "no"] + ["yes"]
    people = [PersonFactory(partnership=team.partnership, teams=[team]) for _ in who]
    answered_conversation(
        person=people[0],
        team=team,
        date_held=dt.date(2025, 10, 1),
        answered_by="someone_else",
        answers={"NM1": "no"},
    )
    for index, (person, answered_by, answer) in enumerate(zip(people, who, said, strict=True)):
        answered_conversation(
            person=person,
            team=team,
            date_held=dt.date(2025, 11, 1 + index),
            answered_by=answered_by,
            answers={"NM1": answer},
        )
    return team.partnership


def nm1_by_who(partnership) -> dict[str, tuple[int, int]]:
    frame = selectors.measure_counts(
        scope=Scope(partnership), periods=[QUARTER], breakdown="answered_by"
    )
    return {
        row.cell: (row.numerator, row.denominator)
        for row in frame[frame["measure_code"] == "NM1"].itertuples()
    }


HAND_COUNT = {
    "person": (4, 5),
    "person_with_support": (2, 2),
    "someone_else": (1, 3),
    "": (1, 1),
}


def test_the_breakdown_counts_each_persons_latest_answer_by_who_gave_it(answers):
    assert nm1_by_who(answers) == HAND_COUNT


def test_kept_counts_give_the_same_breakdown(answers):
    summary.summaries_rebuild()

    assert summary.CountSummary.objects.filter(period=str(QUARTER), built=True).exists()
    assert nm1_by_who(answers) == HAND_COUNT


def test_the_dashboard_shows_who_answered_with_suppression(client, team_leader, answers):
    client.force_login(team_leader)

    page = client.get(reverse("reporting:dashboard"), {"period": str(QUARTER)})

    html = page.content.decode()
    assert page.status_code == 200
    assert "Who answered" in html
    section = html[html.index('id="breakdown-answered_by"') :]
    section = section[: section.index("</section>")]
    for label in ("The person", "The person, with support", "Someone else, on their behalf"):
        assert label in section
    assert "Not recorded" in section
    # 4 of 5 is shown; 1 of 3 (someone else) is below the threshold and hidden.
    assert "80.0%" in section


def test_the_xlsx_return_says_how_many_answers_someone_else_gave(answers):
    record = return_produce(partnership=answers, period=QUARTER, format="xlsx")

    book = load_workbook(io.BytesIO(bytes(record.content)))
    metadata = {row[0].value: row[1].value for row in book["Metadata"].iter_rows(min_row=2)}
    assert metadata["NM1: answers from someone else"] == 3
    assert metadata["NM4: answers from someone else"] == 0
    assert "on the person's behalf" in metadata["answers from someone else"]


def test_the_csv_return_is_unchanged_by_who_answered(answers):
    before = render_csv(national_return_frame(partnership=answers, period=QUARTER))
    answers.conversations.update(answered_by="")

    after = render_csv(national_return_frame(partnership=answers, period=QUARTER))

    assert before == after
    assert b"answered" not in before
