"""Who has accessed a person's record: for the leads of the person's partnership (the people
``people_for_subject_access`` holds), a 404 for anyone else. Reading it is itself audited."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from conversations.audit import audit
from conversations.models import AuditAction, AuditEvent
from conversations.services.data_protection import people_for_subject_access

ACCESS_PAGE_SIZE = 50


@login_required
@require_http_methods(["GET", "HEAD"])
@never_cache
def person_access(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(people_for_subject_access(request.user), pk=pk)
    events = (
        AuditEvent.objects.filter(Q(person=person) | Q(conversation__subject=person))
        .select_related("user", "conversation")
        .order_by("-at", "-pk")
    )
    page = Paginator(events, ACCESS_PAGE_SIZE).get_page(request.GET.get("page"))
    response = render(request, "conversations/person_access.html", {"person": person, "page": page})
    # After the page is drawn: the list shows earlier access, this reading is in the next one.
    audit(action=AuditAction.VIEWED_ACCESS_LOG, request=request, person=person)
    return response
