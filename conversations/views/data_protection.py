"""Subject access: a partnership lead downloads everything held about one person, as JSON and
as a readable page to print. Anyone else (practitioners and team leaders included, who read
only their teams' part of a record) is told the person is not found. Every download is
audited."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from conversations.models import (
    ActionOwner,
    Answer,
    AnsweredBy,
    ConversationStatus,
    ConversationType,
    OutcomeStatus,
)
from conversations.services.data_protection import (
    people_for_subject_access,
    subject_access_data,
    subject_access_record,
)
from frameworks.models import Role

# Words for the codes the record holds, for the readable page (the JSON keeps the codes).
LABELS = {
    "type": dict(ConversationType.choices),
    "role": dict(Role.choices),
    "status": dict(ConversationStatus.choices),
    "outcome_status": dict(OutcomeStatus.choices),
    "answer": dict(Answer.choices),
    "owner": dict(ActionOwner.choices),
    "answered_by": dict(AnsweredBy.choices),
}


def _person(request: HttpRequest, pk: int):
    return get_object_or_404(
        people_for_subject_access(request.user).select_related("partnership", "client_group"),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "HEAD"])
@never_cache
def person_subject_access(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    subject_access_record(person=person, by=request.user, format="html")
    return render(
        request,
        "conversations/person_subject_access.html",
        {"person": person, "held": subject_access_data(person=person), "labels": LABELS},
    )


@login_required
@require_http_methods(["GET", "HEAD"])
@never_cache
def person_subject_access_json(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    subject_access_record(person=person, by=request.user, format="json")
    body = json.dumps(
        subject_access_data(person=person), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"subject-access-{slugify(person.partnership.code)}-{slugify(person.ref)}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
