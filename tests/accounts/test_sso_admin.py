"""The admin side of single sign-on: the group mapping, read-only roles, dormant accounts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from foundation.accounts.admin import GroupRoleMappingForm
from foundation.accounts.models import GroupRoleMapping, Role
from foundation.accounts.selectors import dormant_users, grant_for_groups
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_grant_is_the_union_of_the_matching_groups_in_role_order():
    GroupRoleMapping.objects.create(provider="force", group="a", roles=[Role.OFFICER])
    GroupRoleMapping.objects.create(
        provider="force", group="b", roles=[Role.CHAMPION], grants_enhanced_champion=True
    )
    GroupRoleMapping.objects.create(provider="force", group="c", roles=[Role.ADMIN])
    grant = grant_for_groups(provider="force", groups=["b", "a", "unknown"])
    assert grant.roles == [Role.CHAMPION, Role.OFFICER]
    assert grant.is_enhanced_champion
    assert not grant.is_manager
    assert grant_for_groups(provider="isac", groups=["a", "b"]).roles == []


def test_mapping_form_offers_configured_providers_and_needs_a_role_or_qualification(
    force_provider,
):
    empty = GroupRoleMappingForm(data={"provider": "force", "group": "g"})
    assert not empty.is_valid()
    assert "at least one role or qualification" in str(empty.errors)
    assert ("force", "force") in empty.fields["provider"].widget.choices
    ok = GroupRoleMappingForm(
        data={"provider": "force", "group": "g", "roles": [Role.COORDINATOR, Role.OFFICER]}
    )
    assert ok.is_valid(), ok.errors
    mapping = ok.save()
    assert mapping.roles == [Role.COORDINATOR, Role.OFFICER]


def test_admin_can_add_a_mapping(client, admin_user, force_provider):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_grouprolemapping_add"),
        {
            "provider": "force",
            "group": "0b7e-hub-coordinators",
            "description": "Stalking hub coordinators",
            "roles": [Role.COORDINATOR],
            "grants_srp_assessor": "on",
        },
    )
    assert response.status_code == 302, response.content
    mapping = GroupRoleMapping.objects.get()
    assert (mapping.roles, mapping.grants_srp_assessor) == ([Role.COORDINATOR], True)
    assert mapping.events.count() == 1  # history-tracked: who changed access policy is on record


def test_roles_of_an_sso_account_are_read_only_in_the_admin(client, admin_user, home_force):
    sso_user = UserFactory(agency=home_force, sso_provider="force", sso_subject="s-1")
    local_user = UserFactory(agency=home_force)
    client.force_login(admin_user)
    sso_page = client.get(reverse("admin:accounts_user_change", args=[sso_user.pk]))
    local_page = client.get(reverse("admin:accounts_user_change", args=[local_user.pk]))
    assert sso_page.status_code == local_page.status_code == 200
    assert b'name="roles"' in local_page.content
    assert b'name="roles"' not in sso_page.content
    assert b'name="is_srp_assessor"' not in sso_page.content
    assert b'name="agency"' not in sso_page.content
    assert b'name="is_active"' in sso_page.content  # a local deactivation still works
    # A forged post cannot change them either.
    client.post(
        reverse("admin:accounts_user_change", args=[sso_user.pk]),
        {"roles": [Role.ADMIN], "is_active": "on", "collar_number": ""},
    )
    sso_user.refresh_from_db()
    assert sso_user.roles == [Role.OFFICER]


def test_dormant_accounts_are_those_not_seen_for_90_days():
    now = timezone.now()
    recent = UserFactory(last_login=now - timedelta(days=89))
    old = UserFactory(last_login=now - timedelta(days=91))
    never_old = UserFactory(last_login=None, date_joined=now - timedelta(days=120))
    never_new = UserFactory(last_login=None, date_joined=now - timedelta(days=3))
    gone = UserFactory(last_login=now - timedelta(days=200), is_active=False)
    dormant = set(dormant_users(now=now))
    assert dormant == {old, never_old}
    assert not dormant & {recent, never_new, gone}


def test_admin_lists_accounts_not_seen_for_90_days_for_review(client, admin_user):
    now = timezone.now()
    UserFactory(email="recent@example.test", last_login=now - timedelta(days=2))
    UserFactory(email="dormant@example.test", last_login=now - timedelta(days=100))
    client.force_login(admin_user)
    changelist = client.get(reverse("admin:accounts_user_changelist"))
    assert b"Review accounts not seen for 90 days" in changelist.content
    review = client.get(reverse("admin:accounts_user_changelist") + "?seen=dormant")
    assert review.status_code == 200
    assert b"dormant@example.test" in review.content
    assert b"recent@example.test" not in review.content
    assert b"Deactivate (leaver)" in review.content  # the action to take on them
