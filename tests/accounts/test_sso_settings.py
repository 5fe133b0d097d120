"""Providers from the environment: several at once, and fail closed on anything missing."""

from __future__ import annotations

import environ
import pytest
from django.core.exceptions import ImproperlyConfigured

from foundation.accounts.oidc_config import read_providers, read_recheck_minutes

FORCE = {
    "HUB_OIDC_PROVIDERS": "force, isac",
    "HUB_OIDC_FORCE_ISSUER": "https://login.microsoftonline.com/tenant-id/v2.0",
    "HUB_OIDC_FORCE_CLIENT_ID": "client",
    "HUB_OIDC_FORCE_CLIENT_SECRET": "secret",
    "HUB_OIDC_FORCE_AGENCY": "Northshire Police",
    "HUB_OIDC_FORCE_EMAIL_DOMAINS": "northshire.police.uk, @Northshire.pnn.police.uk",
    "HUB_OIDC_FORCE_TRUST_MFA": "true",
    "HUB_OIDC_ISAC_ISSUER": "https://idp.charity.example/realms/staff",
    "HUB_OIDC_ISAC_CLIENT_ID": "hub",
    "HUB_OIDC_ISAC_CLIENT_SECRET": "s2",
    "HUB_OIDC_ISAC_AGENCY": "Northshire Stalking Advocacy Service",
    "HUB_OIDC_ISAC_EMAIL_DOMAINS": "charity.example",
    "HUB_OIDC_ISAC_LABEL": "Northshire Stalking Advocacy",
    "HUB_OIDC_ISAC_GROUPS_CLAIM": "roles",
}


@pytest.fixture
def environment(monkeypatch):
    def apply(values):
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        return environ.Env()

    return apply


def test_several_providers_from_the_environment(environment):
    providers = read_providers(environment(FORCE))
    assert list(providers) == ["force", "isac"]
    force, isac = providers["force"], providers["isac"]
    assert force.label == "Northshire Police"  # defaults to the agency
    assert force.email_domains == ("northshire.police.uk", "northshire.pnn.police.uk")
    assert force.trust_mfa
    assert force.mfa_amr == ("mfa",)
    assert force.metadata_url == (
        "https://login.microsoftonline.com/tenant-id/v2.0/.well-known/openid-configuration"
    )
    assert "offline_access" in force.scopes
    assert not isac.trust_mfa  # off unless set
    assert (isac.label, isac.groups_claim) == ("Northshire Stalking Advocacy", "roles")
    assert force.allows_email("a.b@northshire.police.uk")
    assert not force.allows_email("a.b@evil-northshire.police.uk")


def test_no_providers_by_default(monkeypatch):
    monkeypatch.delenv("HUB_OIDC_PROVIDERS", raising=False)
    assert read_providers(environ.Env()) == {}


@pytest.mark.parametrize(
    "variable",
    ["HUB_OIDC_FORCE_CLIENT_SECRET", "HUB_OIDC_FORCE_AGENCY", "HUB_OIDC_FORCE_EMAIL_DOMAINS"],
)
def test_a_missing_provider_variable_stops_start_up(environment, monkeypatch, variable):
    env = environment(FORCE)
    monkeypatch.delenv(variable)
    with pytest.raises(ImproperlyConfigured, match=variable):
        read_providers(env)


def test_plain_http_issuer_only_on_loopback(environment):
    with pytest.raises(ImproperlyConfigured, match="https"):
        read_providers(environment({**FORCE, "HUB_OIDC_FORCE_ISSUER": "http://idp.example"}))
    local = read_providers(environment({**FORCE, "HUB_OIDC_FORCE_ISSUER": "http://127.0.0.1:9400"}))
    assert local["force"].issuer == "http://127.0.0.1:9400"


def test_provider_key_must_be_a_simple_name(environment):
    with pytest.raises(ImproperlyConfigured, match="lower-case"):
        read_providers(environment({**FORCE, "HUB_OIDC_PROVIDERS": "Force-1"}))


@pytest.mark.parametrize(("value", "ok"), [("30", True), ("60", True), ("61", False), ("0", False)])
def test_recheck_interval_is_at_most_an_hour(monkeypatch, value, ok):
    monkeypatch.setenv("HUB_OIDC_RECHECK_MINUTES", value)
    if ok:
        assert read_recheck_minutes(environ.Env()) == int(value)
    else:
        with pytest.raises(ImproperlyConfigured, match="within the hour"):
            read_recheck_minutes(environ.Env())
