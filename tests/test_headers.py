"""Response headers on every page (README: "Sessions and headers"): a strict
Content-Security-Policy that the pages themselves keep (no inline script, no style attribute,
no ``<style>`` element, charts included), a Permissions-Policy, and ``Cache-Control:
no-store`` on everything a signed-in user is sent.

Every GET page of the URL × role walk (tests/test_url_walk.py) is opened by each role it is
for, so a new page is checked as soon as it joins the walk.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from conversations.charts import _without_inline_styles
from outcomes_site.middleware import PERMISSIONS_POLICY
from tests.test_url_walk import ROLES, WALK, _send, _url
from tests.test_url_walk import world as walk_world  # noqa: F401 (a fixture: the walk's records)

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


class InlineFinder(HTMLParser):
    """Everything a ``script-src 'self'; style-src 'self'`` policy would block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if "style" in names:
            self.found.append(f"<{tag} style={names['style']!r}>")
        self.found += [f"<{tag} {name}=…> (inline handler)" for name in names if name[:2] == "on"]
        if tag == "style":
            self.found.append("<style> element")
        if tag == "script":
            # A data block (json_script) is never run, and no policy blocks it.
            kind = (names.get("type") or "text/javascript").lower()
            runs = kind in ("text/javascript", "module", "application/javascript")
            self._in_script = runs and "src" not in names
        href = names.get("href") or ""
        if href.strip().lower().startswith("javascript:"):
            self.found.append(f"<{tag} href=javascript:…>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_script = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append(f"inline <script>: {data.strip()[:60]!r}")


def inline_code(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def _policy(header: str) -> dict[str, str]:
    directives = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in directives}


def test_the_finder_finds_what_the_policy_blocks():
    page = (
        '<p style="color:red">x</p><script>alert(1)</script><style>p{}</style>'
        '<button onclick="go()">b</button><a href="javascript:go()">a</a>'
        '<script src="/static/x.js"></script><svg><rect style="fill:red"/></svg>'
    )

    assert len(inline_code(page)) == 6
    assert inline_code('<script src="/static/x.js"></script><p class="x">ok</p>') == []
    assert inline_code('<script id="d" type="application/json">{"a": 1}</script>') == []


GET_PAGES = sorted(name for name, row in WALK.items() if row.method == "get")


@pytest.mark.parametrize("name", GET_PAGES)
def test_every_page_keeps_the_policy_and_is_not_stored(client, walk_world, name):  # noqa: F811 (the fixture)
    world = walk_world
    row = WALK[name]
    checked = 0
    for role in ROLES:
        if role not in row.allowed:
            continue
        client.force_login(world.users[role])
        response = _send(client, "get", _url(name, row, world), row, world)
        assert response.status_code in (200, 302), role

        assert _policy(response["Content-Security-Policy"]) == POLICY, role
        assert response["Permissions-Policy"] == PERMISSIONS_POLICY, role
        # Pages, downloads and redirects alike: a signed-in user's answers are never kept.
        assert "no-store" in response["Cache-Control"], role
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            assert inline_code(response.content.decode()) == [], f"{name} as {role}"
            checked += 1
    assert checked or row.redirect or name.endswith(("download", "json", "qr")), name


def test_charts_on_the_dashboard_and_person_page_carry_no_inline_style(client, walk_world):  # noqa: F811 (the fixture)
    world = walk_world
    client.force_login(world.users["team_leader"])

    for url in (
        reverse("reporting:dashboard") + "?team=ORK-E",
        reverse("conversations:person-detail", args=[world.person.pk]),
    ):
        html = client.get(url).content.decode()
        assert "<svg" in html, url
        assert inline_code(html) == [], url


def test_inline_styles_of_a_drawing_become_presentation_attributes():
    drawing = (
        '<svg viewBox="0 0 1 1"><defs><style type="text/css">*{stroke-linejoin: round; '
        'stroke-linecap: butt}</style></defs><path style="fill: #009e73; stroke-width: 0.8"/>'
        "<text style=\"font-size: 9px; font-family: 'DejaVu Sans', sans-serif\">x</text></svg>"
    )

    assert _without_inline_styles(drawing) == (
        '<svg stroke-linejoin="round" stroke-linecap="butt" viewBox="0 0 1 1"><defs></defs>'
        '<path fill="#009e73" stroke-width="0.8"/>'
        '<text font-size="9px" font-family="\'DejaVu Sans\', sans-serif">x</text></svg>'
    )


def test_sign_in_and_error_pages_keep_the_policy(client):
    for response in (client.get(reverse("login")), client.get("/no-such-page/")):
        assert _policy(response["Content-Security-Policy"]) == POLICY
        assert response["Permissions-Policy"] == PERMISSIONS_POLICY
        assert inline_code(response.content.decode()) == []


def test_a_cache_control_the_view_chose_is_kept(client, walk_world):  # noqa: F811 (the fixture)
    client.force_login(walk_world.users["lead"])

    response = client.get(reverse("two-step"))  # never_cache: Django's own, fuller header

    assert "no-store" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_anonymous_visitors_are_not_sent_no_store_by_the_middleware(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Cache-Control" not in response
