from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from conversations.services.organisation import OrganisationFileError, organisation_import


class Command(BaseCommand):
    help = (
        "Load partnerships, teams and local improvement targets from an organisation JSON file. "
        "The whole file is checked first; on any problem nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Organisation file (JSON)")

    def handle(self, *args, file: Path, **options) -> None:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        try:
            report = organisation_import(text=text)
        except OrganisationFileError as error:
            for problem in error.problems:
                self.stderr.write(f"{file}: {problem}")
            raise CommandError(
                f"{len(error.problems)} problem(s) in {file}; nothing was written."
            ) from error
        for line in report.lines():
            self.stdout.write(line)
        if not report.changed:
            self.stdout.write("Nothing changed.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Loaded {file}."))
