from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "foundation.accounts"
    label = "accounts"
    verbose_name = "Accounts and agencies"

    def ready(self) -> None:
        # Registers this app's @outbox_handler names so a worker can run queued messages.
        from foundation.accounts import notifications  # noqa: F401
