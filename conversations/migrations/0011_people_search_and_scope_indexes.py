"""Indexes for finding people: by a fragment of their reference or name, and by scope.

Search. The people list searches with ``ref__icontains`` / ``name__icontains``, which Django
writes on PostgreSQL as ``UPPER(ref::text) LIKE UPPER('%…%')``. A trigram GIN index
(``pg_trgm``) on that same expression answers a fragment anywhere in the text, a prefix
included, without reading every person of the partnership. SQLite has no trigram indexes:
there plain indexes on the two columns let it scan a narrow index instead of the table.
These are created here rather than declared on the model: their kind depends on the database.

Scope. A practitioner's people are found from the allocation table by team; the index
``(team_id, person_id)`` answers that from the index alone (the many-to-many table Django
makes cannot declare one), and ``(partnership_id, id)`` on people lets the count of a
partnership's people (or of a team's, within it) be read from indexes too.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

SEARCH_INDEXES = {
    "person_ref_search": "ref",
    "person_name_search": "name",
}
ALLOCATION_INDEX = (
    "CREATE INDEX IF NOT EXISTS person_teams_team_person "
    "ON conversations_person_teams (team_id, person_id)"
)


def create_indexes(apps, schema_editor) -> None:
    for index, column in SEARCH_INDEXES.items():
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {index} ON conversations_person "
                f"USING gin (UPPER({column}) gin_trgm_ops)"
            )
        else:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {index} ON conversations_person ({column})"
            )
    schema_editor.execute(ALLOCATION_INDEX)


def drop_indexes(apps, schema_editor) -> None:
    for index in [*SEARCH_INDEXES, "person_teams_team_person"]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0010_audit_append_only"),
    ]

    operations = [
        # A no-op on any database but PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["partnership", "id"], name="person_partnership_id"),
        ),
    ]
