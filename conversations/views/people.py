from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from conversations.models import Person


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    people = Person.objects.visible_to(request.user).search(query).select_related("client_group")
    return render(request, "conversations/person_list.html", {"people": people, "q": query})
