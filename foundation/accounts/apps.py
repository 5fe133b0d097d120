from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "foundation.accounts"
    label = "accounts"
    verbose_name = "Accounts and agencies"

    def ready(self) -> None:
        # Registers this app's @outbox_handler names so a worker can run queued messages.
        from django.contrib.auth.signals import user_logged_in

        from foundation.accounts import notifications  # noqa: F401
        from foundation.accounts.middleware import mark_session_started

        user_logged_in.connect(mark_session_started, dispatch_uid="accounts.session_started")
