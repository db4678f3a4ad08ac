"""Reporting pages: drilldown (being built)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
