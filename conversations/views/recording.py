"""Recording a conversation: start one, fill it in (with autosave), sign it off, reopen it,
and read its history. Every object is fetched through a scoped queryset, so a conversation
outside the user's teams is a 404 whatever the URL."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from conversations import selectors
from conversations.audit import WORDS_CHANGED, audit, folded_history
from conversations.forms_recording import (
    RecordingForms,
    ReopenForm,
    SignOffForm,
    StartConversationForm,
)
from conversations.models import AuditAction, AuditEvent, Conversation, Person, Theme
from conversations.services import recording
from frameworks.models import BarrierCode, Role


def _barrier_choices() -> list[tuple[str, str]]:
    return list(BarrierCode.objects.values_list("code", "label"))


def _codebook(conversation: Conversation) -> list[Theme]:
    """The partnership's themes, retired ones included (words already coded keep them)."""
    return list(Theme.objects.filter(partnership=conversation.partnership_id))


def _editable(request: HttpRequest, pk: int) -> Conversation:
    return get_object_or_404(
        recording.with_content(Conversation.objects.editable_by(request.user)), pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def conversation_start(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.editable_by(request.user), pk=person_pk)
    form = StartConversationForm(request.POST or None, person=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        details = dict(form.cleaned_data)
        allow_second_draft = details.pop("start_anyway")
        try:
            conversation = recording.conversation_start(
                subject=person, by=request.user, allow_second_draft=allow_second_draft, **details
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{conversation.get_type_display()} started as a draft.")
            return redirect("conversations:conversation-record", pk=conversation.pk)
    return render(
        request,
        "conversations/conversation_start.html",
        {
            "person": person,
            "form": form,
            "drafts": selectors.drafts_for_person(person, user=request.user),
        },
    )


@login_required
@require_safe
def conversation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(
        recording.with_content(Conversation.objects.visible_to(request.user)).select_related(
            "team", "practitioner", "completed_by"
        ),
        pk=pk,
    )
    audit(action=AuditAction.VIEWED_CONVERSATION, request=request, conversation=conversation)
    can_edit = Conversation.objects.editable_by(request.user).filter(pk=pk).exists()
    can_reopen = (
        conversation.is_completed
        and Conversation.objects.reopenable_by(request.user).filter(pk=pk).exists()
    )
    return render(
        request,
        "conversations/conversation_detail.html",
        {
            "conversation": conversation,
            "domains": recording.records_by_domain(conversation),
            "can_edit": can_edit and not conversation.is_completed,
            "can_reopen": can_reopen,
            **_previous(conversation, user=request.user),
            "cared_for": _cared_for(conversation, user=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def conversation_record(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _editable(request, pk)
    if conversation.is_completed:
        messages.info(request, "This conversation is signed off. A team leader can reopen it.")
        return redirect("conversations:conversation-detail", pk=pk)
    if recording.conversation_add_missing_outcomes(conversation=conversation):
        conversation = _editable(request, pk)
    codes = {record.outcome.code for record in conversation.outcome_records.all()}
    opened = _card_request(request, codes)
    forms = RecordingForms(
        conversation,
        barrier_choices=_barrier_choices(),
        themes=_codebook(conversation),
        data=_posted(request, opened) if request.method == "POST" else None,
        more_actions=request.GET.get("add-action", "") if request.method == "GET" else "",
        more_goals=request.GET.get("add-goal", "") if request.method == "GET" else "",
    )
    if request.method == "POST" and forms.is_valid():
        revision = _posted_revision(request)
        try:
            recording.conversation_save(
                conversation=conversation, data=forms.to_data(), by=request.user, revision=revision
            )
        except recording.ConflictError as conflict:
            return _conflict(request, conflict.conversation, forms)
        except ValidationError as error:
            forms.details.add_error("date_held" if hasattr(error, "error_dict") else None, error)
        else:
            messages.success(request, "Saved.")
            if "complete" in request.POST:
                return redirect("conversations:conversation-complete", pk=pk)
            return _back_to_card(pk, opened)
    shown = {opened[1]} if opened else set()
    if request.method == "GET":
        shown |= {request.GET.get(name, "") for name in ("show", "add-action", "add-goal")} & codes
    sections = _sections(forms, conversation, shown=shown)
    return render(
        request,
        "conversations/conversation_record.html",
        {
            "conversation": conversation,
            "forms": forms,
            "sections": sections,
            "closed": [
                item for section in sections for item in section["items"] if not item["open"]
            ],
            "errors": forms.errors() if request.method == "POST" else [],
            **_previous(conversation, user=request.user),
            "cared_for": _cared_for(conversation, user=request.user),
            "revision": conversation.revision,
        },
        status=400 if request.method == "POST" else 200,
    )


# The buttons that save and come back to one outcome's card (the page without JavaScript):
# open a closed outcome (it then matters), or give an open card another action or goal row.
CARD_BUTTONS = ("open", "add-action", "add-goal")


def _card_request(request: HttpRequest, codes: set[str]) -> tuple[str, str] | None:
    """``(button, outcome code)`` when a card button of a known outcome was pressed."""
    if request.method != "POST":
        return None
    for button in CARD_BUTTONS:
        code = request.POST.get(button, "")
        if code in codes:
            return button, code
    return None


def _posted(request: HttpRequest, opened: tuple[str, str] | None):
    """The posted form data; opening an outcome from the compact list marks it as mattering."""
    if opened is None or opened[0] != "open":
        return request.POST
    data = request.POST.copy()
    data[f"o-{opened[1]}-matters"] = "on"
    return data


def _back_to_card(pk: int, opened: tuple[str, str] | None) -> HttpResponse:
    """Back to the recording page after a save: at the card whose button was pressed."""
    target = reverse("conversations:conversation-record", args=[pk])
    if opened is None:
        return redirect(target)
    button, code = opened
    query = "" if button == "open" else f"?{urlencode({button: code})}"
    return redirect(f"{target}{query}#outcome-{code}")


def _previous(conversation: Conversation, *, user) -> dict:
    """What the page shows as "last time" / "Follows": the earlier conversation ``user`` may
    read, and its records (nothing from outside the user's scope)."""
    earlier = recording.previous_conversation(conversation, user=user)
    return {
        "previous_conversation": earlier,
        "previous": recording.records_mapped(conversation, earlier),
    }


def _cared_for(conversation: Conversation, *, user) -> list[Person]:
    """The people a carer cares for, as far as ``user`` may see them (the person's page
    filters the same links the same way)."""
    if conversation.subject_role != Role.CARER:
        return []
    return list(
        conversation.subject.cares_for.filter(
            pk__in=Person.objects.visible_to(user).values("pk")
        ).order_by("ref")
    )


def _posted_revision(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return -1


def _sections(
    forms: RecordingForms, conversation: Conversation, *, shown: set[str] = frozenset()
) -> list[dict]:
    """The outcome forms grouped by the framework's domains, in order. A card is ``open`` when
    the outcome matters (as stored, or as just posted), has an error, or is in ``shown``."""
    sections: dict[int, dict] = {}
    for record, form, actions, goals in forms.outcomes:
        domain = record.outcome.domain
        section = sections.setdefault(domain.pk, {"domain": domain, "items": [], "has_open": False})
        has_errors = bool(
            form.errors
            or any(a.errors for a in actions.forms)
            or any(g.errors for g in goals.forms)
        )
        matters = bool(form["matters"].value()) if form.is_bound else record.matters
        section["items"].append(
            {
                "record": record,
                "form": form,
                "actions": actions,
                "goals": goals,
                "open": matters or has_errors or record.outcome.code in shown,
                "has_notes": bool(
                    record.words or record.status or record.actions.all() or record.goals.all()
                ),
            }
        )
        section["has_open"] |= section["items"][-1]["open"]
    return sorted(sections.values(), key=lambda s: s["domain"].order)


def _conflict(request: HttpRequest, stored: Conversation, forms: RecordingForms) -> HttpResponse:
    theirs = recording.snapshot(stored)
    yours = recording.data_snapshot(forms.to_data())
    rows = [
        {
            "label": recording.change_label(key, stored),
            "theirs": recording.display_value(key, theirs.get(key)),
            "yours": recording.display_value(key, value),
        }
        for key, value in yours.items()
        if theirs.get(key) != value
    ]
    posted = [
        (name, value)
        for name in request.POST
        if name not in {"revision", "csrfmiddlewaretoken", "complete"}
        for value in request.POST.getlist(name)
    ]
    return render(
        request,
        "conversations/conversation_conflict.html",
        {
            "conversation": stored,
            "rows": rows,
            "posted": posted,
            "revision": stored.revision,
            "last_editor": stored.updated_by,
        },
        status=409,
    )


@login_required
@require_POST
def conversation_autosave(request: HttpRequest, pk: int) -> JsonResponse:
    conversation = _editable(request, pk)
    if conversation.is_completed:
        return JsonResponse(
            {"status": "read_only", "message": "Signed off: not saved."}, status=409
        )
    forms = RecordingForms(
        conversation,
        barrier_choices=_barrier_choices(),
        themes=_codebook(conversation),
        data=request.POST,
    )
    if not forms.is_valid():
        return JsonResponse(
            {
                "status": "invalid",
                "errors": [f"{label}: {msg}" for _, label, msg in forms.errors()],
            },
            status=400,
        )
    try:
        saved = recording.conversation_save(
            conversation=conversation,
            data=forms.to_data(),
            by=request.user,
            revision=_posted_revision(request),
        )
    except recording.ConflictError as conflict:
        stored = conflict.conversation
        if not recording.differences(
            recording.snapshot(stored), recording.data_snapshot(forms.to_data())
        ):
            # The page already holds what is saved (its own earlier save got through but the
            # answer was lost): nothing to compare, so it simply takes the saved revision.
            return _autosaved(stored.revision)
        editor = stored.updated_by
        return JsonResponse(
            {
                "status": "conflict",
                "message": f"{editor.get_full_name() or editor} saved this conversation after you "
                "opened it. Press Save to compare both versions; nothing has been lost."
                if editor
                else "Someone saved this conversation after you opened it. Press Save to compare.",
            },
            status=409,
        )
    except ValidationError as error:
        return JsonResponse({"status": "invalid", "errors": error.messages}, status=400)
    return _autosaved(saved.revision)


def _autosaved(revision: int) -> JsonResponse:
    return JsonResponse(
        {
            "status": "saved",
            "revision": revision,
            "saved_at": timezone.localtime().strftime("%H:%M:%S"),
        }
    )


@login_required
@require_http_methods(["GET", "POST"])
def conversation_complete(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _editable(request, pk)
    if conversation.is_completed:
        return _already_signed_off(request, conversation)
    check = recording.completion_check(conversation)
    form = SignOffForm(
        request.POST if request.method == "POST" else None, conversation=conversation
    )
    if request.method == "POST" and check.can_complete and form.is_valid():
        try:
            signed = recording.conversation_complete(
                conversation=conversation,
                by=request.user,
                review_due=form.cleaned_data["review_due"],
            )
        except recording.ReadOnlyError:
            # A second quick submit, or a colleague signing off at the same moment.
            return _already_signed_off(request, conversation)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                "Signed off. The conversation now counts in reports. "
                f"Next review by {signed.review_due:%-d %B %Y}.",
            )
            return redirect("conversations:conversation-detail", pk=pk)
    return render(
        request,
        "conversations/conversation_complete.html",
        {"conversation": conversation, "check": check, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _already_signed_off(request: HttpRequest, conversation: Conversation) -> HttpResponse:
    messages.info(request, "This conversation is already signed off.")
    return redirect("conversations:conversation-detail", pk=conversation.pk)


def _already_open(request: HttpRequest, conversation: Conversation) -> HttpResponse:
    messages.info(
        request, "This conversation is already open (not signed off): no need to reopen it."
    )
    return redirect("conversations:conversation-record", pk=conversation.pk)


@login_required
@require_http_methods(["GET", "POST"])
def conversation_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(
        Conversation.objects.visible_to(request.user).select_related("subject"), pk=pk
    )
    if not Conversation.objects.reopenable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied("Only a team leader of this team can reopen a conversation.")
    if not conversation.is_completed:
        return _already_open(request, conversation)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recording.conversation_reopen(
                conversation=conversation, by=request.user, reason=form.cleaned_data["reason"]
            )
        except recording.AlreadyOpenError:
            # A second quick submit, or another team leader reopening at the same moment.
            return _already_open(request, conversation)
        messages.success(request, "Reopened. Changes from now on are kept in its history.")
        return redirect("conversations:conversation-record", pk=pk)
    return render(
        request,
        "conversations/conversation_reopen.html",
        {"conversation": conversation, "form": form},
    )


def _change_row(key: str, value: list, conversation: Conversation, labels: dict) -> dict:
    label = recording.change_label(key, conversation, labels)
    if value == WORDS_CHANGED:
        return {"label": label, "before": "", "after": "", "words": True}
    before, after = value
    return {
        "label": label,
        "before": recording.display_value(key, before),
        "after": recording.display_value(key, after),
    }


# What happened to a conversation (its writes); reads of it are in the audit, not its history.
HISTORY_ACTIONS = [
    AuditAction.CREATED,
    AuditAction.CHANGED,
    AuditAction.COMPLETED,
    AuditAction.REOPENED,
    AuditAction.IMPORTED,
    AuditAction.ANONYMISED,
]


@login_required
@require_safe
def conversation_history(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(
        Conversation.objects.visible_to(request.user).select_related(
            "subject", "framework_version"
        ),
        pk=pk,
    )
    events = AuditEvent.objects.filter(
        conversation=conversation, action__in=HISTORY_ACTIONS
    ).select_related("user")
    labels = recording.outcome_labels(conversation)
    entries = [
        {
            "event": entry.event,
            "saves": entry.saves,
            "changes": [
                _change_row(key, value, conversation, labels)
                for key, value in entry.changes.items()
            ],
        }
        for entry in folded_history(events, window=recording.AUDIT_FOLD_WINDOW)
    ]
    audit(action=AuditAction.VIEWED_HISTORY, request=request, conversation=conversation)
    return render(
        request,
        "conversations/conversation_history.html",
        {"conversation": conversation, "entries": entries},
    )
