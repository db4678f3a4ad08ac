"""The main navigation collapses behind a menu button below 992 px, so "Change password" and
"Sign out" are never pushed off-screen on a tablet, and lies open on a desktop."""

from playwright.sync_api import Page, expect

from conversations.demo import DEMO_PASSWORD
from tests.browser.conftest import log_in

INSIDE = """(el) => {
  const box = el.getBoundingClientRect();
  return box.left >= 0 && box.right <= window.innerWidth;
}"""


def test_tablet_width_collapses_the_menu_and_every_item_is_on_screen(page: Page, demo_site):
    # The partnership lead has the longest menu (Returns as well).
    page.set_viewport_size({"width": 768, "height": 900})
    log_in(page, demo_site.url, "partnershiplead", DEMO_PASSWORD)
    page.wait_for_url(f"{demo_site.url}/")
    nav = page.get_by_role("navigation", name="Main")
    menu = nav.get_by_role("button", name="Show or hide navigation")
    sign_out = nav.get_by_role("button", name="Sign out")

    expect(menu).to_be_visible()
    expect(sign_out).to_be_hidden()
    menu.click()
    expect(sign_out).to_be_visible()
    for item in ("Home", "People", "Reports", "Targets", "Returns", "Frameworks"):
        assert nav.get_by_role("link", name=item, exact=True).evaluate(INSIDE), item
    assert nav.get_by_role("link", name="Change password").evaluate(INSIDE)
    assert sign_out.evaluate(INSIDE)


def test_desktop_width_shows_the_whole_menu(page: Page, demo_site):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, demo_site.url, "partnershiplead", DEMO_PASSWORD)
    page.wait_for_url(f"{demo_site.url}/")
    nav = page.get_by_role("navigation", name="Main")

    expect(nav.get_by_role("button", name="Show or hide navigation")).to_be_hidden()
    sign_out = nav.get_by_role("button", name="Sign out")
    expect(sign_out).to_be_visible()
    assert sign_out.evaluate(INSIDE)
