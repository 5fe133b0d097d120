# The review queue's covering index (cases/models/logs.py), built without locking out imports.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0014_seed_order_breach_phrases"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="crimelog",
            index=models.Index(
                condition=models.Q(("review_state", "not_flagged"), _negated=True),
                fields=["review_state", "-is_high_risk", "-recorded_at", "-id"],
                include=("signal_kinds", "area", "officer"),
                name="crimelog_queue_cover_idx",
            ),
        ),
    ]
