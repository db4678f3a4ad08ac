"""Load the shipped frameworks, measures and reference codes on first migrate.

Runs the same loader as ``manage.py load_frameworks``, through this migration's historical
models. Later data changes arrive as new version files and a run of the command.
"""

from django.db import migrations


def load(apps, schema_editor):
    from frameworks.loader import ModelSet, load_frameworks

    load_frameworks(models=ModelSet.from_apps(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("frameworks", "0001_initial"),
    ]

    operations = [
        # Reversing keeps the data: the tables themselves go when 0001 is reversed.
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
