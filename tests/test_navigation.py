import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def nav_labels(response) -> list[str]:
    return [item.label for item in response.context["nav_items"]]


def test_auditor_sees_the_audit_page_in_navigation(client, auditor):
    client.force_login(auditor)
    response = client.get(reverse("home"))
    assert "Access audit" in nav_labels(response)
    assert "Administration" not in nav_labels(response)
    assert reverse("audit:access_records").encode() in response.content


def test_officer_sees_neither_audit_nor_admin(client, officer):
    client.force_login(officer)
    response = client.get(reverse("home"))
    assert nav_labels(response) == [] or "Access audit" not in nav_labels(response)
    assert reverse("audit:access_records").encode() not in response.content
    assert b"/admin/" not in response.content


def test_admin_sees_administration(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("home"))
    assert "Administration" in nav_labels(response)


def test_home_names_the_users_roles(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("home"))
    assert b"Hub coordinator" in response.content


def test_qualifications_widen_the_menu(client, champion, isac):
    champion.is_enhanced_champion = True
    champion.save()
    client.force_login(champion)
    assert "Advice queue" in nav_labels(client.get(reverse("home")))
    isac.is_manager = True
    isac.save()
    client.force_login(isac)
    labels = nav_labels(client.get(reverse("home")))
    assert "Team caseload" in labels
    assert "Advice queue" not in labels


def test_ordinary_champion_and_isac_do_not_get_the_qualified_items(client, champion, isac):
    client.force_login(champion)
    assert "Advice queue" not in nav_labels(client.get(reverse("home")))
    client.force_login(isac)
    assert "Team caseload" not in nav_labels(client.get(reverse("home")))
