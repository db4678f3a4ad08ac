"""``manage.py anonymise_people [--dry-run] [--person REF --partnership CODE]``."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from conversations.models import Person
from conversations.services.data_protection import (
    people_past_retention,
    person_anonymise,
    retention_cutoff,
)


class Command(BaseCommand):
    help = (
        "Anonymise people: remove names, dates of birth and every word recorded about them, "
        "keeping the counted answers and statuses. Without --person, everyone whose last "
        "conversation is older than RETENTION_YEARS; with --person and --partnership, that "
        "one person now (an erasure request). Running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List who would be anonymised; change nothing."
        )
        parser.add_argument("--person", help="The person's reference (with --partnership).")
        parser.add_argument("--partnership", help="The partnership code holding --person.")
        parser.add_argument("--reason", default="", help="Why, kept in the audit.")

    def handle(
        self,
        *args,
        dry_run: bool,
        person: str | None,
        partnership: str | None,
        reason: str,
        **options,
    ) -> None:
        if bool(person) != bool(partnership):
            raise CommandError("Give --person and --partnership together.")
        if person:
            found = (
                Person.objects.select_related("partnership")
                .filter(ref=person, partnership__code=partnership)
                .first()
            )
            if found is None:
                raise CommandError(f"No person {person!r} in partnership {partnership!r}.")
            people = [found]
            reason = reason or "Erasure request (command line)."
        else:
            cutoff = retention_cutoff()
            people = list(people_past_retention())
            reason = reason or (
                f"Retention: no conversation since before {cutoff.isoformat()} "
                f"(RETENTION_YEARS={settings.RETENTION_YEARS})."
            )
        anonymised = 0
        for someone in people:
            with transaction.atomic():
                result = person_anonymise(person=someone, by=None, reason=reason)
                # A dry run does the whole thing, counts it, and takes it back.
                transaction.set_rollback(dry_run)
            if result.changed:
                anonymised += 1
                removed = ", ".join(f"{field} {n}" for field, n in result.removed.items() if n)
                verb = "would be anonymised" if dry_run else "anonymised"
                self.stdout.write(f"{someone.partnership.code} {someone.ref}: {verb} ({removed})")
        already = len(people) - anonymised
        if dry_run:
            self.stdout.write(
                f"Dry run: {anonymised} would be anonymised, {already} already were; "
                "nothing changed."
            )
        else:
            self.stdout.write(f"{anonymised} anonymised, {already} already were.")
