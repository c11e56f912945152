from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "reunify.app.records"
    label = "records"
    verbose_name = "Records and deliveries"
    default_auto_field = "django.db.models.BigAutoField"
