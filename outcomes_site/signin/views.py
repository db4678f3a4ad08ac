"""Pages for the second factor (verify, enrol, recovery codes) and the lockout page."""

from base64 import b32encode
from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user, verify_token
from django_otp import login as otp_login

from outcomes_site.signin import services
from outcomes_site.signin.forms import CodeForm
from outcomes_site.signin.policy import (
    STATE_SESSION_KEY,
    VERIFY,
    has_second_factor,
    second_factor_required,
    second_factor_state,
)
from outcomes_site.signin.qr import qr_svg

NEW_CODES_SESSION_KEY = "signin_new_recovery_codes"


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _minutes(delta: timedelta | None) -> int:
    return max(1, round(delta.total_seconds() / 60)) if delta else 0


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """django-axes' lockout response: the sign-in page, in the site layout, saying why and
    for how long (``AXES_LOCKOUT_CALLABLE``)."""
    context = {
        "form": AuthenticationForm(request),
        "locked_out": True,
        "cooloff_minutes": _minutes(get_cool_off(request)),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "next": "",
    }
    return render(request, "registration/login.html", context, status=429)


def _code_refused(request: HttpRequest) -> None:
    """A wrong second-factor code counts as a failed sign-in, so guessing codes ends in the
    same lockout as guessing passwords (and is logged by whatever listens to the signal)."""
    user_login_failed.send(
        sender=__name__,
        credentials={"username": request.user.get_username()},
        request=request,
    )


def _device_accepting(request: HttpRequest, code: str):
    for device in devices_for_user(request.user, confirmed=True):
        if verify_token(request.user, device.persistent_id, code) is not None:
            return device
    return None


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the authenticator app, or a recovery code."""
    if request.user.is_verified():
        return redirect(_safe_next(request))
    state = second_factor_state(request.user)
    if state != VERIFY:  # the second factor was removed meanwhile (by an administrator)
        request.session[STATE_SESSION_KEY] = state
        return redirect(_safe_next(request))
    credentials = {"username": request.user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        logout(request)
        return locked_out(request, credentials=credentials)
    form = CodeForm(request.POST or None, allow_recovery=True)
    if request.method == "POST" and form.is_valid():
        device = _device_accepting(request, form.cleaned_data["code"])
        if device is not None:
            request.session.cycle_key()
            otp_login(request, device)
            return redirect(_safe_next(request))
        _code_refused(request)
        if getattr(request, "axes_locked_out", False):
            logout(request)
            return locked_out(request, credentials=credentials)
        form.add_error("code", "That code is not right, or has already been used.")
    return render(
        request,
        "registration/two_step_verify.html",
        {"form": form, "next": _safe_next(request)},
        status=200 if not form.errors else 400,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_step(request: HttpRequest) -> HttpResponse:
    """Two-step sign-in: enrol an authenticator app, or see its state when already enrolled."""
    user = request.user
    required = second_factor_required(user)
    if has_second_factor(user):
        if request.method == "POST":
            return redirect("two-step")
        return render(
            request,
            "registration/two_step.html",
            {
                "enrolled": True,
                "required": required,
                "codes_left": services.recovery_codes_left(user=user),
            },
        )
    device = services.totp_enrolment_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.totp_enrolment_confirm(device=device, token=form.cleaned_data["code"])
        if codes is not None:
            request.session.cycle_key()
            otp_login(request, device)
            request.session[NEW_CODES_SESSION_KEY] = codes
            messages.success(request, "Two-step sign-in is on.")
            return redirect("two-step-recovery-codes")
        form.add_error(
            "code", "That code is not right: check the time on your phone and try again."
        )
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/two_step.html",
        {
            "enrolled": False,
            "required": required,
            "form": form,
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        },
        status=200 if not form.errors else 400,
    )


@never_cache
@login_required
@require_http_methods(["GET"])
def two_step_qr(request: HttpRequest) -> HttpResponse:
    """The pending enrolment's secret as a QR code (SVG drawn here, nothing from elsewhere)."""
    if has_second_factor(request.user):
        raise Http404("Two-step sign-in is already on.")
    device = services.totp_enrolment_start(user=request.user)
    return HttpResponse(qr_svg(device.config_url), content_type="image/svg+xml")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes are shown once, right after they are made; POST makes a new set."""
    if not has_second_factor(request.user):
        return redirect("two-step")
    if request.method == "POST":
        request.session[NEW_CODES_SESSION_KEY] = services.recovery_codes_regenerate(
            user=request.user
        )
        messages.success(request, "New recovery codes made: the old ones no longer work.")
        return redirect("two-step-recovery-codes")
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    return render(
        request,
        "registration/two_step_recovery_codes.html",
        {"codes": codes, "codes_left": services.recovery_codes_left(user=request.user)},
    )


@never_cache
@login_required
@require_POST
def two_step_off(request: HttpRequest) -> HttpResponse:
    """Turn two-step sign-in off, for someone whose role does not require it."""
    if second_factor_required(request.user):
        messages.error(request, "Your role requires two-step sign-in: it cannot be turned off.")
        return redirect("two-step")
    services.second_factor_remove(user=request.user)
    request.session[STATE_SESSION_KEY] = second_factor_state(request.user)
    messages.success(request, "Two-step sign-in is off.")
    return redirect("two-step")
