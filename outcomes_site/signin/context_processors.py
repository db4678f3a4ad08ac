from django.http import HttpRequest

from outcomes_site.signin.policy import NONE, STATE_SESSION_KEY


def second_factor(request: HttpRequest) -> dict[str, bool]:
    """``second_factor_pending``: signed in with the password, the second factor still owed
    (the layout then shows no navigation that would only lead back to it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return {"second_factor_pending": False}
    state = request.session.get(STATE_SESSION_KEY, NONE)
    verified = getattr(user, "is_verified", None)  # installed by django-otp's middleware
    return {"second_factor_pending": state != NONE and verified is not None and not verified()}
