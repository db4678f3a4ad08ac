"""Sign-in settings: what django-axes counts, and the client's address behind the proxy."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from outcomes_site.settings import _lockout_parameters
from outcomes_site.signin.addresses import client_address_behind_proxy


def test_lockout_parameters_read_separately_or_as_a_pair():
    assert _lockout_parameters(["username", "ip_address"]) == ["username", "ip_address"]
    assert _lockout_parameters(["username+ip_address", "username"]) == [
        ["username", "ip_address"],
        "username",
    ]


def test_an_unknown_lockout_parameter_stops_the_site_from_starting():
    with pytest.raises(ImproperlyConfigured, match="AXES_LOCKOUT_PARAMETERS"):
        _lockout_parameters(["usernme"])


def test_behind_the_proxy_the_address_is_the_one_the_proxy_added():
    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="127.0.0.1"
    )

    assert client_address_behind_proxy(request) == "203.0.113.7"


def test_without_a_proxy_header_the_address_is_the_connection_s():
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.2")

    assert client_address_behind_proxy(request) == "198.51.100.2"


def test_the_defaults_are_five_failures_thirty_minutes_and_leads_and_administrators(settings):
    from outcomes_site import settings as configured

    assert configured.AXES_FAILURE_LIMIT == 5
    assert configured.AXES_COOLOFF_TIME.total_seconds() == 30 * 60
    assert configured.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]
    assert configured.OTP_REQUIRED_ROLES == ["partnership_lead", "administrator"]
    assert configured.AUTH_PASSWORD_VALIDATORS[1]["OPTIONS"] == {"min_length": 12}
