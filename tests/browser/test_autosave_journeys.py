"""Never losing typed work on the recording page, in a real browser: offline then online,
a conflict followed by more typing and leaving, and a tab closed in the middle of typing."""

import time

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page, expect

from conversations.models import Conversation, OutcomeRecord
from tests.browser.conftest import log_in
from tests.conversations.recording_helpers import recording_post
from tests.factories import make_team_leader, start_conversation

PASSWORD = "correct horse battery staple"


@pytest.fixture
def draft(site, person, team, practitioner) -> Conversation:
    conversation = start_conversation(person=person, team=team, by=practitioner)
    # Open outcomes are what the practitioner types into, whatever the page folds away.
    OutcomeRecord.objects.filter(
        conversation=conversation, outcome__code__in=["feeling_safe", "seeing_people"]
    ).update(matters=True)
    return conversation


def open_draft(page: Page, site, draft: Conversation) -> str:
    log_in(page, site.url, "prac", PASSWORD)
    url = site.url + reverse("conversations:conversation-record", args=[draft.pk])
    page.goto(url)
    expect(page.locator("#autosave-status")).to_have_attribute("data-state", "saved")
    return url


def storage_key(draft: Conversation) -> str:
    user = draft.practitioner_id
    return f"autosave:{user}:" + reverse("conversations:conversation-autosave", args=[draft.pk])


def words(draft: Conversation, code: str) -> str:
    return OutcomeRecord.objects.get(conversation=draft, outcome__code=code).words


def test_typing_offline_is_saved_on_reconnect_without_another_keystroke(context, page, site, draft):
    open_draft(page, site, draft)
    status = page.locator("#autosave-status")

    context.set_offline(True)
    page.locator("#id_o-feeling_safe-words").fill("The new lock makes me feel safer.")

    expect(status).to_have_attribute("data-state", "offline")
    expect(status).to_contain_text("Offline: not saved yet")
    page.wait_for_timeout(2000)  # longer than the autosave pause: still nothing sent
    assert words(draft, "feeling_safe") == ""
    assert "The new lock" in page.evaluate("k => localStorage.getItem(k)", storage_key(draft))

    context.set_offline(False)

    expect(status).to_have_attribute("data-state", "saved", timeout=5000)
    expect(status).to_contain_text("All changes saved at")
    assert words(draft, "feeling_safe") == "The new lock makes me feel safer."
    assert page.evaluate("k => localStorage.getItem(k)", storage_key(draft)) is None


def test_a_failed_save_is_retried_without_another_keystroke(page, site, draft):
    open_draft(page, site, draft)
    status = page.locator("#autosave-status")
    failures = []

    def fail_once(route):
        if not failures:
            failures.append(route.request.url)
            route.fulfill(status=500, body="Server error")
        else:
            route.continue_()

    page.route("**/autosave/", fail_once)
    page.locator("#id_o-feeling_safe-words").fill("Saved on the second try.")

    expect(status).to_contain_text("error 500", timeout=5000)
    expect(status).to_contain_text("trying again in 2 s")
    expect(status).not_to_contain_text("saved at")
    expect(status).to_have_attribute("data-state", "saved", timeout=6000)
    assert len(failures) == 1
    assert words(draft, "feeling_safe") == "Saved on the second try."


def test_a_deliberate_save_clears_what_the_browser_kept(page, site, draft):
    open_draft(page, site, draft)

    page.locator("#id_o-feeling_safe-words").fill("Saved with the button.")
    stored = page.evaluate("k => localStorage.getItem(k)", storage_key(draft))
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
    assert "Saved with the button." in stored
    assert words(draft, "feeling_safe") == "Saved with the button."
    expect(page.locator("#autosave-alert")).to_be_hidden()
    # The page after the save is drawn before its script runs: wait (up to 5 s) for the script
    # to remove what was kept, rather than reading the storage at the first instant.
    page.wait_for_function(
        "k => localStorage.getItem(k) === null", arg=storage_key(draft), timeout=5000
    )
    assert page.evaluate("k => localStorage.getItem(k)", storage_key(draft)) is None


def test_typing_after_a_conflict_is_kept_warned_about_and_restorable(page, site, draft, team):
    url = open_draft(page, site, draft)
    status = page.locator("#autosave-status")
    leader = Client()
    leader.force_login(make_team_leader(team, "leader"))
    other_save = leader.post(
        reverse("conversations:conversation-autosave", args=[draft.pk]),
        recording_post(draft, {"c-summary": "Leader's summary of the visit."}),
    )
    assert other_save.json()["status"] == "saved"

    page.locator("#id_o-feeling_safe-words").click()
    page.locator("#id_o-feeling_safe-words").fill("Callers at night worry me.")
    expect(status).to_have_attribute("data-state", "conflict", timeout=5000)
    alert = page.locator("#autosave-alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Save draft")
    page.locator("#id_o-seeing_people-words").fill("I would like to get to the lunch club.")
    expect(status).to_have_attribute("data-state", "conflict")
    stored = page.evaluate("k => localStorage.getItem(k)", storage_key(draft))
    assert "Callers at night" in stored and "lunch club" in stored

    dialogs: list[str] = []

    def leave(dialog):
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", leave)
    page.goto(url)
    assert dialogs == ["beforeunload"]

    expect(page.locator("#id_c-summary")).to_have_value("Leader's summary of the visit.")
    expect(page.locator("#id_o-feeling_safe-words")).to_have_value("")
    expect(alert).to_contain_text("Unsaved changes")
    expect(alert).to_contain_text("In the person's own words")
    alert.get_by_role("button", name="Put them back into the form").click()

    expect(page.locator("#id_o-feeling_safe-words")).to_have_value("Callers at night worry me.")
    expect(page.locator("#id_o-seeing_people-words")).to_have_value(
        "I would like to get to the lunch club."
    )
    expect(page.locator("#id_c-summary")).to_have_value("Leader's summary of the visit.")
    expect(status).to_have_attribute("data-state", "saved", timeout=5000)
    assert words(draft, "feeling_safe") == "Callers at night worry me."
    assert words(draft, "seeing_people") == "I would like to get to the lunch club."
    draft.refresh_from_db()
    assert draft.summary == "Leader's summary of the visit."
    assert page.evaluate("k => localStorage.getItem(k)", storage_key(draft)) is None


def test_discarding_kept_changes_removes_them(page, site, draft):
    url = open_draft(page, site, draft)
    page.evaluate(
        "([k, v]) => localStorage.setItem(k, v)",
        [
            storage_key(draft),
            '{"revision": 0, "at": 0, "changes": {"o-feeling_safe-words": ["Old words"]}}',
        ],
    )
    page.goto(url)
    alert = page.locator("#autosave-alert")

    alert.get_by_role("button", name="Discard them").click()

    expect(alert).to_contain_text("discarded")
    expect(page.locator("#id_o-feeling_safe-words")).to_have_value("")
    assert page.evaluate("k => localStorage.getItem(k)", storage_key(draft)) is None
    page.goto(url)
    expect(alert).to_be_hidden()


def test_closing_the_tab_mid_typing_still_saves_the_words(context, page, site, draft):
    url = open_draft(page, site, draft)

    page.locator("#id_o-feeling_safe-words").fill("Typed just before closing the tab.")
    page.close()  # well inside the autosave pause

    deadline = time.monotonic() + 5
    while words(draft, "feeling_safe") != "Typed just before closing the tab.":
        assert time.monotonic() < deadline, "the words never reached the database"
        time.sleep(0.1)
    reopened = context.new_page()
    reopened.goto(url)
    expect(reopened.locator("#id_o-feeling_safe-words")).to_have_value(
        "Typed just before closing the tab."
    )
    expect(reopened.locator("#autosave-alert")).to_be_hidden()
    assert reopened.evaluate("k => localStorage.getItem(k)", storage_key(draft)) is None


@pytest.mark.parametrize("sign_out", [False, True])
def test_signing_out_asks_then_removes_words_kept_in_the_browser(page, site, draft, sign_out):
    open_draft(page, site, draft)
    context = page.context
    context.set_offline(True)
    page.locator("#id_o-feeling_safe-words").fill("Only in this browser.")
    expect(page.locator("#autosave-status")).to_have_attribute("data-state", "offline")
    page.route("**/autosave/", lambda route: route.abort())  # the server stays out of reach
    context.set_offline(False)
    key = storage_key(draft)
    assert "Only in this browser." in page.evaluate("k => localStorage.getItem(k)", key)

    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept() if sign_out else dialog.dismiss()

    page.on("dialog", answer)
    page.get_by_role("button", name="Sign out").click()

    if sign_out:
        page.wait_for_url(f"{site.url}/accounts/login/")
    else:
        page.wait_for_load_state()
    # Asked once: leaving after the sign-out question does not warn a second time.
    assert len(asked) == 1
    assert "1 conversation" in asked[0] and "Sign out anyway?" in asked[0]
    kept = page.evaluate("k => localStorage.getItem(k)", key)
    if sign_out:
        assert kept is None
    else:
        assert "Only in this browser." in kept
        assert page.url.startswith(site.url + "/conversations/")
    # Closing the page sends what is pending in a beacon, which no route can hold back: let the
    # server answer it before the test's database is emptied.
    page.close()
    _settled(draft)


def _settled(draft: Conversation, seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and words(draft, "feeling_safe") == "":
        time.sleep(0.2)
    time.sleep(0.5)
