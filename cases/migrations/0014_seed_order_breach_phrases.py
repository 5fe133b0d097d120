"""Seed the phrases that find the breach of an order in a log's offence description and flags.

Forces record a breach inconsistently: under the breach's own code (8Q/2), or under the parent
offence's code with the breach only in the description ("Harassment - breach of restraining
order") or in a free-text flag ("NMO BREACH"). The breach signal reads these phrases in both
(docs/signals.md). Bail conditions are not a protective order and are not listed.

Every row can be changed in the admin; existing rows are never overwritten.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

BREACH = "breach|breached|breaching|breaches|contravention|contravened"

# The order as the reviewer reads it -> how descriptions and flags name it.
ORDERS = {
    "a stalking protection order": [
        "stalking protection order|orders",
        "interim stalking protection order|orders",
        "spo|spos|ispo",
    ],
    "a restraining order": ["restraining order|orders", "ro"],
    "a non-molestation order": [
        "non-molestation order|orders",
        "non molestation order|orders",
        "nmo|nmos",
    ],
    "a domestic abuse or violence protection order": [
        "domestic violence protection order|orders",
        "domestic abuse protection order|orders",
        "dvpo|dvpn|dapo|dapn",
    ],
    "another protective order": [
        "protective order|orders",
        "protection order|orders",
        "occupation order|orders",
        "injunction",
        "court order|orders",
        "sexual harm prevention order|orders",
        "shpo",
    ],
}


def _rows() -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for label, names in ORDERS.items():
        for name in names:
            rows += [
                (f"{BREACH} of {name}", label),
                (f"{BREACH} of a|an|the {name}", label),
                (f"{BREACH} of a|an|the * {name}", label),
                (f"{BREACH} {name}", label),
                (f"{name} {BREACH}", label),
            ]
    return rows


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    IndicatorPhrase = apps.get_model("cases", "IndicatorPhrase")
    for phrase, label in _rows():
        IndicatorPhrase.objects.get_or_create(
            phrase=phrase, defaults={"kind": "order_breach", "behaviour": label}
        )


def unseed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    IndicatorPhrase = apps.get_model("cases", "IndicatorPhrase")
    for phrase, label in _rows():
        IndicatorPhrase.objects.filter(phrase=phrase, kind="order_breach", behaviour=label).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0013_seed_narrative_phrases")]

    operations = [migrations.RunPython(seed, unseed)]
