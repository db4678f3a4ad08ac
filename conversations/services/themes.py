"""Keeping a partnership's codebook of themes (adopt the starter set, add, change, retire and
bring back; a theme is never deleted) and coding words with it in bulk. Every change is
audited."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.http import Http404, HttpRequest

from conversations.audit import audit, audit_each_conversation
from conversations.models import AuditAction, Conversation, OutcomeRecord, Partnership, Theme
from conversations.models.organisation import scope_of
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


class CodingError(Exception):
    """The coding asked for cannot be done; the message says why, in words for the page."""


@transaction.atomic
def words_code(*, record_ids: list[int], theme: Theme, add: bool, by, request) -> int:
    """Add ``theme`` to (or take it off) the words of the given outcome records, as a team
    leader coding from the drill-down. All or nothing: every record must be in a team ``by``
    leads and in the theme's partnership, or nothing is written (``Http404``). One audit row
    per conversation whose coding changed. Returns the number of records changed."""
    wanted = set(record_ids)
    if not wanted:
        raise CodingError("Choose at least one person's words to code.")
    if add and theme.is_retired:
        raise CodingError(f"“{theme.label}” is retired: it is no longer used for new coding.")
    records = list(
        OutcomeRecord.objects.select_for_update(of=("self",))
        .filter(
            pk__in=wanted,
            conversation__team_id__in=scope_of(by).led_team_ids,
            conversation__partnership_id=theme.partnership_id,
        )
        .select_related("outcome", "conversation")
        .prefetch_related("themes")
    )
    if len(records) != len(wanted):
        raise Http404("Not every record is yours to code")
    through = OutcomeRecord.themes.through
    changed = [r for r in records if (theme in r.themes.all()) != add]
    if add:
        through.objects.bulk_create(
            through(outcomerecord_id=record.pk, theme_id=theme.pk) for record in changed
        )
    else:
        through.objects.filter(outcomerecord__in=changed, theme=theme).delete()
    per_conversation: dict[Conversation, dict[str, list]] = {}
    for record in changed:
        before = sorted(t.code for t in record.themes.all())
        after = sorted({*before, theme.code} if add else set(before) - {theme.code})
        per_conversation.setdefault(record.conversation, {})[
            f"outcome:{record.outcome.code}.themes"
        ] = [before, after]
    audit_each_conversation(
        action=AuditAction.WORDS_CODED,
        changes=per_conversation,
        request=request,
        user=by,
        detail={"theme": theme.code, "from": "drill-down"},
    )
    return len(changed)
