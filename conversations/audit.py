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
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.http import HttpRequest

from conversations import request_address
from conversations.models import AuditAction, AuditEvent, Conversation, Person
from conversations.services.data_protection import WORD_CHANGE_KEYS, WORD_CHANGE_SUFFIXES
from outcomes_site.signin.addresses import client_address_behind_proxy


def client_address(request: HttpRequest | None) -> str | None:
    """Where a request came from, for the audit: an IP address, or None."""
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


def _event(
    *,
    action: AuditAction | str,
    request: HttpRequest | None,
    user,
    person: Person | None,
    conversation: Conversation | None,
    detail: dict[str, Any] | None,
    changes: dict[str, Any] | None,
    reason: str,
    after_sign_off: bool,
) -> AuditEvent:
    """One audit row, not yet written: ``user`` defaults to the request's signed-in user,
    ``person`` to the conversation's subject."""
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            user = candidate
    if person is None and conversation is not None:
        person_id = conversation.subject_id
    else:
        person_id = person.pk if person is not None else None
    return AuditEvent(
        user=user,
        action=action,
        person_id=person_id,
        conversation=conversation,
        detail=detail or {},
        changes=changes or {},
        reason=reason,
        after_sign_off=after_sign_off,
        # As ``AuditEvent.save`` does, for rows written in bulk too.
        ip_address=client_address(request) or request_address.current(),
    )


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
    event = _event(
        action=action,
        request=request,
        user=user,
        person=person,
        conversation=conversation,
        detail=detail,
        changes=changes,
        reason=reason,
        after_sign_off=after_sign_off,
    )
    event.save(force_insert=True)
    return event


def audit_each_conversation(
    *,
    action: AuditAction | str,
    changes: dict[Conversation, dict[str, Any]],
    request: HttpRequest | None = None,
    user=None,
    detail: dict[str, Any] | None = None,
) -> list[AuditEvent]:
    """One audit row per conversation (with its own ``changes``), written in one statement:
    for a change made to many conversations at once, such as coding words in bulk."""
    return AuditEvent.objects.bulk_create(
        _event(
            action=action,
            request=request,
            user=user,
            person=None,
            conversation=conversation,
            detail=detail,
            changes=conversation_changes,
            reason="",
            after_sign_off=False,
        )
        for conversation, conversation_changes in changes.items()
    )


def ids_of(objects: Iterable[Any]) -> list[int]:
    """The primary keys of what a page showed, in the order shown."""
    return [obj.pk for obj in objects]


# --- Changes to a conversation --------------------------------------------------------------

# What ``changes`` holds for a text field: that it changed, never the words before or after.
WORDS_CHANGED = ["changed"]


def is_words(key: str) -> bool:
    return key in WORD_CHANGE_KEYS or key.endswith(WORD_CHANGE_SUFFIXES)


def without_words(changes: dict[str, list]) -> dict[str, list]:
    """``changes`` as the audit keeps them: ``[before, after]`` for statuses, dates, flags and
    codes; ``["changed"]`` for anything written in words."""
    return {key: WORDS_CHANGED if is_words(key) else value for key, value in changes.items()}


@dataclass
class HistoryEntry:
    """One entry of a conversation's history as read: an audit row, or a run of consecutive
    saves by one person folded together (``event`` is the latest of them)."""

    event: AuditEvent
    changes: dict[str, list] = field(default_factory=dict)
    saves: int = 1


def _merge(earlier: dict[str, list], later: dict[str, list]) -> dict[str, list]:
    merged = dict(earlier)
    for key, value in later.items():
        if value == WORDS_CHANGED or merged.get(key) == WORDS_CHANGED:
            merged[key] = WORDS_CHANGED
        else:
            merged[key] = [merged[key][0] if key in merged else value[0], value[-1]]
    return {k: v for k, v in merged.items() if v == WORDS_CHANGED or v[0] != v[-1]}


def folded_history(events: Iterable[AuditEvent], *, window: timedelta) -> list[HistoryEntry]:
    """Newest first, as ``events`` come: consecutive changes to a draft never signed off, by
    one person, each within ``window`` of the one before, read as one entry. Only the display
    folds; every row stays in the audit."""
    entries: list[HistoryEntry] = []
    for event in reversed(list(events)):
        last = entries[-1] if entries else None
        if (
            last is not None
            and event.action == AuditAction.CHANGED == last.event.action
            and not event.after_sign_off
            and not last.event.after_sign_off
            and event.user_id == last.event.user_id
            and event.at - last.event.at < window
        ):
            last.changes = _merge(last.changes, event.changes)
            last.event = event
            last.saves += 1
        else:
            entries.append(HistoryEntry(event=event, changes=dict(event.changes)))
    return entries[::-1]


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


class RequestAddressMiddleware:
    """Makes the client's address known to every audit row written while answering a request
    (see ``conversations.request_address``)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        token = request_address.set_for_request(client_address(request))
        try:
            return self.get_response(request)
        finally:
            request_address.reset(token)
