from django.http import HttpRequest

from conversations.access import staff_scope


def scope(request: HttpRequest) -> dict:
    """Expose the signed-in user's roles to templates, for navigation only (never for access)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"staff_scope": staff_scope(user)}
