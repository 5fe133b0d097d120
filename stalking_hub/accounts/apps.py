from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "stalking_hub.accounts"
    label = "accounts"
    verbose_name = "Accounts and agencies"
