"""Outbox rows stored their handler as a Python path; they now store its registered name.

`stalking_hub.accounts.notifications.send_password_changed_email` becomes
`accounts.send_password_changed_email`, `cases.feed.notify.send_import_finished` becomes
`cases.send_import_finished`: the app's label, then the function's name, which is the name each
handler registers with `@outbox_handler`.
"""

from django.db import migrations


def to_registered_names(apps, schema_editor):
    OutboxMessage = apps.get_model("outbox", "OutboxMessage")
    for message in OutboxMessage.objects.filter(handler__contains="."):
        parts = message.handler.split(".")
        if len(parts) <= 2:
            continue  # already a registered name
        app = parts[1] if parts[0] in ("stalking_hub", "foundation") else parts[0]
        message.handler = f"{app}.{parts[-1]}"
        message.save(update_fields=["handler"])


class Migration(migrations.Migration):
    dependencies = [("outbox", "0001_initial")]

    operations = [migrations.RunPython(to_registered_names, migrations.RunPython.noop)]
