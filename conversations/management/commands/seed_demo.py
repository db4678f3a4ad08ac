from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from conversations.demo import DEMO_PASSWORD, seed_conversations, seed_organisation
from conversations.services.exchange import ConversationImportError


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise ValueError(text)
    return value


_count.__name__ = "number of conversations (0 or more)"  # argparse names the type in errors


def analyze_database() -> bool:
    """Refresh PostgreSQL's planner statistics after a bulk load; True if it did.

    Autovacuum analyses a table only after 50 rows plus a tenth of it have changed, so small
    lookup tables (partnerships, teams, memberships, the frameworks) may never be analysed, and
    the planner's guesses about them flip plans on the big tables."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return True


class Command(BaseCommand):
    help = (
        "Create or refresh the demo partnership, its teams, demo logins, people and carers, "
        "and two years of their conversations."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--conversations",
            type=_count,
            default=None,
            metavar="N",
            help="How many demo conversations to hold (default: the realistic demo set, "
            "about 700; 0 removes them). Re-running updates them in place.",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even when DEBUG is false (the demo logins share a published password).",
        )

    def handle(
        self,
        *args,
        conversations: int | None = None,
        allow_production: bool = False,
        **options,
    ) -> None:
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Refusing to create demo logins with a published password while DEBUG is false. "
                "Use --allow-production if this really is a demonstration site."
            )
        summary = seed_organisation()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {summary.partnerships} partnerships, {summary.teams} teams, "
                f"{summary.staff} staff logins, {summary.people} people, {summary.carers} carers."
            )
        )
        try:
            seeded = seed_conversations(count=conversations)
        except ConversationImportError as error:
            for number, reason in error.problems[:20]:
                self.stderr.write(f"line {number}: {reason}")
            raise CommandError(f"Demo conversations were not imported: {error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo conversations: {seeded.conversations} held ({seeded.created} created, "
                f"{seeded.updated} updated, {seeded.unchanged} unchanged, "
                f"{seeded.removed} removed)."
            )
        )
        if analyze_database():
            self.stdout.write("Planner statistics refreshed (ANALYZE).")
        self.stdout.write(
            "Demo logins (password "
            f"'{DEMO_PASSWORD}'): practitioner, teamleader, partnershiplead, admin."
        )
