"""Every view asks for the second factor until it is given (django-otp's OTPMiddleware must
run first: it tells whether this session has been verified)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from outcomes_site.signin.policy import (
    ENROL,
    NONE,
    STATE_SESSION_KEY,
    VERIFY,
    second_factor_state,
)

# Pages a signed-in user can open before the second factor is given.
_ALWAYS_OPEN = {"login", "logout"}
_OPEN_WHILE = {
    VERIFY: _ALWAYS_OPEN | {"two-step-verify"},
    ENROL: _ALWAYS_OPEN | {"two-step", "two-step-qr"},
}
_SENT_TO = {VERIFY: "two-step-verify", ENROL: "two-step"}


class SecondFactorMiddleware:
    """A user with a second factor who has not given it this session is asked for a code;
    a user whose role requires one and who has none is sent to enrol. Either way no other
    page opens, the admin included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        state = request.session.get(STATE_SESSION_KEY)
        if state is None:  # a session from before sign-in noted it
            state = request.session[STATE_SESSION_KEY] = second_factor_state(user)
        if state == NONE or user.is_verified():
            return None
        match = request.resolver_match
        if match and match.view_name in _OPEN_WHILE[state]:
            return None
        url = reverse(_SENT_TO[state])
        if request.method == "GET" and state == VERIFY:
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
