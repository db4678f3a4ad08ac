from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from conversations.demo import DEMO_PASSWORD, seed_organisation


class Command(BaseCommand):
    help = "Create or refresh the demo partnership, its teams, demo logins, people and carers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even when DEBUG is false (the demo logins share a published password).",
        )

    def handle(self, *args, allow_production: bool = False, **options) -> None:
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
        self.stdout.write(
            "Demo logins (password "
            f"'{DEMO_PASSWORD}'): practitioner, teamleader, partnershiplead, admin."
        )
