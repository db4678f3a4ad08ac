"""Where the request being answered came from, for the audit trail.

``conversations.audit.RequestAddressMiddleware`` sets it for each request; ``AuditEvent.save``
reads it, so that a row written anywhere while answering a request (a service deep inside a
save or a sign-off, say) records the client's address without every caller passing it on.
Outside a request (commands, the shell) it is ``None``.
"""

from __future__ import annotations

from contextvars import ContextVar

_address: ContextVar[str | None] = ContextVar("request_address", default=None)


def current() -> str | None:
    return _address.get()


def set_for_request(address: str | None):
    """Set the address; returns the token to ``reset`` it with once the request is answered."""
    return _address.set(address)


def reset(token) -> None:
    _address.reset(token)
