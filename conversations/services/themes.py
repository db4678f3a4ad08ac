"""Keeping a partnership's codebook of themes: adopt the starter set, add, change, retire and
bring back. Every change is audited; a theme is never deleted."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest

from conversations.audit import audit
from conversations.models import AuditAction, Partnership, Theme
from frameworks.themes import starter_themes

THEME_FIELDS = ("label", "description")


def _next_order(partnership: Partnership) -> int:
    latest = Theme.objects.filter(partnership=partnership).aggregate(latest=Max("order"))
    return (latest["latest"] or 0) + 1


@transaction.atomic
def codebook_adopt_starter(
    *, partnership: Partnership, request: HttpRequest | None = None
) -> list[Theme]:
    """Add the starter themes the codebook lacks (by code); idempotent. Themes already there,
    retired or changed, are left as the partnership keeps them. Without a request (the demo
    seed) the audit row names no user."""
    Partnership.objects.select_for_update().get(pk=partnership.pk)
    held = set(Theme.objects.filter(partnership=partnership).values_list("code", flat=True))
    order = _next_order(partnership)
    added = Theme.objects.bulk_create(
        Theme(
            partnership=partnership,
            code=starter.code,
            label=starter.label,
            description=starter.description,
            order=order + index,
        )
        for index, starter in enumerate(s for s in starter_themes() if s.code not in held)
    )
    if added:
        audit(
            action=AuditAction.THEME_CREATED,
            request=request,
            detail={
                "partnership": partnership.code,
                "themes": [theme.code for theme in added],
                "from": "starter codebook",
            },
        )
    return added


@transaction.atomic
def theme_create(
    *, partnership: Partnership, code: str, label: str, description: str, request: HttpRequest
) -> Theme:
    theme = Theme.objects.create(
        partnership=partnership,
        code=code,
        label=label,
        description=description,
        order=_next_order(partnership),
    )
    audit(
        action=AuditAction.THEME_CREATED,
        request=request,
        detail={"partnership": partnership.code, "themes": [theme.code]},
    )
    return theme


@transaction.atomic
def theme_change(
    *,
    theme: Theme,
    request: HttpRequest,
    label: str | None = None,
    description: str | None = None,
    retired: bool | None = None,
) -> Theme:
    """Change a theme's label or description, or retire it / bring it back. The code never
    changes: it names the theme in files and in coded words."""
    locked = Theme.objects.select_for_update().select_related("partnership").get(pk=theme.pk)
    changes: dict[str, list] = {}
    for name, value in (("label", label), ("description", description)):
        if value is not None and getattr(locked, name) != value:
            changes[name] = [getattr(locked, name), value]
            setattr(locked, name, value)
    if retired is not None and retired != locked.is_retired:
        changes["retired"] = [locked.is_retired, retired]
        if retired:
            locked.retire()
        else:
            locked.retired_at = None
    if changes:
        locked.save()
        audit(
            action=AuditAction.THEME_CHANGED,
            request=request,
            detail={"partnership": locked.partnership.code, "themes": [locked.code]},
            changes=changes,
        )
    return locked
