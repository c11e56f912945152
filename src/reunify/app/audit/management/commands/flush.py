"""Django's ``flush`` (erase every table's data), allowed to empty the append-only audit log too.

Test isolation (pytest-django's transactional tests) erases the database with
``flush``; without this the audit triggers would refuse it. Erasing the whole
database is an operator's act, not an application path.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections

from reunify.app.audit.protection import erasing_whole_database


class Command(DjangoFlush):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        with erasing_whole_database(connection):
            super().handle(**options)
