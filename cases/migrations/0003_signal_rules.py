"""Seed the signal rules as data: settings, offence codes and indicator phrases.

Every row here can be changed in the admin afterwards; this only gives a new installation a
working starting point (docs/signals.md). Existing rows are never overwritten, so re-running
on a database where an admin has edited the rules keeps their edits.

The phrases are our own wording. The offence codes mirror the demo feed (bench/feedgen.py):
they illustrate Home Office classifications and are not an authoritative list; a force loads
its own in the admin.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

STALKING_FLAGS = ["STALKING"]
BREACH_FLAGS = ["BREACH", "SPO-BREACH", "NMO-BREACH", "DVPO-BREACH"]

# (code, description, category)
OFFENCE_CODES = [
    ("8Q", "Stalking", "stalking"),
    ("8Q/2", "Breach of a stalking protection order", "order_breach"),
    ("8L", "Harassment", "harassment"),
    ("8M", "Racially or religiously aggravated harassment", "harassment"),
    ("195/94", "Malicious communications", "malicious_comms"),
    ("195/12", "Sending a menacing electronic communication", "malicious_comms"),
    ("58C", "Criminal damage to a dwelling", "criminal_damage"),
    ("105A", "Common assault", "violence"),
    ("3A", "Threats to kill", "threats"),
    ("8D", "Causing fear or provocation of violence", "threats"),
]

# Behaviours behind the FOUR mnemonic (fixated, obsessive, unwanted, repeated), grouped by the
# words the reviewer reads in a signal's reason. "*" stands for any word ending.
BEHAVIOUR_PHRASES = {
    "following": [
        "follow* her",
        "follow* him",
        "follow* me",
        "follow* them",
        "follow* the victim",
        "follow* ip",
        "tailing her",
        "tailed her",
    ],
    "loitering": [
        "loiter*",
        "lurking",
        "hanging around",
        "hangs around",
        "sitting outside",
        "parked outside",
        "standing outside her",
    ],
    "waiting outside home or work": [
        "wait* outside",
        "waiting for her",
        "waited for her",
        "waits for her",
    ],
    "watching": [
        "being watched",
        "watching her",
        "watches her",
        "watching the house",
        "watching the address",
        "staring at her",
        "taking photos of her",
        "photographing her",
    ],
    "turning up at home or work": [
        "turn* up at",
        "turn* up outside",
        "uninvited",
        "unannounced",
        "shows up at",
        "showed up at",
        "at her workplace",
        "at her place of work",
    ],
    "driving past her home": [
        "driving past",
        "drives past",
        "drove past",
        "driving by her",
    ],
    "repeated unwanted contact": [
        "unwanted messages",
        "unwanted contact",
        "unwanted calls",
        "repeated messages",
        "repeated calls",
        "repeatedly messag*",
        "repeatedly call*",
        "repeatedly text*",
        "keeps calling",
        "keeps messaging",
        "keeps texting",
        "bombard*",
        "messages continue",
        "from new numbers",
        "withheld number*",
        "silent calls",
        "will not leave her alone",
        "won't leave her alone",
    ],
    "monitoring online": [
        "fake account*",
        "fake profile*",
        "fake social media",
        "watch what she posts",
        "monitor* her social media",
        "monitoring her online",
        "hacked her",
        "hacked into",
        "accessed her email",
        "accessed her account*",
        "reading her messages",
        "logged into her",
    ],
    "tracking her location": [
        "tracking her",
        "track* her phone",
        "track* her location",
        "tracking device",
        "tracker",
        "airtag*",
        "gps",
        "location sharing",
        "spyware",
        "stalkerware",
    ],
    "unwanted gifts": [
        "gifts",
        "flowers",
        "sent presents",
        "left presents",
    ],
    "leaving notes or items": [
        "left notes",
        "leaving notes",
        "left a note",
        "notes on her car",
        "left items",
    ],
    "contacting friends or family": [
        "contact* her family",
        "contact* her friends",
        "contact* her colleagues",
        "contact* her employer",
        "messag* her family",
        "messag* her friends",
        "asking where she",
    ],
    "fixation": [
        "obsess*",
        "fixated",
        "fixation",
        "infatuat*",
    ],
}

# Violence and threats: on a course of conduct they make it high risk.
VIOLENCE_PHRASES = {
    "threats to kill": [
        "threatened to kill",
        "threat to kill",
        "threats to kill",
        "going to kill",
        "kill her",
        "kill you",
    ],
    "threats to harm": [
        "going to hurt",
        "threatened to hurt",
        "threatened to harm",
        "regret leaving",
        "watch your back",
    ],
    "a weapon": ["knife", "knives", "weapon", "firearm", "gun", "acid", "machete"],
    "strangulation": ["strangl*", "choked", "choking her", "hands around her neck"],
    "physical violence": [
        "punched",
        "assault*",
        "grabbed her",
        "pushed her",
        "kicked her",
        "slapped her",
        "hit her",
        "headbutt*",
    ],
    "threats of arson": ["threatened to burn", "set fire", "arson"],
    "threats to share intimate images": ["intimate images", "intimate photos"],
    "threats of suicide": ["kill himself", "take his own life", "suicide"],
}

FORMER_PARTNER_PHRASES = [
    "ex-partner",
    "ex partner",
    "former partner",
    "previous partner",
    "ex-boyfriend",
    "ex boyfriend",
    "ex-girlfriend",
    "ex girlfriend",
    "ex-husband",
    "ex husband",
    "ex-wife",
    "ex wife",
    "ex-spouse",
    "former spouse",
    "estranged",
    "separated",
]


def seed_rules(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    SignalSettings = apps.get_model("cases", "SignalSettings")
    OffenceCode = apps.get_model("cases", "OffenceCode")
    IndicatorPhrase = apps.get_model("cases", "IndicatorPhrase")

    SignalSettings.objects.get_or_create(
        pk=1,
        defaults={
            "course_of_conduct_days": 365,
            "course_of_conduct_min_logs": 2,
            "stalking_flags": STALKING_FLAGS,
            "breach_flags": BREACH_FLAGS,
        },
    )
    for code, description, category in OFFENCE_CODES:
        OffenceCode.objects.get_or_create(
            code=code, defaults={"description": description, "category": category}
        )
    phrases: list[tuple[str, str, str]] = []
    for behaviour, items in BEHAVIOUR_PHRASES.items():
        phrases += [(phrase, "behaviour", behaviour) for phrase in items]
    for behaviour, items in VIOLENCE_PHRASES.items():
        phrases += [(phrase, "violence", behaviour) for phrase in items]
    phrases += [(phrase, "former_partner", "former partner") for phrase in FORMER_PARTNER_PHRASES]
    for phrase, kind, behaviour in phrases:
        IndicatorPhrase.objects.get_or_create(
            phrase=phrase, defaults={"kind": kind, "behaviour": behaviour}
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_party_name_key_and_alert")]

    operations = [migrations.RunPython(seed_rules, migrations.RunPython.noop)]
