"""Finding, reading, adding and changing people. Every record comes through
``Person.objects.visible_to(user)`` or ``editable_by(user)``: outside scope is a 404."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from conversations import selectors
from conversations.audit import audit, ids_of
from conversations.forms import PersonFilterForm, PersonForm
from conversations.models import AuditAction, Conversation, Person, Team
from conversations.services.data_protection import may_answer_subject_access

PAGE_SIZE = 25
# A drawn chart is kept this long after it was drawn (seconds), in the process's cache.
CHART_CACHE_SECONDS = 6 * 60 * 60
# Part of every kept chart's key: change it when the drawing itself changes.
CHART_VERSION = 1


def _visible_links(user, relation: str) -> Prefetch:
    """Prefetch a person-to-person relation keeping only people the user may see."""
    visible = Person.objects.visible_to(user).order_by("ref")
    return Prefetch(relation, queryset=visible, to_attr=f"visible_{relation}")


@login_required
@require_http_methods(["GET", "HEAD"])
def person_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = PersonFilterForm(request.GET or None, user=user)
    people = Person.objects.visible_to(user)
    team = None
    if form.is_bound:
        if not form.is_valid():
            # A team id outside the user's scope is not found, like any other record.
            raise Http404("No such team")
        team = form.cleaned_data["team"]
        people = people.search(form.cleaned_data["q"])
        if team is not None:
            people = people.filter(teams=team)
    people = people.select_related("client_group").prefetch_related(
        Prefetch("teams", queryset=Team.objects.order_by("name")),
        _visible_links(user, "cares_for"),
        _visible_links(user, "carers"),
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    audit(action=AuditAction.VIEWED_PEOPLE_LIST, request=request, detail={"people": ids_of(page)})
    return render(
        request,
        "conversations/person_list.html",
        {
            "form": form,
            "page": page,
            "team": team,
            "query": query.urlencode(),
            "can_add": Team.objects.worked_in_by(user).exists(),
        },
    )


def _outcomes_chart(history: selectors.RoleHistory, *, person: Person) -> str:
    """The outcomes-over-time chart of one role, drawn once for each distinct content.

    Drawing takes matplotlib a large part of a second, far longer than everything else on
    the page. The same rows always give the same drawing, so it is kept under a digest of
    exactly what it is drawn from (rows, id, title): any new status, review or equivalence
    gives new rows and so a new drawing; a kept one is never out of date."""
    chart_id = f"outcomes-chart-{history.role}"
    title = f"Outcomes over time for {person.ref} as {history.role_phrase}"
    content = repr((CHART_VERSION, chart_id, title, history.rows)).encode()
    key = f"outcomes-chart:{hashlib.sha256(content).hexdigest()}"
    svg = cache.get(key)
    if svg is None:
        # matplotlib takes seconds to import: load it only when a chart is drawn.
        from conversations.charts import outcomes_over_time_svg

        svg = outcomes_over_time_svg(history.rows, chart_id=chart_id, title=title)
        cache.set(key, svg, CHART_CACHE_SECONDS)
    return svg


@login_required
@require_http_methods(["GET", "HEAD"])
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    person = get_object_or_404(
        Person.objects.visible_to(user)
        .select_related("partnership", "client_group")
        .prefetch_related(
            Prefetch("teams", queryset=Team.objects.order_by("name")),
            _visible_links(user, "cares_for"),
            _visible_links(user, "carers"),
        ),
        pk=pk,
    )
    can_edit = Person.objects.editable_by(user).filter(pk=person.pk).exists()
    can_subject_access = may_answer_subject_access(user, person)
    conversations = (
        Conversation.objects.visible_to(user)
        .filter(subject=person)
        .select_related("team", "framework_version__framework", "practitioner")
        .latest_first()
    )
    histories = selectors.history_by_role(selectors.outcome_history(person, user=user))
    charts = [
        # Our own drawing: matplotlib escapes its text and the title is escaped on insertion.
        {"history": history, "svg": mark_safe(_outcomes_chart(history, person=person))}
        for history in histories
    ]
    audit(action=AuditAction.VIEWED_PERSON, request=request, person=person)
    beside_carers = selectors.person_with_carers(person, user=user, carers=person.visible_carers)
    for side in beside_carers[1:]:
        # A carer's words read on the cared-for person's page are a read of the carer's record.
        if side.conversation is not None:
            audit(
                action=AuditAction.VIEWED_CONVERSATION,
                request=request,
                conversation=side.conversation,
                detail={"shown_beside": person.pk},
            )
    return render(
        request,
        "conversations/person_detail.html",
        {
            "person": person,
            "can_edit": can_edit,
            "can_subject_access": can_subject_access,
            "conversations": conversations,
            "outcome_charts": charts,
            "beside_carers": beside_carers,
            # The person and up to two carers a row on a wide screen; one column on a phone.
            "beside_columns": min(len(beside_carers), 3),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def person_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable summary to hand to the person: their words and what was agreed, from their
    latest signed-off conversation in each role."""
    user = request.user
    person = get_object_or_404(Person.objects.visible_to(user), pk=pk)
    summaries = selectors.person_summary(person, user=user)
    audit(action=AuditAction.VIEWED_SUMMARY, request=request, person=person)
    return render(
        request,
        "conversations/person_summary.html",
        {"person": person, "summaries": summaries},
    )


def _save_person(request: HttpRequest, form: PersonForm) -> Person | None:
    """Save the form; a reference taken meanwhile becomes a form error rather than a 500."""
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:
        form.add_error("ref", "A person with this reference is already held by this partnership.")
        return None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    if not Team.objects.worked_in_by(request.user).exists():
        raise PermissionDenied(
            "Only practitioners and team leaders can add people, to their own teams. "
            "Partnership leads can find and read people but not add them."
        )
    form = PersonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        person = _save_person(request, form)
        if person is not None:
            audit(action=AuditAction.PERSON_CREATED, request=request, person=person)
            messages.success(request, f"Added {person.ref}.")
            return redirect("conversations:person-detail", pk=person.pk)
    return render(request, "conversations/person_form.html", {"form": form, "person": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person.objects.editable_by(request.user), pk=pk)
    # The form writes cleaned values onto the instance; headings show the stored reference.
    stored_ref = person.ref
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = _save_person(request, form)
        if saved is not None:
            audit(
                action=AuditAction.PERSON_CHANGED,
                request=request,
                person=saved,
                detail={"fields": sorted(form.changed_data)},
            )
            messages.success(request, f"Saved changes to {saved.ref}.")
            return redirect("conversations:person-detail", pk=saved.pk)
    return render(
        request,
        "conversations/person_form.html",
        {"form": form, "person": person, "stored_ref": stored_ref},
    )
