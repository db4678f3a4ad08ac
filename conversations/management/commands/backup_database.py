"""``manage.py backup_database [--output FILE]``: a complete copy of the database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from conversations.services.data_protection import (
    BackupError,
    database_backup,
    default_backup_path,
)


class Command(BaseCommand):
    help = (
        "Back up the whole database: pg_dump (custom format) on PostgreSQL, the SQLite backup "
        "API on SQLite. The file holds personal data and is readable only by its owner."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="Where to write the backup (default backups/outcomes-<date-time>.dump or "
            ".sqlite3).",
        )
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args, output: Path | None, database: str, **options) -> None:
        try:
            target = output or default_backup_path(alias=database)
            written = database_backup(output=target, alias=database)
        except (BackupError, OSError) as error:
            raise CommandError(f"Backup failed: {error}") from error
        self.stdout.write(f"Backup written to {written} ({written.stat().st_size} bytes).")
