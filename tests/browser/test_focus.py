"""A strong focus ring on every kind of control, on the white page and on the navy bar
(WCAG 2.4.7 / 2.4.13): a 3 px yellow outline with a near-black ring around it, in place of
Bootstrap's faint 25% glow."""

from playwright.sync_api import Page

from conversations.demo import DEMO_PASSWORD
from conversations.models import Person
from tests.browser.conftest import log_in

YELLOW = "rgb(255, 191, 71)"
NEAR_BLACK = "rgb(11, 12, 12)"

RING = """(el) => {
  const style = getComputedStyle(el);
  return {
    focused: document.activeElement === el,
    outline: [style.outlineStyle, style.outlineWidth, style.outlineColor],
    shadow: style.boxShadow,
  };
}"""


def _assert_ring(page: Page, locator, what: str) -> None:
    locator.focus()
    ring = locator.evaluate(RING)
    assert ring["focused"], what
    assert ring["outline"] == ["solid", "3px", YELLOW], (what, ring)
    assert NEAR_BLACK in ring["shadow"] and "6px" in ring["shadow"], (what, ring)


def test_every_kind_of_control_gets_the_strong_ring(page: Page, demo_site):
    # Bootstrap animates the ring in over 0.15 s; without motion it is read at its final size.
    page.emulate_media(reduced_motion="reduce")
    log_in(page, demo_site.url, "practitioner", DEMO_PASSWORD)
    page.wait_for_url(f"{demo_site.url}/")
    person = Person.objects.get(ref="N-0001")
    page.goto(f"{demo_site.url}/people/{person.pk}/conversations/new/")
    page.keyboard.press("Tab")  # a keyboard user: focus shows as :focus-visible from here on

    nav = page.get_by_role("navigation", name="Main")
    _assert_ring(page, nav.get_by_role("link", name="People"), "nav link on the navy bar")
    _assert_ring(page, nav.get_by_role("button", name="Sign out"), "nav button on the navy bar")
    form = page.locator("main form")
    _assert_ring(page, form.get_by_role("radio").first, "radio button")
    _assert_ring(page, form.get_by_role("combobox").first, "select")
    _assert_ring(page, form.locator("input[type=date], input[type=text]").first, "text field")
    _assert_ring(page, form.get_by_role("button", name="Start recording"), "primary button")
    _assert_ring(page, form.get_by_role("link", name="Cancel"), "link styled as a button")
    page.evaluate(
        """() => document.querySelector("main").insertAdjacentHTML("beforeend",
             '<details><summary>More</summary><p>Text</p></details>'
             + '<input type="checkbox" class="form-check-input" id="focus-check">')"""
    )
    _assert_ring(page, page.locator("main summary"), "summary of a details element")
    _assert_ring(page, page.locator("#focus-check"), "checkbox")

    page.set_viewport_size({"width": 390, "height": 800})
    _assert_ring(page, page.get_by_role("button", name="Show or hide navigation"), "menu button")

    page.goto(f"{demo_site.url}/reports/")
    _assert_ring(page, page.locator("#trend figure[role=region]"), "chart scroll region")
    _assert_ring(page, page.get_by_role("region", name="Percentage each quarter"), "table region")
