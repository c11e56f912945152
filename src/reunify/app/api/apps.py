from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "reunify.app.api"
    label = "api"
    verbose_name = "JSON API"
