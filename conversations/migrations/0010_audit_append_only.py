"""On PostgreSQL, a trigger makes the audit table append-only: UPDATE and DELETE are refused.

Two updates are let through, and nothing else:
* anonymisation (``person_anonymise``) rewriting the words in old rows' ``changes``, only
  while it has set ``audit.anonymising`` to ``on`` for its own transaction, and only the
  ``changes`` column;
* the database's own ``ON DELETE SET NULL`` when a person (never with conversations) or a
  demonstration conversation is deleted: ``person_id`` / ``conversation_id`` becoming null,
  every other column untouched.

SQLite has no such triggers: there the rule is kept by the code (rows are only ever created).
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION conversations_auditevent_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF current_setting('audit.anonymising', true) = 'on'
           AND (to_jsonb(NEW) - 'changes') = (to_jsonb(OLD) - 'changes') THEN
            RETURN NEW;
        END IF;
        IF (to_jsonb(NEW) - 'person_id' - 'conversation_id')
               = (to_jsonb(OLD) - 'person_id' - 'conversation_id')
           AND (NEW.person_id IS NULL OR NEW.person_id = OLD.person_id)
           AND (NEW.conversation_id IS NULL OR NEW.conversation_id = OLD.conversation_id) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = 'The audit is append-only: ' || TG_OP || ' of audit event ' || OLD.id
            || ' refused',
        ERRCODE = 'insufficient_privilege';
END;
$$
"""
TRIGGER = """
CREATE TRIGGER conversations_auditevent_append_only
    BEFORE UPDATE OR DELETE ON conversations_auditevent
    FOR EACH ROW EXECUTE FUNCTION conversations_auditevent_append_only()
"""

DROP_TRIGGER = (
    "DROP TRIGGER IF EXISTS conversations_auditevent_append_only ON conversations_auditevent"
)
DROP_FUNCTION = "DROP FUNCTION IF EXISTS conversations_auditevent_append_only()"


def _on_postgresql(*statements: str):
    """One statement per call: the driver sends each with parameters (none here)."""

    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("conversations", "0009_audit_user_protected")]

    operations = [
        migrations.RunPython(
            _on_postgresql(FUNCTION, DROP_TRIGGER, TRIGGER),
            _on_postgresql(DROP_TRIGGER, DROP_FUNCTION),
        )
    ]
