"""Backup and restore: the restore drill (dump, restore into a fresh database, the same rows
in every table and a national return with the same SHA-256), restoring over a changed
database, and the files that are refused. Runs on whichever database the suite runs on:
pg_dump/pg_restore on PostgreSQL (``make test-postgres``), the backup API on SQLite."""

import copy
import io
import sqlite3

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.utils import load_backend
from django.test import override_settings

from conversations.models import OutcomeRecord, Person
from conversations.services.data_protection import (
    database_backup,
    person_anonymise,
    table_row_counts,
)
from tests.conversations.data_protection_helpers import WORDS, return_sha256, worded_conversation
from tests.factories import PersonFactory, answered_conversation

FRESH = "restore_drill"


class EverythingFrom:
    """A database router sending every read and write to one database, so that the return is
    computed by the same code from the restored copy."""

    def __init__(self, alias: str) -> None:
        self.alias = alias

    def db_for_read(self, model, **hints):
        return self.alias

    def db_for_write(self, model, **hints):
        return self.alias

    def allow_relation(self, obj1, obj2, **hints):
        return True


@pytest.fixture
def held(team, practitioner):
    """Seven people with signed-off conversations in 2026-27, one of them with words. These
    tests commit, so the frameworks are loaded here (a flush after another such test removes
    what the first migrate loaded)."""
    import datetime

    call_command("load_frameworks", verbosity=0)

    for number, answer in enumerate(["yes", "no", "partly", "yes", "yes", "no"]):
        someone = PersonFactory(partnership=team.partnership, ref=f"C-{number}", teams=[team])
        answered_conversation(
            person=someone,
            team=team,
            date_held=datetime.date(2026, 4, 10 + number),
            answers={"NM1": answer, "NM2": "yes", "NM3": answer},
        )
    person = PersonFactory(partnership=team.partnership, ref="P-1", name="Morag", teams=[team])
    worded_conversation(person=person, team=team, by=practitioner)
    return person


@pytest.fixture
def fresh_database(tmp_path):
    """An empty database beside the test database, reachable as the ``FRESH`` alias: a new
    PostgreSQL database in the same cluster, or a new SQLite file."""
    conf = copy.deepcopy(connection.settings_dict)
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        conf["NAME"] = f"{conf['NAME']}_restore_drill"
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(conf['NAME'])}")
            cursor.execute(f"CREATE DATABASE {quote(conf['NAME'])}")
    else:
        conf["NAME"] = str(tmp_path / "fresh.sqlite3")
    # A connection of its own, not a settings entry: the test runner then treats it as made
    # by the test, and nothing else (flushes, other tests) sees it.
    connections[FRESH] = load_backend(conf["ENGINE"]).DatabaseWrapper(conf, FRESH)
    yield FRESH
    connections[FRESH].close()
    del connections[FRESH]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(conf['NAME'])}")


@pytest.mark.django_db(transaction=True)
def test_restore_drill_into_a_fresh_database(held, partnership, fresh_database, tmp_path):
    counts = table_row_counts()
    checksum = return_sha256(partnership)
    assert counts["conversations_conversation"] == 7
    assert counts["conversations_auditevent"] > 0
    assert table_row_counts(alias=fresh_database) == {}
    backup = tmp_path / "drill.backup"

    call_command("backup_database", "--output", str(backup), stdout=io.StringIO())
    assert backup.stat().st_mode & 0o777 == 0o600
    call_command(
        "restore_database",
        str(backup),
        "--no-input",
        "--database",
        fresh_database,
        stdout=io.StringIO(),
    )

    assert table_row_counts(alias=fresh_database) == counts
    with override_settings(DATABASE_ROUTERS=[EverythingFrom(fresh_database)]):
        assert return_sha256(partnership) == checksum
        assert OutcomeRecord.objects.filter(words=WORDS).count() == 1


@pytest.mark.django_db(transaction=True)
def test_restore_brings_back_what_changed_since_the_backup(held, partnership, tmp_path):
    counts = table_row_counts()
    checksum = return_sha256(partnership)
    backup = database_backup(output=tmp_path / "before.backup")
    person_anonymise(person=held, reason="By mistake")
    PersonFactory(partnership=partnership, ref="LATER")
    assert table_row_counts() != counts

    call_command("restore_database", str(backup), "--no-input", stdout=io.StringIO())

    assert table_row_counts() == counts
    assert return_sha256(partnership) == checksum
    held.refresh_from_db()
    assert held.name == "Morag"
    assert OutcomeRecord.objects.filter(conversation__subject=held, words=WORDS).exists()
    assert not Person.objects.filter(ref="LATER").exists()


@pytest.mark.django_db(transaction=True)
def test_default_backup_goes_to_backups_folder(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    out = io.StringIO()

    call_command("backup_database", stdout=out)

    (written,) = (tmp_path / "backups").iterdir()
    assert written.name.startswith("outcomes-")
    assert written.suffix == (".dump" if connection.vendor == "postgresql" else ".sqlite3")
    assert str(written) in out.getvalue()


def other_engine_file(path):
    """A backup of the engine the suite is not running on."""
    if connection.vendor == "postgresql":
        sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    else:
        path.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 64)
    return path


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make_file, message",
    [
        (lambda path: path.write_text("not a backup") and path, "is not a PostgreSQL"),
        (other_engine_file, "backup; this database is"),
        (lambda path: path, "No backup file"),
    ],
)
def test_restore_refuses_what_is_not_a_backup_of_this_database(
    person, tmp_path, make_file, message
):
    target = tmp_path / "file.backup"
    made = make_file(target)

    with pytest.raises(CommandError, match=message):
        call_command("restore_database", str(made or target), "--no-input", stdout=io.StringIO())

    assert Person.objects.filter(pk=person.pk).exists()


@pytest.mark.django_db
def test_damaged_sqlite_backup_is_refused(person, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite backups only")
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)

    with pytest.raises(CommandError, match="Restore failed, nothing was changed"):
        call_command("restore_database", str(damaged), "--no-input", stdout=io.StringIO())

    assert Person.objects.filter(pk=person.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_restore_asks_first_and_stops_unless_told_yes(person, tmp_path, monkeypatch):
    backup = database_backup(output=tmp_path / "b.backup")
    later = PersonFactory(partnership=person.partnership, ref="LATER")
    asked = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or "no")

    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore_database", str(backup), stdout=io.StringIO())

    assert "replaces everything" in asked[0]
    # Nothing was restored: a person added after the backup is still there.
    assert Person.objects.filter(pk=later.pk).exists()
