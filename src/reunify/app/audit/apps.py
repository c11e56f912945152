from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "reunify.app.audit"
    label = "audit"
    verbose_name = "Audit log"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from reunify.app.audit.protection import register_sqlite_guard

        # Every SQLite connection learns the function the append-only triggers ask.
        connection_created.connect(register_sqlite_guard, dispatch_uid="reunify-audit-sqlite-guard")
