from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from conversations.audit import audit
from conversations.models import AuditAction, Partnership
from frameworks.periods import Period, PeriodError
from reporting.models import ReturnFormat
from reporting.returns import incomplete_warning, return_produce
from reporting.views.returns import return_audit_detail


class Command(BaseCommand):
    help = (
        "Produce a partnership's national return (spec §7) for a period, as CSV (default, to "
        "standard output) or XLSX (needs --output). Every return produced is recorded."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnership", required=True, help="Partnership code, e.g. ORK")
        parser.add_argument(
            "--period", required=True, help="Financial year or quarter, e.g. 2026-27 Q1"
        )
        parser.add_argument("--format", choices=ReturnFormat.values, default=ReturnFormat.CSV)
        parser.add_argument("--output", type=Path, help="Write here instead of standard output")
        parser.add_argument("--user", help="Username to record as having produced the return")

    def handle(
        self,
        *args,
        partnership: str,
        period: str,
        format: str = ReturnFormat.CSV,
        output: Path | None = None,
        user: str | None = None,
        **options,
    ) -> None:
        found = Partnership.objects.filter(code=partnership).first()
        if found is None:
            raise CommandError(f"Unknown partnership {partnership!r}.")
        try:
            parsed = Period.parse(period)
        except PeriodError as error:
            raise CommandError(str(error)) from error
        by = None
        if user is not None:
            by = get_user_model().objects.filter(username=user).first()
            if by is None:
                raise CommandError(f"Unknown user {user!r}.")
        if format == ReturnFormat.XLSX and output is None:
            raise CommandError("An XLSX return is binary: give --output FILE to write it.")
        # A return that could not be written was not produced: keep no record of it.
        with transaction.atomic():
            record = return_produce(partnership=found, period=parsed, format=format, by=by)
            audit(
                action=AuditAction.PRODUCED_RETURN,
                user=by,
                detail={**return_audit_detail(record), "command": "national_return"},
            )
            if record.period_incomplete:
                self.stderr.write(
                    f"Warning: {incomplete_warning(parsed)} The return is recorded as produced "
                    "before the period ended."
                )
            content = bytes(record.content)
            if output is None:
                self.stdout.write(content.decode("utf-8"), ending="")
                return
            try:
                output.write_bytes(content)
            except OSError as error:
                raise CommandError(f"Cannot write {output}: {error}") from error
        self.stderr.write(
            f"Wrote the {parsed} return for {found.code} ({record.row_count} rows, "
            f"{record.byte_size} bytes, SHA-256 {record.sha256}) to {output}."
        )
