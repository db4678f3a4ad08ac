"""The national return (spec §7): the CSV exactly, the XLSX cell by cell, the record kept of
every return, and the command line."""

import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook

from conversations.models import Target
from frameworks.models import Measure
from frameworks.periods import Period
from reporting.csv import RETURN_COLUMNS, escape_formula
from reporting.models import ReturnRecord
from reporting.returns import (
    national_return_frame,
    render_csv,
    render_xlsx,
    return_metadata,
    return_produce,
)
from tests.factories import PartnershipFactory, PersonFactory, TeamFactory, answered_conversation

pytestmark = pytest.mark.django_db

HEADER = (
    "partnership_code,partnership_name,period,measure_code,measure_title,population,"
    "numerator,denominator,percentage,ci_low,ci_high,suppressed,target,target_status\n"
)
NM1 = "NM1,% users of community care services feeling safe,users"
NM2 = (
    "NM2,% users and carers satisfied with involvement in their health and social care "
    "packages,users and carers"
)
NM3 = "NM3,% users reporting satisfaction with opportunities for meaningful interaction,users"
NM4 = "NM4,% carers who feel supported and capable of continuing in their role as carer,carers"
LATEST_SIGN_OFF = dt.datetime(2026, 6, 20, 9, 30, tzinfo=dt.UTC)


def person_in(team, ref):
    return PersonFactory(partnership=team.partnership, ref=ref, teams=[team])


def target(partnership, code, period, value):
    return Target.objects.create(
        partnership=partnership,
        team=None,
        measure=Measure.objects.get(code=code),
        period=period,
        target=Decimal(value),
    )


@pytest.fixture
def dataset(partnership, team, other_team, foreign_team):
    """2026-27 Q1: NM1 5 of 6 users; NM2 3 answers (suppressed); NM3 nothing counted;
    NM4 2 of 5 carers. One more user in Q3 answers NM1 yes (the year: 6 of 7)."""
    users = [person_in(team, f"U{i}") for i in range(1, 7)]
    # U1 said no in April, then yes in May: only the latest counts.
    answered_conversation(
        person=users[0], team=team, date_held=dt.date(2026, 4, 10), answers={"NM1": "no"}
    )
    for index, user in enumerate(users):
        answers = {"NM1": "yes" if index < 5 else "no"}
        if index < 3:
            answers["NM2"] = "yes"
        if index == 0:
            answers["NM3"] = "not_answered"
        answered_conversation(
            person=user,
            team=team if index % 2 else other_team,
            date_held=dt.date(2026, 5, 1 + index),
            answers=answers,
        )
    # A draft never counts; nor does another partnership's answer.
    answered_conversation(
        person=users[5],
        team=team,
        date_held=dt.date(2026, 6, 30),
        answers={"NM1": "yes"},
        status="draft",
    )
    answered_conversation(
        person=person_in(foreign_team, "F1"),
        team=foreign_team,
        date_held=dt.date(2026, 5, 5),
        answers={"NM1": "no"},
    )
    for index, answer in enumerate(["yes", "yes", "partly", "partly", "no"]):
        answered_conversation(
            person=person_in(team, f"C{index + 1}"),
            team=team,
            date_held=dt.date(2026, 6, 1 + index),
            answers={"NM4": answer},
            role="carer",
            completed_at=LATEST_SIGN_OFF if index == 2 else None,
        )
    answered_conversation(
        person=person_in(team, "U7"),
        team=team,
        date_held=dt.date(2026, 10, 6),
        answers={"NM1": "yes"},
    )
    target(partnership, "NM1", "2026-27 Q1", "85")
    target(partnership, "NM2", "2026-27 Q1", "50")
    target(partnership, "NM4", "2026-27", "40")
    # A team's target is not the partnership's.
    Target.objects.create(
        partnership=partnership,
        team=team,
        measure=Measure.objects.get(code="NM3"),
        period="2026-27 Q1",
        target=Decimal("70"),
    )
    return partnership


def csv_text(partnership, period: str) -> str:
    frame = national_return_frame(partnership=partnership, period=Period.parse(period))
    return render_csv(frame).decode("utf-8")


def test_quarter_return_exactly(dataset):
    assert csv_text(dataset, "2026-27 Q1") == (
        HEADER
        + f"ORK,Orkney,2026-27 Q1,{NM1},5,6,83.3,43.6,97.0,false,85.0,not_met\n"
        + f"ORK,Orkney,2026-27 Q1,{NM2},,3,,,,true,50.0,no_data\n"
        + f"ORK,Orkney,2026-27 Q1,{NM3},,0,,,,true,,\n"
        + f"ORK,Orkney,2026-27 Q1,{NM4},2,5,40.0,11.8,76.9,false,40.0,met\n"
    )


def test_year_return_exactly(dataset):
    # The quarter's targets are not the year's; the year's NM4 target is.
    assert csv_text(dataset, "2026-27") == (
        HEADER
        + f"ORK,Orkney,2026-27,{NM1},6,7,85.7,48.7,97.4,false,,\n"
        + f"ORK,Orkney,2026-27,{NM2},,3,,,,true,,\n"
        + f"ORK,Orkney,2026-27,{NM3},,0,,,,true,,\n"
        + f"ORK,Orkney,2026-27,{NM4},2,5,40.0,11.8,76.9,false,40.0,met\n"
    )


def test_a_quarter_with_nothing_counted(dataset):
    assert csv_text(dataset, "2026-27 Q2") == (
        HEADER
        + f"ORK,Orkney,2026-27 Q2,{NM1},,0,,,,true,,\n"
        + f"ORK,Orkney,2026-27 Q2,{NM2},,0,,,,true,,\n"
        + f"ORK,Orkney,2026-27 Q2,{NM3},,0,,,,true,,\n"
        + f"ORK,Orkney,2026-27 Q2,{NM4},,0,,,,true,40.0,no_data\n"
    )


def test_frame_columns_and_types(dataset):
    frame = national_return_frame(partnership=dataset, period=Period.parse("2026-27 Q1"))

    assert list(frame.columns) == RETURN_COLUMNS
    assert list(frame["measure_code"]) == ["NM1", "NM2", "NM3", "NM4"]
    first = frame.iloc[0]
    assert (first["numerator"], first["denominator"]) == (5, 6)
    assert first["percentage"] == Decimal("83.3")
    assert first["target"] == Decimal("85.0")
    assert frame.iloc[1]["numerator"] is None
    assert bool(frame.iloc[1]["suppressed"]) is True


@pytest.mark.parametrize("name", ["=cmd|' /C calc'!A0", "+SUM(1)", "-2+3", "@SUM(A1)"])
def test_text_cells_are_escaped_against_formulas(team, name):
    partnership = team.partnership
    partnership.name = name
    partnership.save()

    text = csv_text(partnership, "2026-27 Q1")

    rows = text.splitlines()[1:]
    assert len(rows) == 4
    assert ",,0,,,,true,," in rows[0]  # numbers are never escaped
    for row in rows:
        assert row.startswith(f"ORK,'{name},2026-27 Q1,NM")


@pytest.mark.parametrize(
    ("text", "escaped"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("Orkney", "Orkney")],
)
def test_escape_formula(text, escaped):
    assert escape_formula(text) == escaped


def test_the_csv_is_utf8_without_a_byte_order_mark(team):
    partnership = team.partnership
    partnership.name = "Eilean Siar — Comhairle nan Eilean"
    partnership.save()

    content = render_csv(
        national_return_frame(partnership=partnership, period=Period.parse("2026-27"))
    )

    assert not content.startswith(b"\xef\xbb\xbf")
    assert "Comhairle nan Eilean" in content.decode("utf-8")
    assert "—".encode() in content


def workbook_for(partnership, period: str, *, by=None, generated_at=None):
    period_ = Period.parse(period)
    generated_at = generated_at or dt.datetime(2026, 7, 2, 12, 0, tzinfo=dt.UTC)
    frame = national_return_frame(partnership=partnership, period=period_)
    metadata = return_metadata(
        partnership=partnership, period=period_, generated_at=generated_at, by=by
    )
    return load_workbook(io.BytesIO(render_xlsx(frame, metadata=metadata)))


def test_xlsx_return_sheet_has_the_same_table_with_numbers(dataset):
    book = workbook_for(dataset, "2026-27 Q1")

    assert book.sheetnames == ["Return", "Definitions", "Metadata"]
    sheet = book["Return"]
    assert [c.value for c in sheet[1]] == RETURN_COLUMNS
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 5
    nm1 = [c.value for c in sheet[2]]
    assert nm1 == [
        "ORK",
        "Orkney",
        "2026-27 Q1",
        "NM1",
        "% users of community care services feeling safe",
        "users",
        5,
        6,
        83.3,
        43.6,
        97.0,
        "false",
        85.0,
        "not_met",
    ]
    for column in "IJKM":
        assert sheet[f"{column}2"].number_format == "0.0"
        assert sheet[f"{column}2"].data_type == "n"
    nm2 = [c.value for c in sheet[3]]
    assert nm2[6:] == [None, 3, None, None, None, "true", 50.0, "no_data"]
    nm3 = [c.value for c in sheet[4]]
    assert nm3[12:] == [None, None]
    assert sheet.column_dimensions["E"].width > sheet.column_dimensions["A"].width


def test_xlsx_definitions_and_metadata(dataset, partnership_lead, settings):
    settings.SUPPRESSION_THRESHOLD = 5
    book = workbook_for(dataset, "2026-27 Q1", by=partnership_lead)

    definitions = book["Definitions"]
    assert [c.value for c in definitions[1]] == [
        "measure_code",
        "measure_title",
        "population",
        "question",
        "what is counted",
    ]
    nm4 = [c.value for c in definitions[5]]
    measure = Measure.objects.get(code="NM4")
    assert nm4 == ["NM4", measure.title, "carers", measure.question, measure.definition]
    rules = " ".join(str(c.value) for row in definitions.iter_rows(min_row=7) for c in row)
    assert "Counting rules" in rules
    assert "Only completed" in rules
    assert "latest conversation in the period" in rules
    assert "rounded half away from zero to one decimal place" in rules
    assert "Wilson score interval" in rules
    assert "denominator is below 5" in rules

    metadata = {row[0].value: row[1].value for row in book["Metadata"].iter_rows(min_row=2)}
    assert metadata["partnership"] == "Orkney (ORK)"
    assert metadata["period"] == "2026-27 Q1"
    assert metadata["generated at"] == "2026-07-02T13:00:00+01:00"
    name = partnership_lead.get_full_name()
    assert metadata["generated by"] == f"{name} (lead)"
    # The latest sign-off among the conversations held in the quarter.
    assert metadata["data as at"] == "2026-06-20T10:30:00+01:00"
    assert metadata["suppression threshold"] == 5
    assert metadata["software version"].startswith("outcomes-conversations ")
    assert "SHA-256" in metadata["checksum"]


def test_xlsx_data_as_at_is_generation_time_when_nothing_is_signed_off(team):
    book = workbook_for(team.partnership, "2026-27 Q1")

    metadata = {row[0].value: row[1].value for row in book["Metadata"].iter_rows(min_row=2)}
    assert metadata["data as at"] == metadata["generated at"]
    assert metadata["generated by"] == "command line"


def test_xlsx_keeps_formula_like_names_as_text(team):
    partnership = team.partnership
    partnership.name = "=cmd"
    partnership.save()

    sheet = workbook_for(partnership, "2026-27 Q1")["Return"]

    assert sheet["B2"].value == "=cmd"
    assert sheet["B2"].data_type == "s"


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_return_produce_keeps_the_bytes_and_checksum(dataset, partnership_lead, format_):
    record = return_produce(
        partnership=dataset, period=Period.parse("2026-27 Q1"), format=format_, by=partnership_lead
    )

    record.refresh_from_db()
    content = bytes(record.content)
    assert record.sha256 == hashlib.sha256(content).hexdigest()
    assert record.byte_size == len(content)
    assert record.row_count == 4
    assert (record.period, record.format) == ("2026-27 Q1", format_)
    assert record.generated_by == partnership_lead
    assert abs(record.generated_at - timezone.now()) < dt.timedelta(minutes=1)
    assert record.filename == f"national-return-ORK-2026-27-Q1.{format_}"
    if format_ == "csv":
        assert content.decode("utf-8") == csv_text(dataset, "2026-27 Q1")
    else:
        assert load_workbook(io.BytesIO(content)).sheetnames[0] == "Return"


def test_return_produce_refuses_an_unknown_format(partnership):
    with pytest.raises(ValueError):
        return_produce(partnership=partnership, period=Period(2026), format="pdf", by=None)
    assert not ReturnRecord.objects.exists()


def test_command_writes_csv_to_stdout_and_records_it(dataset):
    out, err = io.StringIO(), io.StringIO()

    call_command(
        "national_return", "--partnership", "ORK", "--period", "2026-27 Q1", stdout=out, stderr=err
    )

    assert out.getvalue() == csv_text(dataset, "2026-27 Q1")
    record = ReturnRecord.objects.get()
    assert record.generated_by is None
    assert record.format == "csv"
    assert record.sha256 == hashlib.sha256(out.getvalue().encode("utf-8")).hexdigest()


def test_command_writes_xlsx_to_a_file_as_a_user(dataset, partnership_lead, tmp_path):
    output = tmp_path / "return.xlsx"
    err = io.StringIO()

    call_command(
        "national_return",
        "--partnership=ORK",
        "--period=2026-27",
        "--format=xlsx",
        f"--output={output}",
        "--user=lead",
        stderr=err,
    )

    record = ReturnRecord.objects.get()
    assert output.read_bytes() == bytes(record.content)
    assert record.sha256 == hashlib.sha256(output.read_bytes()).hexdigest()
    assert record.generated_by == partnership_lead
    assert record.sha256 in err.getvalue()
    assert load_workbook(output)["Return"]["C2"].value == "2026-27"


def test_command_writes_csv_to_a_file(dataset, tmp_path):
    output = tmp_path / "return.csv"

    call_command(
        "national_return", "--partnership=ORK", "--period=2026-27 Q1", f"--output={output}"
    )

    assert output.read_text(encoding="utf-8") == csv_text(dataset, "2026-27 Q1")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--partnership=NOPE", "--period=2026-27"], "Unknown partnership 'NOPE'"),
        (["--partnership=ORK", "--period=2026"], "is not a period"),
        (["--partnership=ORK", "--period=2026-28"], "the second year must follow"),
        (["--partnership=ORK", "--period=2026-27 Q5"], "is not a period"),
        (["--partnership=ORK", "--period=2026-27", "--format=xlsx"], "give --output"),
        (["--partnership=ORK", "--period=2026-27", "--user=nobody"], "Unknown user 'nobody'"),
    ],
)
def test_command_errors_write_nothing(partnership, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("national_return", *arguments, stdout=io.StringIO())

    assert not ReturnRecord.objects.exists()


def test_command_that_cannot_write_keeps_no_record(partnership, tmp_path):
    output = tmp_path / "missing" / "return.csv"

    with pytest.raises(CommandError, match="Cannot write"):
        call_command(
            "national_return", "--partnership=ORK", "--period=2026-27", f"--output={output}"
        )

    assert not ReturnRecord.objects.exists()


def test_other_partnerships_are_left_out(dataset, other_partnership):
    team = TeamFactory(partnership=PartnershipFactory(code="XYZ"), code="XYZ-1")
    answered_conversation(
        person=person_in(team, "X1"),
        team=team,
        date_held=dt.date(2026, 5, 1),
        answers={"NM1": "yes"},
    )

    text = csv_text(dataset, "2026-27 Q1")

    assert f"{NM1},5,6," in text


# --- a period still under way ---------------------------------------------------------------


@pytest.fixture
def mid_q3(monkeypatch):
    """ "Today" is inside 2026-27 Q3: the quarter and the year are still under way."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: dt.date(2026, 11, 22))


def test_a_return_for_a_period_under_way_is_flagged_not_one_that_has_ended(dataset, mid_q3):
    under_way = return_produce(partnership=dataset, period=Period(2026, 3), format="csv")
    year = return_produce(partnership=dataset, period=Period(2026), format="csv")
    ended = return_produce(partnership=dataset, period=Period(2026, 2), format="csv")
    # Its last day is today: conversations held today may still be recorded.
    last_day = return_produce(
        partnership=dataset, period=Period(2026, 2), format="csv", today=dt.date(2026, 9, 30)
    )

    assert (under_way.period_incomplete, year.period_incomplete) == (True, True)
    assert (ended.period_incomplete, last_day.period_incomplete) == (False, True)
    # The national file keeps its columns: the flag is in the record, not the CSV.
    assert bytes(under_way.content).decode().splitlines()[0] == ",".join(RETURN_COLUMNS)


def test_xlsx_metadata_says_whether_the_period_was_complete(dataset, mid_q3):
    def metadata_of(record) -> dict:
        book = load_workbook(io.BytesIO(bytes(record.content)))
        return {row[0].value: row[1].value for row in book["Metadata"].iter_rows(min_row=2)}

    under_way = return_produce(partnership=dataset, period=Period(2026, 3), format="xlsx")
    ended = return_produce(partnership=dataset, period=Period(2026, 1), format="xlsx")

    complete = metadata_of(under_way)["period complete"]
    assert complete.startswith("No: produced before the period ended")
    assert "ends on 31 December 2026" in complete and "will change" in complete
    assert metadata_of(ended)["period complete"] == (
        "Yes: produced after the period ended on 30 June 2026."
    )


def test_command_warns_about_a_period_under_way(dataset, mid_q3):
    out, err = io.StringIO(), io.StringIO()

    call_command(
        "national_return", "--partnership", "ORK", "--period", "2026-27 Q3", stdout=out, stderr=err
    )

    assert err.getvalue().startswith("Warning: 2026-27 Q3 is still under way")
    assert "recorded as produced before the period ended" in err.getvalue()
    assert out.getvalue().splitlines()[0] == ",".join(RETURN_COLUMNS)
    assert ReturnRecord.objects.get().period_incomplete

    quiet = io.StringIO()
    call_command(
        "national_return",
        "--partnership",
        "ORK",
        "--period",
        "2026-27 Q1",
        stdout=out,
        stderr=quiet,
    )
    assert "Warning" not in quiet.getvalue()
