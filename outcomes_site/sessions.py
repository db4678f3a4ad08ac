"""Keeping a session alive while someone works (README: "Sessions and headers").

The recording page warns before the idle timeout ends a session and, while someone types
without an autosave reaching the server, asks for the session to be kept (static/site/session.js).
"""

import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_POST

from outcomes_site.middleware import LAST_ACTIVITY_KEY, idle_limit_seconds


def session_timeout(request: HttpRequest) -> dict[str, int]:
    """Template context: how long a session lasts without activity, and how long before its
    end the page warns (leaving at least ten quiet seconds before the warning)."""
    idle = idle_limit_seconds()
    return {
        "session_idle_seconds": idle,
        "session_warning_seconds": min(settings.SESSION_IDLE_WARNING_SECONDS, idle - 10),
    }


@login_required
@require_POST
def keep_alive(request: HttpRequest) -> JsonResponse:
    """Activity without a save: the session's idle time starts again. A session already ended
    never reaches here (the idle timeout sends the request to the sign-in page)."""
    request.session[LAST_ACTIVITY_KEY] = int(time.time())
    return JsonResponse({"status": "alive", "idle_seconds": idle_limit_seconds()})
