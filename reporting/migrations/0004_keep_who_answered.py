"""The kept counts gain a "who answered" breakdown (issue 10): every summary built before this
lacks it, so each is marked stale, to be counted live until ``rebuild_summaries --stale`` keeps
it again."""

from django.db import migrations


def mark_stale(apps, schema_editor):
    CountSummary = apps.get_model("reporting", "CountSummary")
    CountSummary.objects.using(schema_editor.connection.alias).filter(built=True).update(
        built=False
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0003_count_summaries"),
        ("conversations", "0015_who_answered_and_carer_view"),
    ]

    operations = [migrations.RunPython(mark_stale, migrations.RunPython.noop)]
