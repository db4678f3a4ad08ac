"""Who must use a second factor, and whether they have one."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django_otp import user_has_device

# A pseudo-role for the Django admin's users (staff or superuser); the others are StaffRole values.
ADMINISTRATOR = "administrator"

# What a session still owes after the password, decided once at sign-in (so that ordinary
# pages pay no query for it): a code ("verify"), an enrolment ("enrol") or nothing ("none").
STATE_SESSION_KEY = "signin_second_factor"
VERIFY, ENROL, NONE = "verify", "enrol", "none"


def second_factor_required(user: AbstractBaseUser) -> bool:
    """True when one of the user's roles is listed in ``settings.OTP_REQUIRED_ROLES``."""
    required = set(settings.OTP_REQUIRED_ROLES)
    if not required or not user.is_authenticated:
        return False
    if ADMINISTRATOR in required and (user.is_staff or user.is_superuser):
        return True
    return user.memberships.filter(role__in=required).exists()


def has_second_factor(user: AbstractBaseUser) -> bool:
    """True when the user has a confirmed authenticator app (recovery codes alone do not count)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def second_factor_state(user: AbstractBaseUser) -> str:
    if user_has_device(user, confirmed=True):
        return VERIFY
    if second_factor_required(user):
        return ENROL
    return NONE


def remember_second_factor_state(
    sender, request: HttpRequest | None, user: AbstractBaseUser, **kwargs
) -> None:
    """``user_logged_in`` receiver: note what this new session owes."""
    if request is not None and hasattr(request, "session"):
        request.session[STATE_SESSION_KEY] = second_factor_state(user)
