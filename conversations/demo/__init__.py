"""The demonstration data (a package: ``stories`` makes each person's conversations,
``narratives`` holds their words; this module seeds the organisation, logins, people and carers,
and imports the conversations).

Everything is generated from a fixed random seed, so every run makes the same demo, and re-running
updates in place instead of duplicating. Names are made up from common Scottish first names and
surnames; no real person is described. The people of the source documents' case studies
(``casestudies``) join the Loch Ard partnership with their own names and stories.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from conversations.demo.casestudies import (
    CASE_STUDY_PEOPLE,
    CASE_STUDY_REFS,
    CaseStudyPerson,
    case_study_ids_with_a_carer_present,
    case_study_records,
)
from conversations.demo.stories import DEMO_ID_PREFIX, DemoSubject, demo_conversation_lines
from conversations.models import (
    Conversation,
    ConversationStatus,
    Membership,
    Partnership,
    Person,
    StaffRole,
    Target,
    Team,
)
from conversations.services.exchange import conversations_export, conversations_import
from conversations.services.themes import codebook_adopt_starter
from frameworks.models import ClientGroup, Measure
from frameworks.periods import Period

DEMO_PASSWORD = "talking-points-demo"
DEMO_PARTNERSHIP = ("LOCHARD", "Loch Ard Health and Social Care Partnership")
OTHER_PARTNERSHIP = ("GLENMOR", "Glenmor Health and Social Care Partnership")

# code, name, the client groups the team mostly supports, people held
DEMO_TEAMS = [
    ("LOCHARD-N", "North Community Care", ["older_people", "physical_disability"], 36),
    ("LOCHARD-S", "South Community Care", ["older_people", "physical_disability", "other"], 30),
    ("LOCHARD-MH", "Community Mental Health", ["mental_health", "substance_use"], 24),
    ("LOCHARD-LD", "Learning Disability Service", ["learning_disability"], 18),
    ("LOCHARD-CS", "Carer Support", ["carer_support"], 0),
]
OTHER_TEAMS = [("GLENMOR-C", "Central Team", ["older_people"], 10)]

# username, first, last, role, team code (None for a partnership lead), partnership code
DEMO_STAFF = [
    ("practitioner", "Iona", "MacLeod", StaffRole.PRACTITIONER, "LOCHARD-N", "LOCHARD"),
    ("practitioner", "Iona", "MacLeod", StaffRole.PRACTITIONER, "LOCHARD-CS", "LOCHARD"),
    ("practitioner2", "Callum", "Ross", StaffRole.PRACTITIONER, "LOCHARD-S", "LOCHARD"),
    ("practitioner3", "Aileen", "Munro", StaffRole.PRACTITIONER, "LOCHARD-MH", "LOCHARD"),
    ("practitioner4", "Euan", "Fraser", StaffRole.PRACTITIONER, "LOCHARD-LD", "LOCHARD"),
    ("teamleader", "Mhairi", "Campbell", StaffRole.TEAM_LEADER, "LOCHARD-N", "LOCHARD"),
    ("teamleader", "Mhairi", "Campbell", StaffRole.TEAM_LEADER, "LOCHARD-CS", "LOCHARD"),
    ("teamleader2", "Graeme", "Sinclair", StaffRole.TEAM_LEADER, "LOCHARD-S", "LOCHARD"),
    ("teamleader3", "Kirsty", "Doig", StaffRole.TEAM_LEADER, "LOCHARD-MH", "LOCHARD"),
    ("teamleader3", "Kirsty", "Doig", StaffRole.TEAM_LEADER, "LOCHARD-LD", "LOCHARD"),
    ("partnershiplead", "Fiona", "Henderson", StaffRole.PARTNERSHIP_LEAD, None, "LOCHARD"),
    ("glenmor", "Ruaridh", "Stewart", StaffRole.PRACTITIONER, "GLENMOR-C", "GLENMOR"),
]

FIRST_NAMES = (
    "Agnes Alasdair Alice Andrew Angus Ann Archie Catherine Colin David Donald Duncan Effie "
    "Elizabeth Elspeth Flora Grace Hamish Hector Helen Isobel James Janet Jean John Kenneth "
    "Lachlan Margaret Marion Mary Morag Murdo Neil Norman Peggy Robert Rona Ruth Sandy Sheena "
    "Thomas Una Walter William Wilma"
).split()
SURNAMES = (
    "Anderson Bain Baxter Brown Buchanan Cameron Chisholm Craig Dunbar Duncan Ferguson Forbes "
    "Gillies Gordon Grant Gunn Hay Innes Johnston Kerr Lamont MacAskill MacDonald MacInnes "
    "MacKay MacKenzie MacRae Matheson McIntosh Millar Morrison Murray Nicolson Paterson Reid "
    "Robertson Scott Shaw Sutherland Thomson Urquhart Wallace Watt Wilson Young"
).split()

AGE_BANDS = {
    "older_people": (68, 97),
    "physical_disability": (25, 80),
    "mental_health": (19, 70),
    "substance_use": (22, 60),
    "learning_disability": (18, 65),
    "carer_support": (30, 85),
    "other": (20, 90),
}


@dataclass
class DemoSummary:
    partnerships: int = 0
    teams: int = 0
    staff: int = 0
    people: int = 0
    carers: int = 0


def _date_of_birth(rng: random.Random, group: str, today: date) -> date:
    low, high = AGE_BANDS.get(group, (20, 90))
    age_days = rng.randint(low * 365, high * 365)
    return today - timedelta(days=age_days)


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


@transaction.atomic
def seed_organisation(*, today: date | None = None, seed: int = 2026) -> DemoSummary:
    """Create or refresh the demo partnerships, teams, staff logins, people and carers."""
    today = today or date.today()
    rng = random.Random(seed)
    summary = DemoSummary()
    groups = {group.code: group for group in ClientGroup.objects.all()}
    partnerships: dict[str, Partnership] = {}
    teams: dict[str, Team] = {}

    for (code, name), team_specs in (
        (DEMO_PARTNERSHIP, DEMO_TEAMS),
        (OTHER_PARTNERSHIP, OTHER_TEAMS),
    ):
        partnership, _ = Partnership.objects.update_or_create(code=code, defaults={"name": name})
        partnerships[code] = partnership
        summary.partnerships += 1
        for team_code, team_name, _, _ in team_specs:
            teams[team_code], _ = Team.objects.update_or_create(
                partnership=partnership, code=team_code, defaults={"name": team_name}
            )
            summary.teams += 1

    User = get_user_model()
    usernames: set[str] = set()
    for username, first, last, role, team_code, partnership_code in DEMO_STAFF:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        usernames.add(username)
        Membership.objects.get_or_create(
            user=user,
            role=role,
            partnership=partnerships[partnership_code],
            team=teams.get(team_code) if team_code else None,
        )
    summary.staff = len(usernames)

    admin, created = User.objects.get_or_create(
        username="admin",
        defaults={"is_staff": True, "is_superuser": True, "email": "admin@example.org"},
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])

    for team_specs in (DEMO_TEAMS, OTHER_TEAMS):
        for team_code, _, team_groups, count in team_specs:
            team = teams[team_code]
            prefix = team_code.split("-", 1)[1]
            for number in range(1, count + 1):
                group = rng.choice(team_groups)
                ref = f"{prefix}-{number:04d}"
                defaults = {
                    "name": _name(rng),
                    "date_of_birth": _date_of_birth(rng, group, today),
                    "client_group": groups[group],
                }
                if team.partnership.code == DEMO_PARTNERSHIP[0] and ref in CASE_STUDIES:
                    # A case-study person takes a generated place (the draws above are still
                    # made, so everybody else keeps their name and age).
                    defaults = _case_study_defaults(CASE_STUDIES[ref], groups, today)
                person, _ = Person.objects.update_or_create(
                    partnership=team.partnership, ref=ref, defaults=defaults
                )
                person.teams.add(team)
                summary.people += 1

    # Unpaid carers of people in the community and mental health teams, held by Carer Support
    # and by the cared-for person's own team. Drawn from the generated people only (not the
    # carers, who are allocated to those teams too, nor the case studies' own people), so that
    # a second seed draws the same carers for the same people.
    carer_team = teams["LOCHARD-CS"]
    generated = {
        f"{code.split('-', 1)[1]}-{n:04d}"
        for code, _, _, count in DEMO_TEAMS
        for n in range(1, count + 1)
    }
    cared_for_pool = list(
        Person.objects.filter(
            partnership=partnerships["LOCHARD"],
            teams__code__in=["LOCHARD-N", "LOCHARD-S", "LOCHARD-MH", "LOCHARD-LD"],
            ref__in=generated,
        )
        .distinct()
        .order_by("ref")
        .prefetch_related("teams")
    )
    for number, cared_for in enumerate(rng.sample(cared_for_pool, 22), start=1):
        carer, _ = Person.objects.update_or_create(
            partnership=partnerships["LOCHARD"],
            ref=f"CS-{number:04d}",
            defaults={
                "name": _name(rng),
                "date_of_birth": _date_of_birth(rng, "carer_support", today),
                "client_group": groups["carer_support"],
                "is_carer": True,
            },
        )
        carer.teams.add(carer_team, *cared_for.teams.all())
        carer.cares_for.add(cared_for)
        summary.carers += 1
    _seed_case_studies(partnerships["LOCHARD"], teams, groups, today=today)
    for case in CASE_STUDY_PEOPLE:
        if case.cares_for:
            summary.carers += 1
        elif case.ref not in generated:
            summary.people += 1
    _seed_targets(partnerships["LOCHARD"], teams, today=today)
    for partnership in partnerships.values():
        # Each demo partnership starts from the starter codebook (idempotent on a re-seed).
        codebook_adopt_starter(partnership=partnership)
    return summary


CASE_STUDIES = {person.ref: person for person in CASE_STUDY_PEOPLE}


def _case_study_defaults(
    person: CaseStudyPerson, groups: dict[str, ClientGroup], today: date
) -> dict:
    return {
        "name": person.name,
        "date_of_birth": today - timedelta(days=person.age * 365 + 120),
        "client_group": groups[person.client_group],
        "is_carer": person.cares_for is not None,
    }


def _seed_case_studies(
    partnership: Partnership,
    teams: dict[str, Team],
    groups: dict[str, ClientGroup],
    *,
    today: date,
) -> None:
    """Create or refresh the case-study people, and link each carer to the person they care
    for (the carer is held by Carer Support and by that person's team)."""
    people: dict[str, Person] = {}
    for case in CASE_STUDY_PEOPLE:
        people[case.ref], _ = Person.objects.update_or_create(
            partnership=partnership,
            ref=case.ref,
            defaults=_case_study_defaults(case, groups, today),
        )
        people[case.ref].teams.add(teams[case.team])
    for case in CASE_STUDY_PEOPLE:
        if case.cares_for:
            cared_for = people[case.cares_for]
            people[case.ref].teams.add(teams["LOCHARD-CS"], *cared_for.teams.all())
            people[case.ref].cares_for.add(cared_for)


# Local improvement targets: partnership-wide for each measure, and a few team targets where
# the team has chosen to push on one thing (percentages, per financial year).
DEMO_PARTNERSHIP_TARGETS = {"NM1": "85.0", "NM2": "75.0", "NM3": "60.0", "NM4": "70.0"}
DEMO_TEAM_TARGETS = [("LOCHARD-N", "NM3", "55.0"), ("LOCHARD-MH", "NM1", "70.0")]
DEMO_OUTCOME_TARGETS = [("LOCHARD-N", "seeing_people", "50.0")]


def _seed_targets(partnership: Partnership, teams: dict[str, Team], *, today: date) -> None:
    measures = {m.code: m for m in Measure.objects.all()}
    year = Period.year_containing(today)
    for period in (str(year.previous()), str(year)):
        for code, value in DEMO_PARTNERSHIP_TARGETS.items():
            Target.objects.update_or_create(
                partnership=partnership,
                team=None,
                measure=measures[code],
                period=period,
                defaults={"target": Decimal(value)},
            )
        for team_code, code, value in DEMO_TEAM_TARGETS:
            Target.objects.update_or_create(
                partnership=partnership,
                team=teams[team_code],
                measure=measures[code],
                period=period,
                defaults={"target": Decimal(value)},
            )
        for team_code, outcome, value in DEMO_OUTCOME_TARGETS:
            Target.objects.update_or_create(
                partnership=partnership,
                team=teams[team_code],
                measure=None,
                outcome_code=outcome,
                period=period,
                defaults={"target": Decimal(value)},
            )


# --- demo conversations ---------------------------------------------------------------------


@dataclass
class ConversationSeedSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    people_created: int = 0

    @property
    def conversations(self) -> int:
        return self.created + self.updated + self.unchanged


def demo_subjects(
    partnership_codes: tuple[str, ...] = (DEMO_PARTNERSHIP[0], OTHER_PARTNERSHIP[0]),
) -> list[DemoSubject]:
    """The seeded people as the conversation generator sees them: carers talk to Carer Support
    (any team ending ``-CS``), everyone else to the first team they are allocated to."""
    subjects = []
    people = (
        Person.objects.filter(partnership__code__in=partnership_codes)
        .select_related("partnership", "client_group")
        .prefetch_related("teams", "cares_for")
        .order_by("partnership__code", "ref")
    )
    for person in people:
        teams = sorted(team.code for team in person.teams.all())
        if not teams:
            continue
        if person.is_carer:
            team = next((code for code in teams if code.endswith("-CS")), teams[0])
            cared_for = sorted(other.ref for other in person.cares_for.all())
            subjects.append(
                DemoSubject(
                    partnership=person.partnership.code,
                    team=team,
                    ref=person.ref,
                    role="carer",
                    client_group=person.client_group.code,
                    cared_for_ref=cared_for[0] if cared_for else None,
                )
            )
        else:
            subjects.append(
                DemoSubject(
                    partnership=person.partnership.code,
                    team=teams[0],
                    ref=person.ref,
                    role="user",
                    client_group=person.client_group.code,
                )
            )
    return subjects


def demo_lines(*, today: date, seed: int = 2026, count: int | None = None) -> list[str]:
    """The demo's conversation lines: ``count`` generated ones, or the realistic set (the
    generated caseload and the case studies' written-out stories)."""
    generated = [
        subject
        for subject in demo_subjects()
        if not (subject.partnership == DEMO_PARTNERSHIP[0] and subject.ref in CASE_STUDY_REFS)
    ]
    lines = list(
        demo_conversation_lines(people=generated, today=today, seed=seed, target_count=count)
    )
    if count is None:
        lines += [
            json.dumps(record, ensure_ascii=False) for record in case_study_records(today=today)
        ]
    return lines


@transaction.atomic
def seed_conversations(
    *, count: int | None = None, today: date | None = None, seed: int = 2026
) -> ConversationSeedSummary:
    """Import the demo conversations (``count`` generated ones, or the realistic set: the
    generated caseload and the case studies), then remove demo conversations the set no longer
    has, so that a smaller count really means fewer. Only ids starting ``demo-`` in the demo
    partnerships are ever removed."""
    today = today or timezone.localdate()
    lines = demo_lines(today=today, seed=seed, count=count)
    records = [json.loads(line) for line in lines]
    keep = {(record["partnership"], record["id"]) for record in records}
    changed = _changed_lines(lines)
    result = conversations_import(changed, source="seed_demo") if changed else None
    demo = Conversation.objects.filter(
        partnership__code__in=[DEMO_PARTNERSHIP[0], OTHER_PARTNERSHIP[0]],
        external_id__startswith=DEMO_ID_PREFIX,
    )
    stale = [
        pk
        for pk, partnership, external_id in demo.values_list(
            "pk", "partnership__code", "external_id"
        )
        if (partnership, external_id) not in keep
    ]
    for start in range(0, len(stale), 500):
        Conversation.objects.filter(pk__in=stale[start : start + 500]).delete()
    _assign_demo_practitioners(demo)
    _date_demo_drafts(demo)
    _mark_carers_present(demo, records)
    return ConversationSeedSummary(
        created=result.created if result else 0,
        updated=result.updated if result else 0,
        unchanged=len(lines) - len(changed),
        removed=len(stale),
        people_created=result.people_created if result else 0,
    )


def _normalised(record: dict) -> dict:
    """A conversation line with the differences that mean nothing taken out: optional empty
    keys, the order of outcomes and barriers."""
    outcomes = []
    for outcome in record.get("outcomes", []):
        item = {key: value for key, value in outcome.items() if value not in ("", None)}
        item["barriers"] = sorted(item.get("barriers", []))
        outcomes.append(item)
    return {**record, "outcomes": sorted(outcomes, key=lambda item: item["code"])}


def _changed_lines(lines: list[str]) -> list[str]:
    """The lines whose conversation is not already stored exactly so. Re-seeding then only
    writes what moved on since the last run (a draft signed off, a new review), which keeps
    ``make run`` quick; everything else would be an update to the same values."""
    stored: dict[tuple[str, str], dict] = {}
    for partnership in Partnership.objects.filter(
        code__in=[DEMO_PARTNERSHIP[0], OTHER_PARTNERSHIP[0]]
    ):
        for line in conversations_export(partnership=partnership):
            record = json.loads(line)
            if record["id"].startswith(DEMO_ID_PREFIX):
                stored[(partnership.code, record["id"])] = _normalised(record)
    changed = []
    for line in lines:
        record = json.loads(line)
        if stored.get((record["partnership"], record["id"])) != _normalised(record):
            changed.append(line)
    return changed


def _assign_demo_practitioners(conversations: QuerySet[Conversation]) -> None:
    """Give each team's demo conversations to its demo practitioner, who also signed them off."""
    for membership in (
        Membership.objects.filter(role=StaffRole.PRACTITIONER, team__isnull=False)
        .select_related("team")
        .order_by("team_id", "pk")
    ):
        team_conversations = conversations.filter(team=membership.team, practitioner__isnull=True)
        team_conversations.filter(completed_at__isnull=False).update(
            practitioner=membership.user, completed_by=membership.user
        )
        team_conversations.update(practitioner=membership.user)


def _mark_carers_present(conversations: QuerySet[Conversation], records: list[dict]) -> None:
    """Record that a carer or relative took part where the demo says so: the case studies'
    conversations with a carer present, and every conversation keeping a carer's view of a
    status (the line format does not carry who took part; the import keeps what is stored)."""
    present = case_study_ids_with_a_carer_present()
    by_partnership: dict[str, set[str]] = {DEMO_PARTNERSHIP[0]: present}
    for record in records:
        if any("carer_status" in outcome for outcome in record["outcomes"]):
            by_partnership.setdefault(record["partnership"], set()).add(record["id"])
    for partnership, external_ids in sorted(by_partnership.items()):
        conversations.filter(
            partnership__code=partnership, external_id__in=external_ids, with_carer=False
        ).update(with_carer=True)


def _date_demo_drafts(conversations: QuerySet[Conversation]) -> None:
    """A demo draft was started on the day the conversation was held, not when the demo was
    seeded: the caseload then shows how long each has been waiting."""
    changed = []
    for conversation in conversations.filter(status=ConversationStatus.DRAFT).only(
        "pk", "date_held", "created_at"
    ):
        started = timezone.make_aware(datetime.combine(conversation.date_held, time(17, 0)))
        if conversation.created_at != started:
            conversation.created_at = started
            changed.append(conversation)
    Conversation.objects.bulk_update(changed, ["created_at"], batch_size=500)
