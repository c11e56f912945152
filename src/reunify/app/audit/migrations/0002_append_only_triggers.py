"""Triggers refusing UPDATE and DELETE on the audit log (SQLite and PostgreSQL)."""

from django.db import migrations


def create(apps, schema_editor):
    from reunify.app.audit.protection import trigger_sql

    for statement in trigger_sql(schema_editor.connection.vendor, create=True):
        schema_editor.execute(statement, params=None)


def drop(apps, schema_editor):
    from reunify.app.audit.protection import trigger_sql

    for statement in trigger_sql(schema_editor.connection.vendor, create=False):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
