"""Response headers and the idle timeout (README: "Sessions and headers").

The Content-Security-Policy itself comes from django-csp (settings ``CONTENT_SECURITY_POLICY``).
"""

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

# Nothing on the site uses these browser features; a page (or anything injected into one)
# cannot ask for them.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

LAST_ACTIVITY_KEY = "last_activity"
# Writing the session on every request would cost a database write each time: the time of
# last activity is only moved on when it is this many seconds old.
ACTIVITY_RESOLUTION_SECONDS = 30


def note_sign_in(sender, request: HttpRequest, user, **kwargs) -> None:
    """Signing in is activity: noted in the session that login() is about to save, so the
    first pages after it write nothing more (connected in outcomes_site.signin.apps)."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_ACTIVITY_KEY] = int(time.time())


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class NoStoreMiddleware:
    """Every response to a signed-in user may carry personal data (a page, a download, a
    chart): no browser or proxy keeps a copy, unless the view chose its own Cache-Control.
    Static files are answered by WhiteNoise before this runs and keep their caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response


def idle_limit_seconds() -> int:
    return settings.SESSION_IDLE_MINUTES * 60


def idle_message() -> str:
    minutes = settings.SESSION_IDLE_MINUTES
    return (
        f"You were signed out after {minutes} minute{'s' if minutes != 1 else ''} without activity."
    )


def _come_back_to(request: HttpRequest) -> str:
    """The page to return to after signing in again: this one, or for a POST (an autosave, a
    form sent after the timeout) the page it was sent from."""
    if request.method == "GET":
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return urlsplit(referer).path
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class IdleTimeoutMiddleware:
    """Signs out a session that made no request for ``SESSION_IDLE_MINUTES``: the next request
    goes to the sign-in page (and back after it) with a message saying why. Any request counts
    as activity: the recording page's autosaves, and its keep-alive while someone types."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_KEY)
            if isinstance(last, int) and now - last > idle_limit_seconds():
                logout(request)
                messages.info(request, idle_message())
                return redirect_to_login(_come_back_to(request))
            if not isinstance(last, int) or now - last >= ACTIVITY_RESOLUTION_SECONDS:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)
