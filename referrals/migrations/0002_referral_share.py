"""Each referral points at the case share it opened; the share's facets follow what it shared.

Before this, a share named its referral by a string (`purpose`, `source_ref`); cases 0009
drops those, so this runs before it. Facets as the services now set them: enough to decide
while the referral waits, what the victim agreed to share once accepted.
"""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


ITEM_FACETS = {
    "case_summary": ("existence",),
    "victim_contact": ("victim_identity",),
    "risk_assessment": ("risk_summary", "risk_full"),
    "crime_logs": ("log_summaries",),
    "suspect_details": ("suspect_details",),
    "orders": ("orders",),
    "safety_concerns": ("safety_concerns",),
}
BEFORE_ACCEPTANCE = {"existence", "risk_summary"}
ACCEPTED_STATES = {"accepted", "active", "closed"}


def link_shares(apps, schema_editor):
    CaseShare = apps.get_model("cases", "CaseShare")
    Referral = apps.get_model("referrals", "Referral")
    for share in CaseShare.objects.filter(purpose="referral").order_by("pk"):
        referral = Referral.objects.filter(pk=share.source_ref).first() if share.source_ref.isdigit() else None
        if referral is None:
            continue
        facets = set(BEFORE_ACCEPTANCE)
        if referral.state in ACCEPTED_STATES:
            facets |= {facet for item in referral.shared_items for facet in ITEM_FACETS.get(item, ())}
        share.facets = sorted(facets)
        share.save(update_fields=["facets"])
        # The latest share of a referral is the one it keeps (a referral opens one share).
        Referral.objects.filter(pk=referral.pk).update(share=share)


class Migration(migrations.Migration):
    run_before = [('cases', '0009_caseshare_drop_purpose')]

    dependencies = [
        ('cases', '0008_caseshare_facets'),
        ('referrals', '0001_initial'),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name='referral',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='referral',
            name='update_update',
        ),
        migrations.AddField(
            model_name='referral',
            name='share',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='referral', to='cases.caseshare'),
        ),
        migrations.AddField(
            model_name='referralevent',
            name='share',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='cases.caseshare'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='referral',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "referrals_referralevent" ("agency_id", "allocated_at", "authorised_by_id", "case_id", "caseworker_id", "closed_at", "closure_notes", "closure_reason", "consent", "created_at", "decided_at", "decided_by_id", "decline_reason", "id", "lawful_basis", "lawful_reason", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "referred_by_id", "response_due_at", "safe_contact", "sent_at", "share_id", "shared_items", "shared_notes", "state", "state_changed_at", "urgency") VALUES (NEW."agency_id", NEW."allocated_at", NEW."authorised_by_id", NEW."case_id", NEW."caseworker_id", NEW."closed_at", NEW."closure_notes", NEW."closure_reason", NEW."consent", NEW."created_at", NEW."decided_at", NEW."decided_by_id", NEW."decline_reason", NEW."id", NEW."lawful_basis", NEW."lawful_reason", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."reason", NEW."referred_by_id", NEW."response_due_at", NEW."safe_contact", NEW."sent_at", NEW."share_id", NEW."shared_items", NEW."shared_notes", NEW."state", NEW."state_changed_at", NEW."urgency"); RETURN NULL;', hash='3627ee6735451daeace7012e96bc33bfdfdcbacd', operation='INSERT', pgid='pgtrigger_insert_insert_a74c8', table='referrals_referral', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='referral',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."agency_id" IS DISTINCT FROM (NEW."agency_id") OR OLD."allocated_at" IS DISTINCT FROM (NEW."allocated_at") OR OLD."authorised_by_id" IS DISTINCT FROM (NEW."authorised_by_id") OR OLD."case_id" IS DISTINCT FROM (NEW."case_id") OR OLD."caseworker_id" IS DISTINCT FROM (NEW."caseworker_id") OR OLD."closed_at" IS DISTINCT FROM (NEW."closed_at") OR OLD."closure_notes" IS DISTINCT FROM (NEW."closure_notes") OR OLD."closure_reason" IS DISTINCT FROM (NEW."closure_reason") OR OLD."consent" IS DISTINCT FROM (NEW."consent") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."decided_at" IS DISTINCT FROM (NEW."decided_at") OR OLD."decided_by_id" IS DISTINCT FROM (NEW."decided_by_id") OR OLD."decline_reason" IS DISTINCT FROM (NEW."decline_reason") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."lawful_basis" IS DISTINCT FROM (NEW."lawful_basis") OR OLD."lawful_reason" IS DISTINCT FROM (NEW."lawful_reason") OR OLD."reason" IS DISTINCT FROM (NEW."reason") OR OLD."referred_by_id" IS DISTINCT FROM (NEW."referred_by_id") OR OLD."response_due_at" IS DISTINCT FROM (NEW."response_due_at") OR OLD."safe_contact" IS DISTINCT FROM (NEW."safe_contact") OR OLD."sent_at" IS DISTINCT FROM (NEW."sent_at") OR OLD."share_id" IS DISTINCT FROM (NEW."share_id") OR OLD."shared_items" IS DISTINCT FROM (NEW."shared_items") OR OLD."shared_notes" IS DISTINCT FROM (NEW."shared_notes") OR OLD."state" IS DISTINCT FROM (NEW."state") OR OLD."state_changed_at" IS DISTINCT FROM (NEW."state_changed_at") OR OLD."urgency" IS DISTINCT FROM (NEW."urgency"))', func='INSERT INTO "referrals_referralevent" ("agency_id", "allocated_at", "authorised_by_id", "case_id", "caseworker_id", "closed_at", "closure_notes", "closure_reason", "consent", "created_at", "decided_at", "decided_by_id", "decline_reason", "id", "lawful_basis", "lawful_reason", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "referred_by_id", "response_due_at", "safe_contact", "sent_at", "share_id", "shared_items", "shared_notes", "state", "state_changed_at", "urgency") VALUES (NEW."agency_id", NEW."allocated_at", NEW."authorised_by_id", NEW."case_id", NEW."caseworker_id", NEW."closed_at", NEW."closure_notes", NEW."closure_reason", NEW."consent", NEW."created_at", NEW."decided_at", NEW."decided_by_id", NEW."decline_reason", NEW."id", NEW."lawful_basis", NEW."lawful_reason", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."reason", NEW."referred_by_id", NEW."response_due_at", NEW."safe_contact", NEW."sent_at", NEW."share_id", NEW."shared_items", NEW."shared_notes", NEW."state", NEW."state_changed_at", NEW."urgency"); RETURN NULL;', hash='913c972561b7c105dbffd7f80171edaa77c2cdf0', operation='UPDATE', pgid='pgtrigger_update_update_223e7', table='referrals_referral', when='AFTER')),
        ),
        migrations.RunPython(link_shares, migrations.RunPython.noop),
    ]
