from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frameworks.models import FrameworkVersion


@login_required
def framework_list(request: HttpRequest) -> HttpResponse:
    versions = FrameworkVersion.objects.select_related("framework")
    return render(request, "frameworks/list.html", {"versions": versions})
