from django.apps import AppConfig


class CustodyConfig(AppConfig):
    name = "reunify.app.custody"
    label = "custody"
    verbose_name = "Custody and separations"
