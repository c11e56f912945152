from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "reunify.app.people"
    label = "people"
    verbose_name = "Persons and family ties"
    default_auto_field = "django.db.models.BigAutoField"
