from django.db import migrations

# The decisions the clinic makes (issue 12); the administrator may add or retire others. Keys
# are what higher apps' decision handlers match (legal: "pursue_spo").
DECISION_TYPES = [
    ("pursue_spo", "Pursue a Stalking Protection Order", 10),
    ("mental_health_referral", "Refer to mental health services", 20),
    ("mappa_referral", "Refer to MAPPA", 30),
    ("transfer_force", "Transfer to another force", 40),
    ("close", "Close: no further clinic action", 50),
]


def add_types(apps, schema_editor):
    DecisionType = apps.get_model("clinic", "DecisionType")
    for key, label, order in DECISION_TYPES:
        DecisionType.objects.update_or_create(key=key, defaults={"label": label, "order": order})


def remove_types(apps, schema_editor):
    apps.get_model("clinic", "DecisionType").objects.filter(
        key__in=[key for key, _, _ in DECISION_TYPES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("clinic", "0001_initial")]

    operations = [migrations.RunPython(add_types, remove_types)]
