"""The audit of every access to personal data: one function writes every row.

Who (the signed-in user, or none for a command or a failed sign-in by an unknown name), when
(the database's clock), what (an action, and ids: of a person, a conversation, the people a
list showed, a table downloaded — never anyone's words, never what was typed into a search),
and from where (the client's address as the reverse proxy saw it).

Sign-ins, failed sign-ins and lockouts are recorded here by signal receivers, connected in
``ConversationsConfig.ready``; reads in the admin by ``AuditedAdminMixin``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.http import HttpRequest

from conversations.models import AuditAction, AuditEvent, Conversation, Person
from outcomes_site.signin.addresses import client_address_behind_proxy


def _address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    address = client_address_behind_proxy(request)
    if not address:
        return None
    # Whatever a proxy passed on: keep it only when it is an address.
    try:
        validate_ipv46_address(address)
    except ValidationError:
        return None
    return address


def audit(
    *,
    action: AuditAction | str,
    request: HttpRequest | None = None,
    user=None,
    person: Person | None = None,
    conversation: Conversation | None = None,
    detail: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    after_sign_off: bool = False,
) -> AuditEvent:
    """Append one audit row. ``user`` defaults to the request's signed-in user; ``person``
    defaults to the conversation's subject."""
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            user = candidate
    if person is None and conversation is not None:
        person_id = conversation.subject_id
    else:
        person_id = person.pk if person is not None else None
    return AuditEvent.objects.create(
        user=user,
        action=action,
        person_id=person_id,
        conversation=conversation,
        detail=detail or {},
        changes=changes or {},
        reason=reason,
        after_sign_off=after_sign_off,
        ip_address=_address(request),
    )


def ids_of(objects: Iterable[Any]) -> list[int]:
    """The primary keys of what a page showed, in the order shown."""
    return [obj.pk for obj in objects]


# --- Sign-in ---------------------------------------------------------------------------------


def audit_signed_in(sender, request, user, **kwargs) -> None:
    audit(action=AuditAction.SIGNED_IN, request=request, user=user)


def _user_named(username: str | None):
    """The account a failed sign-in was for, if it exists. What was typed is never kept: a
    password typed into the name box would otherwise land in the audit."""
    if not username:
        return None
    return get_user_model().objects.filter(username=username).first()


def audit_sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    username = (credentials or {}).get("username")
    user = _user_named(username)
    audit(
        action=AuditAction.SIGN_IN_FAILED,
        request=request,
        user=user,
        detail={"known_account": user is not None},
    )


def audit_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    user = _user_named(username)
    audit(
        action=AuditAction.LOCKED_OUT,
        request=request,
        user=user,
        detail={"known_account": user is not None},
    )
