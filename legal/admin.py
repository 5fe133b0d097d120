"""Order files, orders, hearings and breaches in the admin: lists of ids and metadata only. No
record opens (the privileged notes and the people are read through the scoped pages, where
every read is recorded; the notes only by the solicitor role)."""

from django.contrib import admin

from foundation.lib.admin import ListOnlyAdmin
from legal.models import Breach, Hearing, OrderFile, ProtectiveOrder


@admin.register(OrderFile)
class OrderFileAdmin(ListOnlyAdmin):
    list_display = ["id", "case_id", "kind", "state", "ended_reason", "opened_at"]
    list_filter = ["state", "kind"]
    # Never `privileged_notes`: nothing of them reaches the admin, not even a search.
    fields = ["id", "case_id", "kind", "state"]


@admin.register(ProtectiveOrder)
class ProtectiveOrderAdmin(ListOnlyAdmin):
    list_display = ["id", "file_id", "kind", "made_on", "fixed_end_on", "served_on", "ended_on"]
    list_filter = ["kind"]


@admin.register(Hearing)
class HearingAdmin(ListOnlyAdmin):
    list_display = ["id", "file_id", "kind", "starts_at", "outcome"]
    list_filter = ["kind", "outcome"]


@admin.register(Breach)
class BreachAdmin(ListOnlyAdmin):
    list_display = ["id", "order_id", "occurred_on", "log_id", "response"]
    list_filter = ["response"]
