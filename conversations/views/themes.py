"""The partnership's codebook of themes: everyone in the partnership reads it; its partnership
lead keeps it (adopts the starter set, adds, changes, retires and brings back themes)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from conversations.access import led_partnership, staff_scope
from conversations.forms import ThemeForm
from conversations.models import Partnership, Theme
from conversations.services import themes as service
from frameworks.themes import starter_themes


@login_required
@require_GET
def codebook(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request.user)
    if not scope.has_any_role:
        raise Http404("No codebook for this account")
    partnerships = list(Partnership.objects.filter(pk__in=scope.partnership_ids))
    themes = list(Theme.objects.visible_to(request.user))
    books = []
    for partnership in partnerships:
        held = [theme for theme in themes if theme.partnership_id == partnership.pk]
        books.append(
            {
                "partnership": partnership,
                "in_use": [theme for theme in held if not theme.is_retired],
                "retired": [theme for theme in held if theme.is_retired],
                "keeps": partnership.pk in scope.lead_partnership_ids,
                "starter_missing": {s.code for s in starter_themes()}
                - {theme.code for theme in held},
            }
        )
    return render(request, "conversations/codebook.html", {"books": books})


@login_required
@require_POST
def codebook_adopt(request: HttpRequest) -> HttpResponse:
    partnership = led_partnership(request.user)
    added = service.codebook_adopt_starter(partnership=partnership, request=request)
    if added:
        messages.success(
            request,
            f"{len(added)} starter theme{'s' if len(added) != 1 else ''} added to the codebook. "
            "Change their labels and descriptions to fit how your partnership talks.",
        )
    else:
        messages.info(request, "The codebook already holds every starter theme.")
    return redirect("conversations:codebook")


@login_required
@require_http_methods(["GET", "POST"])
def theme_create(request: HttpRequest) -> HttpResponse:
    partnership = led_partnership(request.user)
    form = ThemeForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        theme = service.theme_create(partnership=partnership, request=request, **form.cleaned_data)
        messages.success(request, f"Theme “{theme.label}” added.")
        return redirect("conversations:codebook")
    return render(
        request,
        "conversations/theme_form.html",
        {"form": form, "partnership": partnership, "theme": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def theme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    theme = get_object_or_404(Theme.objects.managed_by(request.user), pk=pk)
    form = ThemeForm(
        request.POST or None,
        instance=Theme(label=theme.label, description=theme.description, pk=theme.pk),
        partnership=theme.partnership,
    )
    if request.method == "POST" and form.is_valid():
        service.theme_change(theme=theme, request=request, **form.cleaned_data)
        messages.success(request, f"Theme “{form.cleaned_data['label']}” saved.")
        return redirect("conversations:codebook")
    return render(
        request,
        "conversations/theme_form.html",
        {"form": form, "partnership": theme.partnership, "theme": theme},
    )


@login_required
@require_POST
def theme_retire(request: HttpRequest, pk: int) -> HttpResponse:
    """Retire a theme (``retired=1``) or bring it back (``retired=0``)."""
    theme = get_object_or_404(Theme.objects.managed_by(request.user), pk=pk)
    retired = request.POST.get("retired") == "1"
    theme = service.theme_change(theme=theme, request=request, retired=retired)
    if retired:
        messages.success(
            request,
            f"Theme “{theme.label}” retired: no longer offered for coding; words already coded "
            "with it keep it.",
        )
    else:
        messages.success(request, f"Theme “{theme.label}” is in use again.")
    return redirect("conversations:codebook")


@login_required
@require_POST
def words_code(request: HttpRequest) -> HttpResponse:
    """Code the chosen records' words from the drill-down (team leaders, their teams), then go
    back to the page the form was on."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("conversations:codebook")
    theme = get_object_or_404(Theme.objects.visible_to(request.user), pk=_number(request, "theme"))
    try:
        record_ids = [int(value) for value in request.POST.getlist("records")]
    except ValueError:
        raise Http404("No such record") from None
    add = request.POST.get("action") != "remove"
    try:
        changed = service.words_code(
            record_ids=record_ids, theme=theme, add=add, by=request.user, request=request
        )
    except service.CodingError as problem:
        messages.error(request, str(problem))
        return redirect(back)
    done = "coded with" if add else "no longer coded with"
    messages.success(
        request, f"{changed} record{'s' if changed != 1 else ''} {done} “{theme.label}”."
    )
    return redirect(back)


def _number(request: HttpRequest, name: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        raise Http404(f"No such {name}") from None
