"""Start Django from the command line without a manage.py, and bring the schema up to date."""

from __future__ import annotations

import os

_ready = False


def setup_django() -> None:
    """Configure Django once per process; the core never calls this, only the app-side commands."""
    global _ready
    if _ready:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reunify.app.settings")
    import django
    from django.conf import settings

    django.setup()
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    _ready = True


def migrate(verbosity: int = 0) -> None:
    """Apply migrations; every command that touches the database calls it so a fresh checkout just works."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)
