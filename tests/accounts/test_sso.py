"""Single sign-on against a real OpenID provider running locally (tests/oidc.py)."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from django.urls import reverse

from foundation.accounts.models import GroupRoleMapping, Role, User
from foundation.accounts.oidc import SSO_SESSION_KEY
from foundation.audit.models import AccessRecord
from tests.factories import UserFactory
from tests.factories.accounts import TEST_PASSWORD
from tests.oidc import path_of

pytestmark = pytest.mark.django_db

COORDINATORS = "0b7e-hub-coordinators"
OFFICERS = "51c2-all-officers"
SRP_TRAINED = "9d04-srp-trained"


@pytest.fixture
def mappings(force_provider):
    GroupRoleMapping.objects.create(
        provider=force_provider.key, group=COORDINATORS, roles=[Role.COORDINATOR]
    )
    GroupRoleMapping.objects.create(
        provider=force_provider.key, group=OFFICERS, roles=[Role.OFFICER]
    )
    GroupRoleMapping.objects.create(
        provider=force_provider.key, group=SRP_TRAINED, grants_srp_assessor=True
    )
    # Another provider's mapping of the same group name gives nothing here.
    GroupRoleMapping.objects.create(provider="isac", group=OFFICERS, roles=[Role.ISAC])


def new_subject() -> str:
    return f"sub-{uuid.uuid4().hex}"


def sign_in(client, oidc_server, sub, *, provider="force", query=""):
    start = client.get(reverse("accounts:sso_start", args=[provider]) + query)
    assert start.status_code == 302
    assert start["Location"].startswith(oidc_server.url)
    return client.get(path_of(oidc_server.authorize(start["Location"], sub)))


def sign_in_records():
    return AccessRecord.objects.filter(action=AccessRecord.Action.SIGN_IN)


def test_login_page_offers_each_configured_provider(client, force_provider):
    page = client.get(reverse("accounts:login"))
    assert b"Sign in with Home Force" in page.content
    assert reverse("accounts:sso_start", args=["force"]).encode() in page.content


def test_sign_in_creates_the_account_with_mapped_roles_and_the_providers_agency(
    client, oidc_server, mappings, home_force
):
    sub = new_subject()
    oidc_server.set_user(
        sub,
        email="Alex.Shaw@force.example",
        name="Alex Shaw",
        groups=[COORDINATORS, SRP_TRAINED, "not-mapped"],
    )
    response = sign_in(client, oidc_server, sub)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = User.objects.get(sso_provider="force", sso_subject=sub)
    assert user.email == "alex.shaw@force.example"
    assert user.full_name == "Alex Shaw"
    assert user.roles == [Role.COORDINATOR]
    assert user.is_srp_assessor
    assert not user.is_enhanced_champion
    assert user.agency == home_force
    assert not user.has_usable_password()
    assert not user.is_staff
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert b"Alex Shaw" in home.content
    record = sign_in_records().get()
    assert (record.user, record.outcome, record.object_id) == (user, "allowed", "force")
    assert record.agency_name == home_force.name


def test_next_page_survives_the_round_trip(client, oidc_server, mappings):
    sub = new_subject()
    oidc_server.set_user(sub, email="n@force.example", groups=[OFFICERS])
    response = sign_in(client, oidc_server, sub, query="?next=/accounts/")
    assert response["Location"] == "/accounts/"


def test_roles_are_reapplied_at_every_sign_in(client, oidc_server, mappings):
    sub = new_subject()
    oidc_server.set_user(sub, email="m@force.example", groups=[COORDINATORS, SRP_TRAINED])
    sign_in(client, oidc_server, sub)
    client.post(reverse("accounts:logout"))
    oidc_server.set_user(sub, email="m@force.example", groups=[OFFICERS])
    assert sign_in(client, oidc_server, sub).status_code == 302
    user = User.objects.get(sso_subject=sub)
    assert user.roles == [Role.OFFICER]
    assert not user.is_srp_assessor
    assert User.objects.filter(email="m@force.example").count() == 1


def test_admin_group_gives_the_admin_role_and_the_admin_site_only_while_mapped(
    client, oidc_server, force_provider
):
    GroupRoleMapping.objects.create(provider="force", group="admins", roles=[Role.ADMIN])
    GroupRoleMapping.objects.create(provider="force", group="officers", roles=[Role.OFFICER])
    sub = new_subject()
    oidc_server.set_user(sub, email="root@force.example", groups=["admins"])
    sign_in(client, oidc_server, sub)
    assert client.get(reverse("admin:index")).status_code == 200
    client.post(reverse("accounts:logout"))
    oidc_server.set_user(sub, email="root@force.example", groups=["officers"])
    sign_in(client, oidc_server, sub)
    user = User.objects.get(sso_subject=sub)
    assert (user.is_staff, user.is_superuser) == (False, False)
    assert client.get(reverse("admin:index")).status_code == 404


def test_other_email_domain_is_refused_and_no_account_is_created(client, oidc_server, mappings):
    sub = new_subject()
    oidc_server.set_user(sub, email="guest@partner.example", groups=[COORDINATORS])
    response = sign_in(client, oidc_server, sub)
    assert response.status_code == 403
    assert b"not one of" in response.content
    assert not User.objects.filter(sso_subject=sub).exists()
    assert "_auth_user_id" not in client.session
    record = sign_in_records().get()
    assert (record.user, record.outcome) == (None, "denied")
    assert "domain" in record.justification
    assert "partner.example" not in record.justification  # no personal data in the record


def test_user_the_mapping_gives_no_role_sees_no_access_and_no_account_is_created(
    client, oidc_server, mappings, home_force
):
    sub = new_subject()
    # SRP_TRAINED gives a qualification but no role: still no access.
    oidc_server.set_user(sub, email="z@force.example", groups=["not-mapped", SRP_TRAINED])
    response = sign_in(client, oidc_server, sub)
    assert response.status_code == 403
    assert b"No access to the Stalking Hub" in response.content
    assert b"not in any group that gives a role" in response.content
    assert not User.objects.filter(email="z@force.example").exists()
    assert "_auth_user_id" not in client.session
    record = sign_in_records().get()
    assert record.outcome == "denied"
    assert record.user is None
    assert record.agency_name == home_force.name
    assert record.justification == f"no role from the group mapping (subject {sub})"
    assert record.request_id.encode() in response.content  # the reference shown to the person


def test_group_of_another_provider_gives_no_role_here(client, oidc_server, mappings):
    sub = new_subject()
    oidc_server.set_user(sub, email="y@force.example", groups=["isac-only"])
    GroupRoleMapping.objects.create(provider="isac", group="isac-only", roles=[Role.ISAC])
    assert sign_in(client, oidc_server, sub).status_code == 403


def test_user_removed_from_every_group_loses_roles_and_access(client, oidc_server, mappings):
    sub = new_subject()
    oidc_server.set_user(sub, email="leaver@force.example", groups=[COORDINATORS])
    sign_in(client, oidc_server, sub)
    client.post(reverse("accounts:logout"))
    oidc_server.set_user(sub, email="leaver@force.example", groups=[])
    assert sign_in(client, oidc_server, sub).status_code == 403
    user = User.objects.get(sso_subject=sub)
    assert user.roles == []
    assert "_auth_user_id" not in client.session


def test_provider_refusal_is_recorded_and_signs_nobody_in(client, oidc_server, force_provider):
    start = client.get(reverse("accounts:sso_start", args=["force"]))
    response = client.get(path_of(oidc_server.deny(start["Location"])))
    assert response.status_code == 403
    assert b"did not sign you in" in response.content
    assert "_auth_user_id" not in client.session
    record = sign_in_records().get()
    assert record.outcome == "denied"
    assert "access_denied" in record.justification


def test_replayed_callback_is_refused(client, oidc_server, mappings):
    sub = new_subject()
    oidc_server.set_user(sub, email="r@force.example", groups=[OFFICERS])
    start = client.get(reverse("accounts:sso_start", args=["force"]))
    callback = path_of(oidc_server.authorize(start["Location"], sub))
    assert client.get(callback).status_code == 302
    client.post(reverse("accounts:logout"))
    assert client.get(callback).status_code == 403  # state used once
    assert "_auth_user_id" not in client.session


def test_deactivated_account_cannot_start_a_new_session(client, oidc_server, mappings, admin_user):
    sub = new_subject()
    oidc_server.set_user(sub, email="d@force.example", groups=[OFFICERS])
    sign_in(client, oidc_server, sub)
    client.post(reverse("accounts:logout"))
    user = User.objects.get(sso_subject=sub)
    from foundation.accounts.services import deactivate_user

    deactivate_user(user=user, by=admin_user)
    response = sign_in(client, oidc_server, sub)
    assert response.status_code == 403
    assert b"deactivated" in response.content
    assert "_auth_user_id" not in client.session


def test_existing_password_account_of_the_same_agency_is_linked_and_loses_its_password(
    client, oidc_server, mappings, home_force
):
    local = UserFactory(email="pat@force.example", agency=home_force, roles=[Role.TRAINER])
    sub = new_subject()
    oidc_server.set_user(sub, email="pat@force.example", groups=[OFFICERS])
    assert sign_in(client, oidc_server, sub).status_code == 302
    local.refresh_from_db()
    assert (local.sso_provider, local.sso_subject) == ("force", sub)
    assert local.roles == [Role.OFFICER]
    assert not local.has_usable_password()


def test_account_of_another_agency_with_the_same_email_is_not_taken_over(
    client, oidc_server, mappings, other_agency
):
    UserFactory(email="sam@force.example", agency=other_agency, roles=[Role.ISAC])
    sub = new_subject()
    oidc_server.set_user(sub, email="sam@force.example", groups=[OFFICERS])
    response = sign_in(client, oidc_server, sub)
    assert response.status_code == 403
    assert not User.objects.filter(sso_subject=sub).exists()


def test_password_sign_in_does_not_work_for_an_sso_account(client, oidc_server, mappings):
    sub = new_subject()
    oidc_server.set_user(sub, email="p@force.example", groups=[OFFICERS])
    sign_in(client, oidc_server, sub)
    client.post(reverse("accounts:logout"))
    response = client.post(
        reverse("accounts:login"),
        {"username": "p@force.example", "password": TEST_PASSWORD},
        REMOTE_ADDR="10.0.0.9",
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.fixture
def require_mfa(settings):
    settings.HUB_REQUIRE_MFA = True


def use_provider(settings, provider, **changes):
    changed = dataclasses.replace(provider, **changes)
    settings.HUB_OIDC_PROVIDERS = {changed.key: changed}
    return changed


def test_trusted_provider_mfa_claim_stands_for_the_hubs_totp(
    client, settings, oidc_server, mappings, force_provider, require_mfa
):
    use_provider(settings, force_provider, trust_mfa=True)
    sub = new_subject()
    oidc_server.set_user(sub, email="t@force.example", groups=[OFFICERS], amr=["pwd", "mfa"])
    sign_in(client, oidc_server, sub)
    assert client.get(reverse("home")).status_code == 200
    assert sign_in_records().get().justification == "MFA done at the provider"


def test_trusted_provider_acr_value_stands_for_the_hubs_totp(
    client, settings, oidc_server, mappings, force_provider, require_mfa
):
    use_provider(settings, force_provider, trust_mfa=True, mfa_amr=(), mfa_acr=("urn:mfa",))
    sub = new_subject()
    oidc_server.set_user(sub, email="a@force.example", groups=[OFFICERS], acr="urn:mfa")
    sign_in(client, oidc_server, sub)
    assert client.get(reverse("home")).status_code == 200


def test_mfa_claim_is_ignored_unless_the_provider_is_trusted(
    client, oidc_server, mappings, require_mfa
):
    sub = new_subject()
    oidc_server.set_user(sub, email="u@force.example", groups=[OFFICERS], amr=["mfa"])
    sign_in(client, oidc_server, sub)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:mfa"))


def test_trusted_provider_without_an_mfa_claim_gets_the_hubs_totp(
    client, settings, oidc_server, mappings, force_provider, require_mfa
):
    use_provider(settings, force_provider, trust_mfa=True)
    sub = new_subject()
    oidc_server.set_user(sub, email="w@force.example", groups=[OFFICERS], amr=["pwd"])
    sign_in(client, oidc_server, sub)
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("accounts:mfa"))
    assert client.get(reverse("accounts:mfa"))["Location"] == reverse("accounts:mfa_enrol")


def test_sign_out_ends_the_hub_session(client, oidc_server, mappings):
    sub = new_subject()
    oidc_server.set_user(sub, email="o@force.example", groups=[OFFICERS])
    sign_in(client, oidc_server, sub)
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("accounts:login")
    assert client.get(reverse("home")).status_code == 302
    assert SSO_SESSION_KEY not in client.session


def test_sign_out_continues_to_the_providers_sign_out_when_set(
    client, settings, oidc_server, mappings, force_provider
):
    use_provider(settings, force_provider, logout_at_provider=True)
    sub = new_subject()
    oidc_server.set_user(sub, email="s@force.example", groups=[OFFICERS])
    sign_in(client, oidc_server, sub)
    id_token = client.session[SSO_SESSION_KEY]["id_token"]
    assert id_token
    response = client.post(reverse("accounts:logout"))
    assert response["Location"].startswith(f"{oidc_server.url}/oauth2/end_session?")
    assert f"id_token_hint={id_token}" in response["Location"]
    assert (
        "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Faccounts%2Flogin%2F"
        in (response["Location"])
    )
    assert client.get(reverse("home")).status_code == 302


def test_form_action_csp_allows_the_providers_sign_out_page_only_when_set(client):
    from foundation.accounts.oidc_config import OidcProvider, provider_logout_origins

    def provider(issuer, logout):
        return OidcProvider(
            key="k",
            label="k",
            issuer=issuer,
            client_id="c",
            client_secret="s",
            agency="a",
            email_domains=("x",),
            logout_at_provider=logout,
        )

    assert provider_logout_origins(
        {
            "a": provider("https://login.microsoftonline.com/tenant/v2.0", True),
            "b": provider("https://idp.charity.example/realms/staff", False),
        }
    ) == ["https://login.microsoftonline.com"]


def age_sso_session(client, minutes):
    session = client.session
    data = session[SSO_SESSION_KEY]
    data["checked_at"] -= minutes * 60
    data["attempted_at"] -= minutes * 60
    session[SSO_SESSION_KEY] = data
    session.save()


def test_session_is_rechecked_with_the_provider_and_carries_on(client, oidc_server, mappings):
    sub = new_subject()
    oidc_server.set_user(sub, email="c@force.example", groups=[OFFICERS])
    sign_in(client, oidc_server, sub)
    before = client.session[SSO_SESSION_KEY]
    age_sso_session(client, 31)
    assert client.get(reverse("home")).status_code == 200
    after = client.session[SSO_SESSION_KEY]
    assert after["checked_at"] >= before["checked_at"]  # re-checked just now, not 31 min ago
    assert after["refresh_token"]


def test_recheck_reapplies_the_group_mapping(client, oidc_server, mappings):
    sub = new_subject()
    oidc_server.set_user(sub, email="g@force.example", groups=[COORDINATORS])
    sign_in(client, oidc_server, sub)
    oidc_server.set_user(sub, email="g@force.example", groups=[OFFICERS])
    age_sso_session(client, 31)
    assert client.get(reverse("home")).status_code == 200
    assert User.objects.get(sso_subject=sub).roles == [Role.OFFICER]


def test_recheck_not_due_yet_does_not_call_the_provider(client, oidc_server, mappings):
    sub = new_subject()
    oidc_server.set_user(sub, email="e@force.example", groups=[OFFICERS])
    sign_in(client, oidc_server, sub)
    oidc_server.disable(sub)
    age_sso_session(client, 10)
    assert client.get(reverse("home")).status_code == 200


def test_disabled_directory_account_loses_its_open_session_at_the_recheck(
    client, oidc_server, mappings
):
    sub = new_subject()
    oidc_server.set_user(sub, email="l@force.example", groups=[OFFICERS])
    sign_in(client, oidc_server, sub)
    oidc_server.disable(sub)
    age_sso_session(client, 31)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302
    ended = sign_in_records().filter(outcome="denied").get()
    assert ended.justification == "session ended: provider refused the refresh"
    assert ended.user == User.objects.get(sso_subject=sub)


def test_recheck_leaving_no_role_ends_the_session(client, oidc_server, mappings):
    sub = new_subject()
    oidc_server.set_user(sub, email="x@force.example", groups=[OFFICERS])
    sign_in(client, oidc_server, sub)
    oidc_server.set_user(sub, email="x@force.example", groups=[])
    age_sso_session(client, 31)
    assert client.get(reverse("home"))["Location"] == reverse("accounts:login")
    assert User.objects.get(sso_subject=sub).roles == []


def test_unreachable_provider_keeps_the_session_until_the_hour_is_up(
    client, settings, oidc_server, mappings, force_provider, unused_port
):
    sub = new_subject()
    oidc_server.set_user(sub, email="h@force.example", groups=[OFFICERS])
    sign_in(client, oidc_server, sub)
    use_provider(settings, force_provider, issuer=f"http://127.0.0.1:{unused_port}")
    age_sso_session(client, 45)
    assert client.get(reverse("home")).status_code == 200  # tried, could not reach: carries on
    age_sso_session(client, 16)
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("accounts:login")
    assert sign_in_records().filter(outcome="denied").get().justification == (
        "session ended: provider unreachable for an hour"
    )


def test_unreachable_provider_at_sign_in_says_so(client, settings, force_provider, unused_port):
    use_provider(settings, force_provider, issuer=f"http://127.0.0.1:{unused_port}")
    response = client.get(reverse("accounts:sso_start", args=["force"]))
    assert response.status_code == 503
    assert b"cannot reach Home Force" in response.content


def test_unknown_provider_is_404(client, force_provider):
    assert client.get(reverse("accounts:sso_start", args=["nope"])).status_code == 404
    assert client.get(reverse("accounts:sso_callback", args=["nope"])).status_code == 404


def test_account_page_says_how_an_sso_user_signs_in(client, oidc_server, mappings):
    sub = new_subject()
    oidc_server.set_user(sub, email="k@force.example", groups=[OFFICERS])
    sign_in(client, oidc_server, sub)
    page = client.get(reverse("accounts:account"))
    assert b"Home Force (roles come from its groups)" in page.content
    assert reverse("accounts:password_change").encode() not in page.content
