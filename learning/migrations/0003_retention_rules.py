"""The retention rules' starting values for learning's record types (learning/records.py,
docs/information-management.md): the information manager changes them on the rules page."""

from django.db import migrations

DEFAULTS = [
    ("learning.learningpoint", 3, "after the point was raised"),
    ("learning.bulletinrecipient", 6, "after the bulletin was published"),
]


def seed(apps, schema_editor):
    RetentionRule = apps.get_model("records", "RetentionRule")
    for key, years, basis in DEFAULTS:
        RetentionRule.objects.get_or_create(
            record_type=key, defaults={"years": years, "basis": basis}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0002_bulletins"),
        ("records", "0002_seed_retention_rules"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
