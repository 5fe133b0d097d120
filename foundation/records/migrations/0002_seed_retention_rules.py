"""The retention rules' starting values (docs/information-management.md): the information
manager changes them on the rules page. Crime-log copies take their years from the setting
HUB_CRIME_LOG_EXPIRY_YEARS and have no row."""

from django.db import migrations

DEFAULTS = [
    ("cases.case", 6, "after the case closed"),
    ("cases.logreview", 2, "after the review"),
    ("risk.riskassessment", 6, "after the case closed"),
    ("referrals.referral", 6, "after the case closed"),
    ("referrals.advicerequest", 3, "after the answer (or the request, if unanswered)"),
    ("clinic.clinicreferral", 6, "after the case closed"),
    ("legal.orderfile", 6, "after the file ended and no order on it could be in force"),
    ("training.enrolment", 6, "after the session ended"),
    ("oversight.investigationplan", 6, "after the case closed"),
]


def seed(apps, schema_editor):
    RetentionRule = apps.get_model("records", "RetentionRule")
    for key, years, basis in DEFAULTS:
        RetentionRule.objects.get_or_create(
            record_type=key, defaults={"years": years, "basis": basis}
        )


class Migration(migrations.Migration):
    dependencies = [("records", "0001_information_management")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
