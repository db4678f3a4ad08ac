"""Indexes for finding people by a fragment of their reference or name.

The people list searches with ``ref__icontains`` / ``name__icontains``, which Django writes on
PostgreSQL as ``UPPER(ref::text) LIKE UPPER('%…%')``. A trigram GIN index (``pg_trgm``) on
that same expression answers a fragment anywhere in the text, a prefix included, without
reading every person of the partnership. SQLite has no trigram indexes: there plain indexes
on the two columns let it scan a narrow index instead of the table.

The indexes are created here rather than declared on the model: their kind depends on the
database, and a model index would be the same everywhere.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "person_ref_search": "ref",
    "person_name_search": "name",
}


def create_indexes(apps, schema_editor) -> None:
    for index, column in INDEXES.items():
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {index} ON conversations_person "
                f"USING gin (UPPER({column}) gin_trgm_ops)"
            )
        else:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {index} ON conversations_person ({column})"
            )


def drop_indexes(apps, schema_editor) -> None:
    for index in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0010_audit_append_only"),
    ]

    operations = [
        # A no-op on any database but PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
