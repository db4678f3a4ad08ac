"""Every URL of the site × every role, generated from the resolver so that a new URL cannot be
forgotten: ``test_every_url_is_in_the_walk`` fails until the new pattern has a row in ``WALK``.

For each pattern: anonymous → the login page (public pages excepted); each role named in
``allowed`` → 200 (or the page's normal redirect); every other signed-in role → the row's
``denied`` status (404 for a record outside the user's scope, 403 where the user may see the
record but not do this); every HTTP method the page does not take → 405.

The records in scope belong to team East of partnership ORK. The roles:

- ``practitioner`` and ``team_leader`` of East, ``lead`` of ORK: inside, each as far as the
  role reaches;
- ``colleague``: a practitioner of West, another team of the same partnership;
- ``outsider`` and ``outside_lead``: a practitioner and the lead of another partnership;
- ``administrator``: a superuser with no team or partnership, who reads no records outside
  the admin.

Only Django's admin (its own permission system, tested in the apps' admin tests) and static
file serving are left out.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.contrib.admin.sites import AdminSite
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conversations.models import Conversation, Person, Target, Theme
from frameworks.models import Measure
from frameworks.periods import Period
from reporting.models import ReturnRecord
from tests.conversations.recording_helpers import recording_post
from tests.factories import (
    PartnershipFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
    answered_conversation,
    make_partnership_lead,
    make_practitioner,
    make_team_leader,
    start_conversation,
)

pytestmark = pytest.mark.django_db

ROLES = (
    "practitioner",
    "team_leader",
    "lead",
    "colleague",
    "outsider",
    "outside_lead",
    "administrator",
)
EVERYONE = frozenset(ROLES)
# Staff with a role in a team or partnership: an administrator has none (the admin is theirs).
STAFF = EVERYONE - {"administrator"}
TEAM_STAFF = frozenset({"practitioner", "team_leader"})
READERS = TEAM_STAFF | {"lead"}
LEADS = frozenset({"lead", "outside_lead"})
METHODS = ("get", "post", "put", "patch", "delete")
SAFE = frozenset({"get"})
FORM = frozenset({"get", "post"})


@dataclass
class World:
    """The records the walk asks for, all held by team East of partnership ORK."""

    users: dict[str, object]
    person: Person
    draft: Conversation
    completed: Conversation
    target: Target
    record: ReturnRecord
    theme: Theme


def _no_args(world: World) -> dict:
    return {}


@dataclass(frozen=True)
class Row:
    """How one URL pattern is walked.

    ``args`` fills the pattern's kwargs from the world (the object in scope for the allowed
    roles, out of scope for the others); ``query`` is added to the URL (reporting pages take
    their scope from ``?team=``); ``method`` and ``data`` are what an allowed user sends;
    ``methods`` every method the page takes (the others must give 405); ``allowed`` the roles
    that get ``ok``; ``denied`` what every other signed-in role gets, unless ``exceptions``
    says otherwise for a role; ``redirect`` the page's normal redirect for an allowed user
    (a URL name), instead of 200. ``public`` pages are open to anonymous visitors."""

    args: Callable[[World], dict] = _no_args
    query: Callable[[World], str] = lambda world: ""
    method: str = "get"
    data: Callable[[World], dict] | None = None
    methods: frozenset[str] = SAFE
    allowed: frozenset[str] = EVERYONE
    denied: int = 404
    exceptions: dict[str, int] = field(default_factory=dict)
    redirect: str = ""
    public: bool = False


def _person(world: World) -> dict:
    return {"pk": world.person.pk}


def _draft(world: World) -> dict:
    return {"pk": world.draft.pk}


def _completed(world: World) -> dict:
    return {"pk": world.completed.pk}


def _target(world: World) -> dict:
    return {"pk": world.target.pk}


def _theme(world: World) -> dict:
    return {"pk": world.theme.pk}


def _east(world: World) -> str:
    return "team=ORK-E"


WALK: dict[str, Row] = {
    # Signing in and out, and one's own password: every signed-in role has them.
    "home": Row(),
    "login": Row(public=True, methods=frozenset({"get", "post", "put"})),
    "logout": Row(public=True, method="post", methods=frozenset({"post"}), redirect="login"),
    "password_change": Row(methods=frozenset({"get", "post", "put"})),
    "password_change_done": Row(),
    # Two-step sign-in, for someone who has not turned it on (the walk's users have no device):
    # the set-up page and its QR code open; verifying, the recovery codes and turning it off
    # send them back.
    "two-step": Row(methods=FORM),
    "two-step-qr": Row(),
    "two-step-verify": Row(methods=FORM, redirect="home"),
    "two-step-recovery-codes": Row(methods=FORM, redirect="two-step"),
    "two-step-off": Row(method="post", methods=frozenset({"post"}), redirect="two-step"),
    # The recording page's keep-alive while someone types: every signed-in role's own session.
    "keep-alive": Row(method="post", methods=frozenset({"post"})),
    # Frameworks are published reference data, not personal: every signed-in role reads them.
    "frameworks:list": Row(),
    "frameworks:version-detail": Row(args=lambda world: {"framework": "users", "version": "2012"}),
    # Reports of team East.
    "reporting:dashboard": Row(query=_east, allowed=READERS),
    "reporting:dashboard-download": Row(
        args=lambda world: {"table": "measures"}, query=_east, allowed=READERS
    ),
    "reporting:drilldown": Row(
        query=lambda world: "team=ORK-E&outcome=feeling_safe&status=not_achieved",
        allowed=READERS,
    ),
    # Each role's own targets; setting and changing them is for leaders.
    "reporting:targets": Row(allowed=STAFF),
    "reporting:target-create": Row(
        methods=FORM, allowed=frozenset({"team_leader"}) | LEADS, denied=403
    ),
    "reporting:target-edit": Row(args=_target, methods=FORM, allowed=frozenset({"team_leader"})),
    "reporting:target-delete": Row(args=_target, methods=FORM, allowed=frozenset({"team_leader"})),
    # National returns: partnership leads, each for their own partnership.
    "reporting:return-list": Row(allowed=LEADS),
    "reporting:return-produce": Row(
        method="post",
        data=lambda world: {"period": "2025-26", "format": "csv"},
        methods=frozenset({"post"}),
        allowed=LEADS,
    ),
    "reporting:return-download": Row(
        args=lambda world: {"pk": world.record.pk}, allowed=frozenset({"lead"})
    ),
    # The partnership's audit, for its lead (another partnership's lead gets their own).
    "reporting:themes": Row(query=_east, allowed=READERS),
    "reporting:themes-download": Row(query=_east, allowed=READERS),
    "reporting:themes-words-download": Row(query=_east, allowed=READERS),
    "reporting:what-helps": Row(query=_east, allowed=READERS),
    "reporting:what-helps-download": Row(query=_east, allowed=READERS),
    "reporting:audit-download": Row(query=lambda world: "period=2025-26", allowed=LEADS),
    # People of team East.
    "conversations:person-list": Row(
        query=lambda world: f"team={world.person.teams.get().pk}", allowed=READERS
    ),
    "conversations:person-create": Row(methods=FORM, allowed=STAFF - LEADS, denied=403),
    "conversations:person-detail": Row(args=_person, allowed=READERS),
    "conversations:person-edit": Row(args=_person, methods=FORM, allowed=TEAM_STAFF),
    "conversations:person-summary": Row(args=_person, allowed=READERS),
    # Everything held about a person: their partnership's leads only (everyone else 404s).
    "conversations:person-subject-access": Row(args=_person, allowed=frozenset({"lead"})),
    "conversations:person-subject-access-json": Row(args=_person, allowed=frozenset({"lead"})),
    "conversations:person-access": Row(args=_person, allowed=frozenset({"lead"})),
    "conversations:conversation-start": Row(
        args=lambda world: {"person_pk": world.person.pk}, methods=FORM, allowed=TEAM_STAFF
    ),
    # Their conversations: read by the team and the lead, recorded only by the team.
    "conversations:conversation-detail": Row(args=_completed, allowed=READERS),
    "conversations:conversation-history": Row(args=_completed, allowed=READERS),
    "conversations:conversation-record": Row(args=_draft, methods=FORM, allowed=TEAM_STAFF),
    "conversations:conversation-autosave": Row(
        args=_draft,
        method="post",
        data=lambda world: recording_post(world.draft),
        methods=frozenset({"post"}),
        allowed=TEAM_STAFF,
    ),
    "conversations:conversation-complete": Row(args=_draft, methods=FORM, allowed=TEAM_STAFF),
    # The codebook of themes: read by everyone in the partnership, kept by its lead (a lead
    # adds themes and adopts the starter set in their own partnership only).
    "conversations:codebook": Row(allowed=STAFF),
    "conversations:codebook-adopt": Row(
        method="post", methods=frozenset({"post"}), allowed=LEADS, redirect="conversations:codebook"
    ),
    "conversations:theme-create": Row(methods=FORM, allowed=LEADS),
    "conversations:theme-edit": Row(args=_theme, methods=FORM, allowed=frozenset({"lead"})),
    "conversations:theme-retire": Row(
        args=_theme,
        method="post",
        data=lambda world: {"retired": "1"},
        methods=frozenset({"post"}),
        allowed=frozenset({"lead"}),
        redirect="conversations:codebook",
    ),
    # Coding words in bulk from the drill-down: team leaders, their own teams' records.
    "conversations:words-code": Row(
        method="post",
        data=lambda world: {
            "theme": world.theme.pk,
            "records": [world.completed.outcome_records.first().pk],
            "action": "add",
        },
        methods=frozenset({"post"}),
        allowed=frozenset({"team_leader"}),
        redirect="conversations:codebook",
    ),
    "conversations:conversation-reopen": Row(
        args=_completed,
        methods=FORM,
        allowed=frozenset({"team_leader"}),
        exceptions={"practitioner": 403, "lead": 403},
    ),
}


def _left_out(entry: URLPattern | URLResolver) -> bool:
    """Django's admin and static file serving."""
    if isinstance(entry, URLResolver):
        return entry.app_name == "admin" or isinstance(
            getattr(entry.urlconf_module, "__self__", None), AdminSite
        )
    module = getattr(entry.callback, "__module__", "")
    return module.startswith(("django.views.static", "django.contrib.staticfiles"))


def walked_patterns(
    entries=None, namespace: str = "", route: str = ""
) -> dict[str, tuple[URLPattern, str]]:
    """Every project URL pattern, recursively: ``"namespace:name" -> (pattern, route)``."""
    if entries is None:
        entries = get_resolver().url_patterns
    found: dict[str, tuple[URLPattern, str]] = {}
    for entry in entries:
        if _left_out(entry):
            continue
        here = route + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found.update(walked_patterns(entry.url_patterns, inner, here))
        else:
            key = f"{namespace}{entry.name}" if entry.name else here
            assert key not in found, f"two URL patterns share the name {key}"
            found[key] = (entry, here)
    return found


def test_every_url_is_in_the_walk():
    patterns = walked_patterns()

    missing = sorted(set(patterns) - set(WALK))
    stale = sorted(set(WALK) - set(patterns))

    assert not missing, f"add a row to WALK for each new URL: {missing}"
    assert not stale, f"WALK has rows for URLs that no longer exist: {stale}"
    # The walk went into every include, namespaced or not.
    assert {
        "home",
        "frameworks:list",
        "reporting:drilldown",
        "conversations:conversation-detail",
    } <= set(patterns)


@pytest.fixture
def world() -> World:
    orkney = PartnershipFactory(code="ORK", name="Orkney")
    east = TeamFactory(partnership=orkney, code="ORK-E", name="East")
    west = TeamFactory(partnership=orkney, code="ORK-W", name="West")
    shetland = PartnershipFactory(code="SHE", name="Shetland")
    north = TeamFactory(partnership=shetland, code="SHE-N", name="North")
    users = {
        "practitioner": make_practitioner(east, "walk-prac"),
        "team_leader": make_team_leader(east, "walk-leader"),
        "lead": make_partnership_lead(orkney, "walk-lead"),
        "colleague": make_practitioner(west, "walk-west"),
        "outsider": make_practitioner(north, "walk-north"),
        "outside_lead": make_partnership_lead(shetland, "walk-shetland"),
        "administrator": UserFactory(username="walk-admin", is_staff=True, is_superuser=True),
    }
    person = PersonFactory(partnership=orkney, ref="W-1", teams=[east])
    completed = answered_conversation(
        person=person,
        team=east,
        date_held=datetime.date(2026, 4, 20),
        answers={},
        outcomes={"feeling_safe": "not_achieved"},
    )
    draft = start_conversation(
        person=person, team=east, by=users["practitioner"], date_held=datetime.date(2026, 6, 1)
    )
    target = Target.objects.create(
        partnership=orkney,
        team=east,
        measure=Measure.objects.get(code="NM1"),
        period="2026-27",
        target=Decimal("80"),
    )
    from reporting.returns import return_produce

    record = return_produce(partnership=orkney, period=Period(2025), format="csv", by=users["lead"])
    theme = Theme.objects.create(partnership=orkney, code="getting_out", label="Getting out")
    return World(users, person, draft, completed, target, record, theme)


def _url(name: str, row: Row, world: World) -> str:
    query = row.query(world)
    return reverse(name, kwargs=row.args(world)) + (f"?{query}" if query else "")


def _send(client, method: str, url: str, row: Row, world: World):
    data = row.data(world) if row.data and method == "post" else None
    return getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)


@pytest.mark.parametrize("name", sorted(WALK))
def test_walk(client, world, name):
    row = WALK[name]
    url = _url(name, row, world)
    login = reverse("login")

    # Anonymous: the login page, asking to come back (public pages answer as for anyone).
    response = _send(client, row.method, url, row, world)
    if row.public:
        assert response.status_code == (302 if row.redirect else 200), "anonymous"
    else:
        assert response.status_code == 302, "anonymous"
        assert response.url.startswith(f"{login}?next="), "anonymous"

    for role in ROLES:
        client.force_login(world.users[role])
        response = _send(client, row.method, _url(name, row, world), row, world)
        if role in row.allowed:
            if row.redirect:
                assert response.status_code == 302, role
                assert response.url == reverse(row.redirect), role
            else:
                assert response.status_code == 200, role
        else:
            expected = row.exceptions.get(role, row.denied)
            assert response.status_code == expected, role

    # Wrong methods, asked by someone the page is for.
    first_allowed = next(role for role in ROLES if role in row.allowed)
    for method in METHODS:
        if method in row.methods:
            continue
        client.force_login(world.users[first_allowed])
        response = getattr(client, method)(url)
        assert response.status_code == 405, method
