"""Follow-up work committed with the user's action, published to Celery when the broker answers."""

from django.db import models


class OutboxMessage(models.Model):
    # The registered name of a plain function decorated with @outbox_handler("app.name").
    handler = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the relay when the broker accepted the message; a lapsed lease is published again.
    published_at = models.DateTimeField(null=True, blank=True)
    publish_attempts = models.PositiveIntegerField(default=0)
    # Set in the same transaction as the handler's own writes: the work is done exactly once.
    completed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["id"],
                name="outbox_pending_idx",
                condition=models.Q(completed_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"Outbox #{self.pk} {self.handler}"
