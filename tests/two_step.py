"""Second-factor helpers for tests: an enrolled authenticator app and the code it would show."""

import time

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def make_totp_device(user) -> TOTPDevice:
    """The user's confirmed authenticator app (created if they have none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def code_for(device: TOTPDevice) -> str:
    """The code the app shows now, or for the next 30-second step when this step's code has
    already been used (django-otp accepts each step once, and one step either side)."""
    device.refresh_from_db()
    now_step = int((time.time() - device.t0) // device.step) + device.drift
    ahead = max(0, device.last_t + 1 - now_step)
    if ahead > 1:  # two codes used within one step: wait for the next
        time.sleep(device.step - (time.time() - device.t0) % device.step + 0.1)
        return code_for(device)
    value = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0,
        digits=device.digits,
        drift=device.drift + ahead,
    )
    return f"{value:0{device.digits}d}"


def type_code(page, device: TOTPDevice) -> None:
    """Type the app's code on the sign-in code page and continue. A code read just before a
    30-second step ends can arrive after it (on a busy machine) and be refused, as it would be
    for a person; then, like a person, wait for the next code and type that one, once."""
    for attempt in range(2):
        page.get_by_label("Code").fill(code_for(device))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
        if "/accounts/two-step/verify/" not in page.url or attempt:
            return
        device.refresh_from_db()
        device.throttling_failure_count = 0  # django-otp makes a refused code wait
        device.save(update_fields=["throttling_failure_count"])
        time.sleep(device.step - (time.time() - device.t0) % device.step + 0.1)
