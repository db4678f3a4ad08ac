"""Indexes for finding people: by their reference or a fragment of their name, and by scope.

Search. The people list finds a reference by its beginning (``ref__istartswith``) and a name
by any fragment (``name__icontains``); Django writes these on PostgreSQL as
``UPPER(ref::text) LIKE UPPER('…%')`` and ``UPPER(name::text) LIKE UPPER('%…%')``. On
PostgreSQL a b-tree index on ``UPPER(ref)`` with ``text_pattern_ops`` turns the first into a
range scan, and a trigram GIN index (``pg_trgm``) on ``UPPER(name)`` answers the second
without reading every person of the partnership. SQLite has neither: there plain indexes on
the two columns let it scan a narrow index instead of the table. These are created here
rather than declared on the model, as their kind depends on the database.

Scope. A practitioner's people are found from the allocation table by team; the index
``(team_id, person_id)`` answers that from the index alone (the many-to-many table Django
makes cannot declare one), and ``(partnership_id, id)`` on people lets the count of a
partnership's people (or of a team's, within it) be read from indexes too.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

POSTGRESQL_SEARCH_INDEXES = {
    "person_ref_search": "(UPPER(ref) text_pattern_ops)",
    "person_name_search": "USING gin (UPPER(name) gin_trgm_ops)",
}
SQLITE_SEARCH_INDEXES = {
    "person_ref_search": "(ref)",
    "person_name_search": "(name)",
}
ALLOCATION_INDEX = (
    "CREATE INDEX IF NOT EXISTS person_teams_team_person "
    "ON conversations_person_teams (team_id, person_id)"
)


class TrigramExtensionOnPostgreSQL(TrigramExtension):
    """``pg_trgm`` on PostgreSQL and nothing elsewhere, both ways: Django's operation skips
    other databases going forwards but asks them for ``pg_extension`` going backwards."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def create_indexes(apps, schema_editor) -> None:
    on_postgresql = schema_editor.connection.vendor == "postgresql"
    indexes = POSTGRESQL_SEARCH_INDEXES if on_postgresql else SQLITE_SEARCH_INDEXES
    for index, definition in indexes.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index} ON conversations_person {definition}"
        )
    schema_editor.execute(ALLOCATION_INDEX)


def drop_indexes(apps, schema_editor) -> None:
    for index in [*POSTGRESQL_SEARCH_INDEXES, "person_teams_team_person"]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0010_audit_append_only"),
    ]

    operations = [
        TrigramExtensionOnPostgreSQL(),
        migrations.RunPython(create_indexes, drop_indexes),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["partnership", "id"], name="person_partnership_id"),
        ),
    ]
