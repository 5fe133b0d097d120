import importlib

import pytest

SEED = importlib.import_module("foundation.records.migrations.0002_seed_retention_rules")


@pytest.fixture(autouse=True)
def retention_rules(db):
    """The migration's rows (a browser test's flush of the test database removes them)."""
    from foundation.records.models import RetentionRule

    for key, years, basis in SEED.DEFAULTS:
        RetentionRule.objects.get_or_create(
            record_type=key, defaults={"years": years, "basis": basis}
        )
