"""Reporting pages: returns (being built)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
