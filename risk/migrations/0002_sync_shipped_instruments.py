"""Load the shipped instrument structures, so instruments exist right after `migrate`."""

from django.db import migrations


def sync_shipped(apps, schema_editor):
    from risk.sync import sync_instruments

    sync_instruments(model=apps.get_model("risk", "Instrument"))


class Migration(migrations.Migration):
    dependencies = [("risk", "0001_initial")]

    operations = [migrations.RunPython(sync_shipped, migrations.RunPython.noop)]
