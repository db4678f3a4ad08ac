"""factory_boy factories shared by the suite. Frameworks themselves come from the data files
(loaded once per test database by migrations), not from factories."""

import factory
from django.contrib.auth import get_user_model

from conversations.models import Membership, Partnership, Person, StaffRole, Team
from frameworks.models import ClientGroup


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"P{n:02d}")
    name = factory.LazyAttribute(lambda p: f"Partnership {p.code}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    partnership = factory.SubFactory(PartnershipFactory)
    code = factory.Sequence(lambda n: f"T{n:03d}")
    name = factory.LazyAttribute(lambda t: f"Team {t.code}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = StaffRole.PRACTITIONER
    team = factory.SubFactory(TeamFactory)
    partnership = factory.LazyAttribute(lambda m: m.team.partnership if m.team else None)


def client_group(code: str = "older_people") -> ClientGroup:
    return ClientGroup.objects.get(code=code)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    partnership = factory.SubFactory(PartnershipFactory)
    ref = factory.Sequence(lambda n: f"REF-{n:05d}")
    name = factory.Faker("name", locale="en_GB")
    client_group = factory.LazyFunction(client_group)

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            self.teams.set(extracted)


def make_practitioner(team: Team, username: str | None = None):
    return MembershipFactory(
        user=UserFactory(**({"username": username} if username else {})),
        team=team,
        role=StaffRole.PRACTITIONER,
    ).user


def make_team_leader(team: Team, username: str | None = None):
    return MembershipFactory(
        user=UserFactory(**({"username": username} if username else {})),
        team=team,
        role=StaffRole.TEAM_LEADER,
    ).user


def make_partnership_lead(partnership: Partnership, username: str | None = None):
    return MembershipFactory(
        user=UserFactory(**({"username": username} if username else {})),
        team=None,
        partnership=partnership,
        role=StaffRole.PARTNERSHIP_LEAD,
    ).user


def framework_version(framework: str = "users", version: str = "2012"):
    from frameworks.models import FrameworkVersion

    return FrameworkVersion.objects.select_related("framework").get(
        framework__code=framework, version=version
    )


def start_conversation(
    *,
    person: Person,
    team: Team,
    by,
    type: str = "assessment",
    role: str = "user",
    version: tuple[str, str] = ("users", "2012"),
    date_held=None,
):
    """A draft conversation made the way the recording page makes one."""
    import datetime

    from conversations.services.recording import conversation_start

    return conversation_start(
        subject=person,
        role=role,
        type=type,
        team=team,
        framework_version=framework_version(*version),
        date_held=date_held or datetime.date(2026, 5, 14),
        by=by,
    )


def answered_conversation(
    *,
    person: Person,
    team: Team,
    date_held,
    answers: dict[str, str],
    role: str = "user",
    status: str = "completed",
    completed_at=None,
    type: str = "review",
    interviewer: str = "practitioner",
    answered_by: str = "",
    outcomes: dict[str, str] | None = None,
):
    """A conversation written straight to the database with the given measure answers
    (``{"NM1": "yes"}``) and outcome statuses (``{"feeling_safe": "achieved"}``): for
    reporting tests, which need exact control of dates, sign-off times and answers."""
    import datetime

    from django.utils import timezone

    from conversations.models import Conversation, MeasureAnswer, OutcomeRecord
    from frameworks.models import Measure

    version = framework_version(*(("users", "2012") if role == "user" else ("carers", "2013")))
    if completed_at is None and status == "completed":
        completed_at = timezone.make_aware(
            datetime.datetime.combine(date_held, datetime.time(17, 0))
        )
    conversation = Conversation.objects.create(
        partnership=team.partnership,
        subject=person,
        subject_role=role,
        team=team,
        type=type,
        framework_version=version,
        date_held=date_held,
        interviewer=interviewer,
        answered_by=answered_by,
        status=status,
        completed_at=completed_at,
    )
    measures = {m.code: m for m in Measure.objects.all()}
    MeasureAnswer.objects.bulk_create(
        MeasureAnswer(conversation=conversation, measure=measures[code], answer=answer)
        for code, answer in answers.items()
    )
    if outcomes:
        by_code = {o.code: o for o in version.outcomes.all()}
        OutcomeRecord.objects.bulk_create(
            OutcomeRecord(
                conversation=conversation, outcome=by_code[code], matters=True, status=status_
            )
            for code, status_ in outcomes.items()
        )
    return conversation
