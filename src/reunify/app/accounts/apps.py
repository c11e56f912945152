from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "reunify.app.accounts"
    label = "accounts"
    verbose_name = "Accounts, roles and access policy"
    default_auto_field = "django.db.models.BigAutoField"
