from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from conversations.audit import audit
from conversations.models import AuditAction, Partnership
from conversations.services.exchange import conversations_export
from frameworks.periods import Period, PeriodError


class Command(BaseCommand):
    help = (
        "Export a partnership's conversations as JSON Lines, in the shape import_conversations "
        "reads. Names and dates of birth are never written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnership", required=True, help="Partnership code, e.g. ORK")
        parser.add_argument("--period", help="Only conversations held in, e.g., 2026-27 Q1")
        parser.add_argument("--output", type=Path, help="Write here instead of standard output")

    def handle(
        self,
        *args,
        partnership: str,
        period: str | None = None,
        output: Path | None = None,
        **options,
    ) -> None:
        found = Partnership.objects.filter(code=partnership).first()
        if found is None:
            raise CommandError(f"Unknown partnership {partnership!r}.")
        try:
            parsed = Period.parse(period) if period is not None else None
        except PeriodError as error:
            raise CommandError(str(error)) from error
        lines = conversations_export(partnership=found, period=parsed)
        if output is None:
            count = 0
            for line in lines:
                self.stdout.write(line)
                count += 1
        else:
            try:
                with output.open("w", encoding="utf-8", newline="\n") as handle:
                    count = 0
                    for line in lines:
                        handle.write(line + "\n")
                        count += 1
            except OSError as error:
                raise CommandError(f"Cannot write {output}: {error}") from error
            self.stderr.write(f"Exported {count} conversation(s) to {output}.")
        audit(
            action=AuditAction.EXPORTED,
            detail={
                "command": "export_conversations",
                "partnership": found.code,
                "period": str(parsed) if parsed else "",
                "conversations": count,
            },
        )
        if count == 0:
            self.stderr.write(f"No conversations to export for {partnership}.")
