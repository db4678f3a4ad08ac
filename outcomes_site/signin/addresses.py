from django.http import HttpRequest


def client_address_behind_proxy(request: HttpRequest) -> str | None:
    """The client's address as the one reverse proxy in front of gunicorn saw it: the last
    entry of X-Forwarded-For (earlier entries are whatever the client chose to send)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")
