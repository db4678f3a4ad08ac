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
