"""Case shares carry facets and an optional end; step one of two (0009 drops the old fields).

Between the two, referrals 0002 points each referral at its share and sets the share's facets
from what the referral shared (its `run_before` orders it)."""

import django.contrib.postgres.fields
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0007_crimelog_fewer_indexes'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='caseshare',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='caseshare',
            name='update_update',
        ),
        migrations.RemoveConstraint(
            model_name='caseshare',
            name='caseshare_one_live_per_source',
        ),
        migrations.RemoveField(
            model_name='caseshareevent',
            name='purpose',
        ),
        migrations.RemoveField(
            model_name='caseshareevent',
            name='source_ref',
        ),
        migrations.RemoveField(
            model_name='caseshareevent',
            name='victim_consented',
        ),
        migrations.AddField(
            model_name='caseshare',
            name='ends_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='caseshare',
            name='facets',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[('existence', "The case's existence and reason"), ('log_summaries', 'Crime log summaries'), ('victim_identity', "The victim's identity and contact details"), ('suspect_details', "The suspect's details"), ('risk_summary', 'The risk summary'), ('risk_full', 'The full risk assessment'), ('safety_concerns', 'Specific safety concerns'), ('orders', 'Orders and their terms'), ('clinic_discussion', 'Clinic discussion'), ('oversight', 'Investigative oversight')], max_length=32), blank=True, default=list),
        ),
        migrations.AddField(
            model_name='caseshareevent',
            name='ends_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='caseshareevent',
            name='facets',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[('existence', "The case's existence and reason"), ('log_summaries', 'Crime log summaries'), ('victim_identity', "The victim's identity and contact details"), ('suspect_details', "The suspect's details"), ('risk_summary', 'The risk summary'), ('risk_full', 'The full risk assessment'), ('safety_concerns', 'Specific safety concerns'), ('orders', 'Orders and their terms'), ('clinic_discussion', 'Clinic discussion'), ('oversight', 'Investigative oversight')], max_length=32), blank=True, default=list),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='caseshare',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "cases_caseshareevent" ("agency_id", "case_id", "ended_at", "ends_at", "facets", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "shared_at", "shared_by_id") VALUES (NEW."agency_id", NEW."case_id", NEW."ended_at", NEW."ends_at", NEW."facets", NEW."id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."shared_at", NEW."shared_by_id"); RETURN NULL;', hash='f70d21e52a59b45d5e3379abd986408d7d123a11', operation='INSERT', pgid='pgtrigger_insert_insert_c1288', table='cases_caseshare', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='caseshare',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "cases_caseshareevent" ("agency_id", "case_id", "ended_at", "ends_at", "facets", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "shared_at", "shared_by_id") VALUES (NEW."agency_id", NEW."case_id", NEW."ended_at", NEW."ends_at", NEW."facets", NEW."id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."shared_at", NEW."shared_by_id"); RETURN NULL;', hash='9a80e8aa89aad47ca591617b83d929979b1bb35c', operation='UPDATE', pgid='pgtrigger_update_update_2eef1', table='cases_caseshare', when='AFTER')),
        ),
    ]
