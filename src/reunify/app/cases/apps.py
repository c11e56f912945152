from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "reunify.app.cases"
    label = "cases"
    verbose_name = "Reunification casework"
