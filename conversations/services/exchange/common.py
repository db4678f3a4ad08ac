"""What the line checks, the writer and the export share."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Field, Model

from conversations.services import recording

DEFAULT_BATCH_SIZE = 2000
# SQLite is built with a limit on bound parameters; Django assumes 999.
_IN_CHUNK = 900
ACTION_SEPARATOR = "; "

_T = TypeVar("_T")

Problem = tuple[int, str]
# ``(partnership id, date held)`` of every conversation written, old and new values for an
# update: what ``conversations.signals.conversations_changed`` carries.
Changes = set[tuple[int, date]]


class ConversationImportError(Exception):
    """The file cannot be imported; ``problems`` lists every ``(line number, reason)``."""

    def __init__(self, problems: list[Problem]) -> None:
        lines = len({number for number, _ in problems})
        super().__init__(f"{lines} bad line(s) in the conversations file")
        self.problems = problems


def _chunks(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    chunk: list[_T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    people_created: int = 0
    dry_run: bool = False

    @property
    def conversations(self) -> int:
        return self.created + self.updated

    def summary(self) -> str:
        text = (
            f"conversations: {self.created} created, {self.updated} updated; "
            f"people: {self.people_created} created"
        )
        return f"{text} (dry run: nothing was written)" if self.dry_run else text


def column_defaults(
    model: type[Model], given: Sequence[str], *, now: datetime
) -> list[tuple[Field, Any]]:
    """``(field, value ready for the database)`` for every column of ``model`` not in
    ``given`` (nor the primary key): its default, or ``now`` for ``auto_now(_add)`` fields,
    so that rows written with them are what ``bulk_create`` would write."""
    meta = model._meta
    given_names = {meta.get_field(name).name for name in given}
    found = []
    for f in meta.concrete_fields:
        if f.primary_key or f.name in given_names:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        else:
            value = f.get_default()  # "" for text without a default, as Django does
            if value is None and not f.null:
                raise ValueError(f"{meta.label}.{f.name} has no default: give it a value")
        found.append((f, f.get_db_prep_save(value, connection)))
    return found


# Who answered: the line's keys, the conversation's fields in the same order (a checked line's
# ``who``), and their values when a line does not say (what a conversation started in the
# browser has).
WHO_ANSWERED_KEYS = ("answered_by", "answered_by_relationship", "language", "interpreter")
WHO_ANSWERED_FIELDS = ("answered_by", "answered_by_relationship", "language", "with_interpreter")
NOBODY_SAID = ("", "", "", False)

# The outcome record's own columns an import writes (after its conversation and outcome):
# the ones the recording page edits.
RECORD_FIELDS = recording.RECORD_FIELDS

# The conversation columns an import writes, in the order both writers give them.
CONVERSATION_COLUMNS = [
    "partnership",
    "external_id",
    "subject",
    "subject_role",
    "team",
    "type",
    "framework_version",
    "date_held",
    "interviewer",
    "status",
    "completed_at",
    "review_due",
    "cared_for",
    *WHO_ANSWERED_FIELDS,
    "created_by",
    "updated_by",
]
