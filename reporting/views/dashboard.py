"""Reporting pages: dashboard (being built)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
