from django.contrib import admin

from foundation.outbox.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    # kwargs hold ids only, but they are still kept off the list page.
    list_display = ["id", "handler", "created_at", "published_at", "completed_at", "last_error"]
    list_filter = ["handler"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
