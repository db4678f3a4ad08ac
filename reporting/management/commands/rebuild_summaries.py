import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from conversations.models import Partnership
from reporting.summary import summaries_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the count summaries of every period that is over and holds conversations "
        "(all partnerships, or one), and remove summaries of periods that hold none. Safe to "
        "run again, and while the site is in use."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnership", help="Only this partnership's code, e.g. ORK")
        parser.add_argument(
            "--stale",
            action="store_true",
            help="Only summaries that are missing or marked stale by a change since they were "
            "built, which reads count live meanwhile (run it every few minutes from a "
            "scheduler)",
        )

    def handle(self, *args, partnership: str | None = None, stale: bool = False, **options) -> None:
        chosen = None
        if partnership:
            chosen = list(Partnership.objects.filter(code=partnership))
            if not chosen:
                raise CommandError(f"No partnership with code {partnership!r}")
        started = time.perf_counter()
        done = summaries_rebuild(partnerships=chosen, stale_only=stale)
        for rebuilt in done:
            self.stdout.write(
                f"{rebuilt.partnership}: {rebuilt.quarters} quarters and {rebuilt.years} "
                f"financial years rebuilt, {rebuilt.removed} summaries of periods without "
                "conversations removed"
            )
        seconds = time.perf_counter() - started
        self.stdout.write(f"Rebuilt {len(done)} partnerships in {seconds:.1f} s")
