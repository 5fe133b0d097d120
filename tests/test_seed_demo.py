import pytest
from django.core.management import CommandError, call_command

from foundation.accounts.models import Role, User
from stalking_hub.demo.accounts import DEMO_PASSWORD, demo_email

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_demo_creates_one_user_per_role_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    first = User.objects.count()
    call_command("seed_demo")
    assert User.objects.count() == first
    roles = {role for user in User.objects.all() for role in user.roles}
    assert roles == set(Role.values)
    coordinator = User.objects.get(email=demo_email("coordinator"))
    assert coordinator.check_password(DEMO_PASSWORD)
    # The local test directory's groups (`make sso-provider`) are mapped, once.
    from foundation.accounts.models import GroupRoleMapping
    from stalking_hub.demo.sso import DEMO_MAPPINGS

    assert GroupRoleMapping.objects.filter(provider="demo").count() == len(DEMO_MAPPINGS)
