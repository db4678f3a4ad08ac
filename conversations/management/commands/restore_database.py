"""``manage.py restore_database FILE``: replace the database with a backup."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from conversations.services.data_protection import BackupError, database_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by backup_database, replacing everything in the database. "
        "Run `manage.py migrate` afterwards if the backup is older than the code."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="A file written by backup_database.")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args, file: Path, interactive: bool, database: str, **options) -> None:
        if not file.is_file():
            raise CommandError(f"No backup file at {file}.")
        if interactive:
            answer = input(
                f"This replaces everything in the {database!r} database with {file}. "
                "Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            database_restore(source=file, alias=database)
        except (BackupError, OSError) as error:
            raise CommandError(f"Restore failed, nothing was changed: {error}") from error
        self.stdout.write(f"Restored {file}. Run `manage.py migrate` if the code is newer.")
