from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frameworks.loader import DATA_DIR, LoaderError, load_frameworks


class Command(BaseCommand):
    help = (
        "Load outcome frameworks, national measures, barrier codes and client groups from "
        "frameworks/data/. Safe to run again; published versions are never edited in place."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir", type=Path, default=DATA_DIR, help="Folder holding the data files."
        )

    def handle(self, *args: Any, data_dir: Path, **options: Any) -> None:
        try:
            result = load_frameworks(data_dir=data_dir)
        except LoaderError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"Nothing was loaded: {len(error.problems)} problem(s) in {data_dir}."
            ) from error
        for label in result.created:
            self.stdout.write(f"Created {label}")
        for label in result.updated:
            self.stdout.write(f"Updated {label}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(result.created)} created, {len(result.updated)} updated, "
                f"{len(result.unchanged)} unchanged."
            )
        )
