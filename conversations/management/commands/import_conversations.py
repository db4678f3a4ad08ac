from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from conversations.services.exchange import ConversationImportError, conversations_import


class Command(BaseCommand):
    help = (
        "Import conversations from a JSON Lines file (one conversation a line). The whole file "
        "is checked first; on any bad line nothing is written and every bad line is reported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Conversations file (JSON Lines, UTF-8)")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and count, but write nothing."
        )

    def handle(self, *args, file: Path, dry_run: bool = False, **options) -> None:
        try:
            with file.open(encoding="utf-8") as lines:
                result = conversations_import(lines, dry_run=dry_run, source=file.name)
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        except ConversationImportError as error:
            for number, reason in error.problems:
                self.stderr.write(f"line {number}: {reason}")
            bad = len({number for number, _ in error.problems})
            raise CommandError(f"{bad} bad line(s) in {file}; nothing was written.") from error
        self.stdout.write(result.summary())
