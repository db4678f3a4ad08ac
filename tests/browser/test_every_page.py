"""Every page every role can open, at a phone, a tablet and a desktop width: no page-level
horizontal scroll (WCAG 1.4.10 reflow) and no axe-core violations of WCAG 2.0, 2.1 and 2.2
A/AA.

axe-core is the copy vendored from npm in ``static/vendor/axe-core/`` (``make vendor-axe``),
injected into each page by the test; the site's pages never load it. Nothing is excluded: no
rule is disabled and no region is left out.

One browser context per role, signed in once; each page is loaded once and the viewport is
resized in place, re-checking overflow and axe at each width.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page

from conversations.demo import DEMO_PASSWORD, seed_conversations
from conversations.models import Conversation, OutcomeRecord, Person, Target, Team, Theme
from frameworks.models import FrameworkVersion
from frameworks.periods import Period
from reporting.targets import targets_editable_by
from tests.browser.conftest import log_in
from tests.factories import start_conversation

AXE_STATIC = "vendor/axe-core/axe.min.js"
AXE = Path(settings.BASE_DIR) / "static" / AXE_STATIC
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = (390, 768, 1280)
HEIGHT = 900
DEMO_CONVERSATIONS = 250  # enough for full tables and charts (barriers, breakdowns)

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((violation) => ({
    id: violation.id,
    help: violation.help,
    targets: violation.nodes.map((node) => node.target.join(" ")),
  }));
}"""

OVERFLOW = """() => ({
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: window.innerWidth,
  widest: [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
    .slice(0, 3)
    .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
      + (el.className && typeof el.className === "string"
         ? "." + el.className.trim().split(/\\s+/).join(".") : "")),
})"""


@dataclass(frozen=True)
class Visit:
    name: str
    path: str
    status: int = 200
    # A form sent empty, to walk the page with its error summary: the button to press.
    submit: str = ""
    # What the page must show for the walk to count it (a CSS selector), e.g. a filled list.
    shows: str = ""
    # A conversation someone else saves after the page is loaded and before ``submit`` is
    # pressed: the walk then meets the conflict page.
    saved_meanwhile: int | None = None


def _url(name: str, *args, query: str = "") -> str:
    return reverse(name, args=args) + (f"?{query}" if query else "")


def _framework_pages() -> list[Visit]:
    # A version with a predecessor: its page also has the table of what changed.
    version = (
        FrameworkVersion.objects.filter(previous__isnull=False)
        .select_related("framework")
        .order_by("-pk")
        .first()
    )
    return [
        Visit("frameworks", _url("frameworks:list")),
        Visit(
            "framework version",
            _url("frameworks:version-detail", version.framework.code, version.version),
        ),
    ]


def _drilldowns(conversations) -> list[Visit]:
    """One figure with records behind it (a rated outcome in a signed-off review in scope) and
    one with none (the same figure in a year long before the demo began)."""
    record = (
        OutcomeRecord.objects.filter(conversation__in=conversations.completed())
        .exclude(status="")
        .select_related("outcome", "conversation")
        .order_by("-conversation__date_held", "pk")
        .first()
    )
    period = Period.year_containing(record.conversation.date_held)
    figure = f"outcome={record.outcome.code}&status={record.status}"
    empty = Period.year_containing(date(2011, 6, 1))
    return [
        Visit("drilldown", _url("reporting:drilldown", query=f"{figure}&period={period}")),
        Visit(
            "drilldown, no records", _url("reporting:drilldown", query=f"{figure}&period={empty}")
        ),
    ]


def _person_pages(person: Person, *, editable: bool) -> list[Visit]:
    pages = [
        Visit("person", _url("conversations:person-detail", person.pk)),
        Visit("person summary", _url("conversations:person-summary", person.pk)),
    ]
    if editable:
        pages += [
            Visit("person edit", _url("conversations:person-edit", person.pk)),
            Visit("person new", _url("conversations:person-create")),
            Visit("person new, errors", _url("conversations:person-create"), 200, "Add person"),
            Visit("conversation start", _url("conversations:conversation-start", person.pk)),
        ]
    return pages


def _conversation_pages(completed: Conversation, draft: Conversation | None) -> list[Visit]:
    pages = [
        Visit("conversation", _url("conversations:conversation-detail", completed.pk)),
        Visit("conversation history", _url("conversations:conversation-history", completed.pk)),
    ]
    if draft is not None:
        pages += [
            Visit("draft", _url("conversations:conversation-detail", draft.pk)),
            Visit("recording", _url("conversations:conversation-record", draft.pk)),
            Visit("sign-off", _url("conversations:conversation-complete", draft.pk)),
            Visit(
                "conflict",
                _url("conversations:conversation-record", draft.pk),
                409,
                "Save draft",
                saved_meanwhile=draft.pk,
            ),
        ]
    return pages


def _common_pages(home_shows: str = "") -> list[Visit]:
    return [
        Visit("home", _url("home"), shows=home_shows),
        *_framework_pages(),
        Visit("password change", _url("password_change")),
        Visit("password change, errors", _url("password_change"), 200, "Change password"),
        Visit("password changed", _url("password_change_done")),
        Visit("two-step sign-in", _url("two-step")),
        Visit("not found", "/no-such-page/", 404),
    ]


def _reporting_pages(user, conversations) -> list[Visit]:
    pages = [
        Visit("dashboard", _url("reporting:dashboard")),
        *_drilldowns(conversations),
        Visit("targets", _url("reporting:targets")),
        Visit("themes", _url("conversations:codebook")),
        Visit("themes report", _url("reporting:themes")),
        Visit("what helps", _url("reporting:what-helps")),
    ]
    theme = Theme.objects.managed_by(user).order_by("pk").first()
    if theme is not None:
        pages += [
            Visit("theme new", _url("conversations:theme-create")),
            Visit("theme new, errors", _url("conversations:theme-create"), 200, "Add theme"),
            Visit("theme edit", _url("conversations:theme-edit", theme.pk)),
        ]
    target = targets_editable_by(user).order_by("pk").first()
    if target is not None:
        pages += [
            Visit("target new", _url("reporting:target-create")),
            Visit("target new, errors", _url("reporting:target-create"), 200, "Save target"),
            Visit("target edit", _url("reporting:target-edit", target.pk)),
            Visit("target delete", _url("reporting:target-delete", target.pk)),
        ]
    return pages


def _staff_pages(username: str) -> list[Visit]:
    user = get_user_model().objects.get(username=username)
    conversations = Conversation.objects.visible_to(user)
    editable = Conversation.objects.editable_by(user)
    completed = (
        (editable if editable.exists() else conversations).completed().latest_first().first()
    )
    person = completed.subject
    draft = None
    if editable.exists():
        draft = editable.drafts().filter(subject=person).first() or start_conversation(
            person=person,
            team=completed.team,
            by=user,
            type="review",
            role=completed.subject_role,
            version=(
                completed.framework_version.framework.code,
                completed.framework_version.version,
            ),
            date_held=timezone.localdate(),
        )
    pages = [
        *_common_pages(home_shows=HOME_SHOWS.get(username, "")),
        Visit("people", _url("conversations:person-list")),
        *_person_pages(person, editable=editable.exists()),
        *_conversation_pages(completed, draft),
        *_reporting_pages(user, conversations),
    ]
    reopenable = Conversation.objects.reopenable_by(user).completed().order_by("pk").first()
    if reopenable is not None:
        pages.append(Visit("reopen", _url("conversations:conversation-reopen", reopenable.pk)))
    elif editable.exists():
        # Only a team leader reopens: anyone else is refused with the 403 page.
        pages.append(
            Visit("reopen refused", _url("conversations:conversation-reopen", completed.pk), 403)
        )
    if username == "partnershiplead":
        pages.append(Visit("returns", _url("reporting:return-list")))
        pages.append(
            Visit("subject access", _url("conversations:person-subject-access", person.pk))
        )
        pages.append(Visit("who has accessed", _url("conversations:person-access", person.pk)))
    return pages


def _pages_for(role: str) -> list[Visit]:
    if role == "anonymous":
        return [
            Visit("sign in", _url("login")),
            Visit("sign in, errors", _url("login"), 200, "Sign in"),
            Visit("not found", "/no-such-page/", 404),
        ]
    if role == "admin":
        # The administrator has no team or partnership role: the site's own pages they can
        # open (Django's admin site is not one of the project's pages).
        return _common_pages()
    return _staff_pages(role)


def inject_axe(page: Page) -> None:
    """axe-core by URL, from the site's own static files: the Content-Security-Policy
    (script-src 'self') refuses the inline script ``add_script_tag(path=...)`` would write."""
    assert AXE.exists()
    site = urlsplit(page.url)
    page.add_script_tag(url=f"{site.scheme}://{site.netloc}{settings.STATIC_URL}{AXE_STATIC}")


def _check_page(page: Page, url: str, visit: Visit) -> list[str]:
    problems = []
    response = page.goto(url)
    if visit.saved_meanwhile is not None:
        Conversation.objects.filter(pk=visit.saved_meanwhile).update(revision=F("revision") + 1)
    if visit.submit:
        with page.expect_navigation() as navigation:
            page.locator("main").get_by_role("button", name=visit.submit, exact=True).click()
        response = navigation.value
    if response is None or response.status != visit.status:
        got = response.status if response else "no response"
        problems.append(f"{visit.name} {url}: expected HTTP {visit.status}, got {got}")
    if visit.shows and not page.locator(visit.shows).count():
        problems.append(f"{visit.name} {url}: shows nothing matching {visit.shows}")
    inject_axe(page)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        sizes = page.evaluate(OVERFLOW)
        if sizes["scrollWidth"] > sizes["innerWidth"]:
            problems.append(
                f"{visit.name} {url} at {width}px: page scrolls sideways "
                f"(scrollWidth {sizes['scrollWidth']} > {sizes['innerWidth']}; "
                f"past the edge: {', '.join(sizes['widest'])})"
            )
        for violation in page.evaluate(RUN_AXE, AXE_TAGS):
            problems.append(
                f"{visit.name} {url} at {width}px: axe {violation['id']} "
                f"({violation['help']}) on {'; '.join(violation['targets'][:5])}"
            )
    return problems


# The work each role's home page must show in the walk, so that the caseload is walked filled.
HOME_SHOWS = {
    "practitioner": "[data-caseload=drafts] tbody tr",
    "teamleader": "[data-team-queue] tbody tr",
    "partnershiplead": "[data-role-section=partnership_lead] tbody tr",
}

COMMON = {"home", "frameworks", "framework version", "password change", "not found"}
COMMON |= {"password change, errors"}
COMMON |= {"two-step sign-in"}
PEOPLE = {"people", "person", "person summary", "conversation", "conversation history"}
REPORTS = {"dashboard", "drilldown", "drilldown, no records", "targets", "themes"}
REPORTS |= {"themes report", "what helps"}
RECORDING = {"person edit", "person new", "conversation start", "draft", "recording", "sign-off"}
RECORDING |= {"conflict"}
RECORDING |= {"person new, errors"}
TARGET_FORMS = {"target new", "target new, errors", "target edit", "target delete"}
# The pages each role must have walked: a page that drops out of the list fails the test.
ROLES = {
    "anonymous": {"sign in", "sign in, errors", "not found"},
    "practitioner": COMMON | PEOPLE | REPORTS | RECORDING | {"reopen refused"},
    "teamleader": COMMON | PEOPLE | REPORTS | RECORDING | TARGET_FORMS | {"reopen"},
    "partnershiplead": COMMON
    | PEOPLE
    | REPORTS
    | TARGET_FORMS
    | {"theme new", "theme new, errors", "theme edit"}
    | {"returns", "subject access", "who has accessed"},
    "admin": COMMON,
}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_reflows_and_has_no_axe_violations(
    role: str, browser: Browser, browser_context_args, demo_site
):
    if role not in ("anonymous", "admin"):  # neither can open a conversation
        seed_conversations(count=DEMO_CONVERSATIONS)
    assert Team.objects.filter(code="LOCHARD-N").exists()
    assert Target.objects.exists()
    visits = _pages_for(role)
    assert ROLES[role] <= {visit.name for visit in visits}, role
    context = browser.new_context(
        **{**browser_context_args, "viewport": {"width": WIDTHS[-1], "height": HEIGHT}}
    )
    page = context.new_page()
    try:
        if role != "anonymous":
            log_in(page, demo_site.url, role, DEMO_PASSWORD)
            page.wait_for_url(f"{demo_site.url}/")
        problems = []
        for visit in visits:
            problems += _check_page(page, f"{demo_site.url}{visit.path}", visit)
    finally:
        context.close()
    assert not problems, f"{role}: {len(problems)} problem(s) on {len(visits)} pages\n" + (
        "\n".join(problems)
    )
