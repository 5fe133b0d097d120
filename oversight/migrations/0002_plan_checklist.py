"""The usual lines of enquiry in a stalking investigation: the plan checklist's first version.
The hub edits it in the admin afterwards; this migration never overwrites an edited line."""

from django.db import migrations

LINES = [
    ("victim_account", "Victim's account and diary",
     "A full account from the victim, and a diary or log of every incident kept going."),
    ("digital_evidence", "Digital and phone evidence",
     "Phones, call and message records, e-mails, tracking devices and apps; download or preserve."),
    ("social_media", "Social media",
     "Posts, messages and accounts (including fake ones); capture before they are deleted."),
    ("cctv", "CCTV", "Home, workplace, transport and doorbell footage; request before it is overwritten."),
    ("witnesses", "Witnesses", "Neighbours, colleagues, friends and family who saw the behaviour."),
    ("suspect_history", "The suspect's history and previous victims",
     "Police, probation and court records; earlier partners or victims of similar conduct."),
    ("bail_conditions", "Bail conditions",
     "Conditions that protect the victim while the investigation continues; how breaches are reported."),
    ("spo_considered", "Stalking Protection Order considered",
     "Whether an interim or full SPO is sought, with the hub's solicitor."),
    ("cps_advice", "Charging advice sought from the CPS",
     "Early investigative advice and the charging decision."),
]


def add_lines(apps, schema_editor):
    PlanLineTemplate = apps.get_model("oversight", "PlanLineTemplate")
    for position, (key, title, guidance) in enumerate(LINES):
        PlanLineTemplate.objects.get_or_create(
            key=key, defaults={"title": title, "guidance": guidance, "position": position * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("oversight", "0001_initial")]

    operations = [migrations.RunPython(add_lines, migrations.RunPython.noop)]
