"""The administrator keeps the clinic's reference data (decision types). Clinic referrals,
meetings and actions are listed as ids and metadata only; their content is read through the
scoped pages, where every read is recorded (DESIGN.md §4)."""

from django.contrib import admin

from clinic.models import Action, ClinicMeeting, ClinicReferral, DecisionType
from foundation.lib.admin import ListOnlyAdmin


@admin.register(DecisionType)
class DecisionTypeAdmin(admin.ModelAdmin):
    list_display = ["label", "key", "is_active", "order"]
    list_editable = ["is_active", "order"]
    search_fields = ["label", "key"]


@admin.register(ClinicReferral)
class ClinicReferralAdmin(ListOnlyAdmin):
    list_display = ["id", "case_id", "criterion", "priority", "state", "referred_at"]
    list_filter = ["state", "criterion", "priority"]


@admin.register(ClinicMeeting)
class ClinicMeetingAdmin(ListOnlyAdmin):
    list_display = ["id", "kind", "status", "starts_at", "capacity", "agenda_published_at"]
    list_filter = ["status", "kind"]


@admin.register(Action)
class ActionAdmin(ListOnlyAdmin):
    list_display = ["id", "case_id", "owner_agency", "status", "due_on", "chase_count"]
    list_filter = ["status"]
    list_select_related = ["owner_agency"]
