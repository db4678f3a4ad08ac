"""Conversations in bulk (spec §8): JSON Lines read and written in one shape.

Import checks the whole file and collects every problem as ``(line number, reason)``; only
a clean file is written, in one transaction. On SQLite the file is read twice (check, then
write in batches of plain INSERTs) so that memory stays small for large files: a file
object is rewound, a list is iterated again, any other iterator is spooled to a temporary
file. On PostgreSQL the file is read once: each chunk of checked lines is COPied into
temporary staging tables and written set-based from there while the next chunk is checked,
and the whole transaction is rolled back if any problem turns up; the tables written are
ANALYZEd after the commit. Either way the import sends
``conversations.signals.conversations_changed`` inside its transaction.

The modules: ``checking`` (each line, then the file), ``importing`` (the entry point),
``writing`` (batched writer), ``copying`` (PostgreSQL COPY writer), ``export``.

Choices the spec leaves open, made here so that export → import → export is byte-identical:

* An outcome not listed in a line gets no record; export lists every stored record (a
  conversation started in the browser has one per outcome of its version).
* ``actions`` is one string. Import stores it as one ``Action`` (owner and date blank); export
  joins a record's actions with ``"; "``.
* ``status`` of an outcome is ``null`` when not set. The optional keys ``practitioner_status``,
  ``helping`` and ``barrier_words`` are read when present and written only when not empty.
* ``helping_kinds`` (optional, codes of ``HelpingKind``) and ``themes`` (optional, codes of the
  partnership's codebook, retired themes included) are written only when there are some, in
  code order, after ``helping`` and after ``barrier_words``. A code the partnership's codebook
  lacks, or an unknown kind, makes the line bad. Re-importing replaces them with what the file
  gives, like barriers.
* ``goals`` (optional) lists an outcome's separate goals in order, each
  ``{"words": "...", "status": "achieved" | ... | null}``; written only when there are goals.
* Who answered (optional, after ``interviewer``): ``answered_by`` (``person``,
  ``person_with_support`` or ``someone_else``), ``answered_by_relationship`` (only with
  ``someone_else``), ``language`` and ``interpreter`` (true/false, the conversation's "an
  interpreter took part"). They are one group: a line with any of them sets all four (those
  missing become blank or false); a line with none keeps what is stored. Each is written only
  when known (``interpreter`` only when true).
* ``carer_status`` (optional, on an outcome): a carer's or relative's view of the status where
  it differs, like ``practitioner_status``; written only when set.
* ``completed_at`` is kept as given (it must carry a time zone) and written in UTC with ``Z``.
* ``review_due`` (optional, ``YYYY-MM-DD``, not before ``date``) is the next review date set at
  sign-off; written only when set. Import sets no default for a line without it (or with
  ``null``; the twelve-month backstop then applies), and re-importing such a line keeps the
  date already stored, like the other fields the file does not carry.
* A subject ``ref`` not yet known becomes a person of the partnership with the client group of
  its first line; known people keep their client group. A subject seen as a carer is marked as
  a carer. Every subject is allocated to the conversation's team, and a carer is linked to the
  ``cared_for_ref`` person; links are only ever added. A carer's conversation is about its
  line's ``cared_for_ref`` (``Conversation.cared_for``, replaced on re-import); export writes
  that person, or for a carer's conversation about no one in particular the first person
  they care for.
* Re-importing ``(partnership, id)`` updates the conversation's fields from the file and
  replaces its outcome records, barriers, actions and measure answers; fields the file does
  not carry (practitioner, who took part, summary, the conversation it follows) are kept, and
  ``revision`` goes up so that an open editor is told about the change.
* Audit: one ``AuditEvent(action="imported")`` per conversation, bulk-created, with
  ``changes = {"import": [null, "created" | "updated"]}`` and the file name as ``reason``.

Names and dates of birth are never read or written.
"""

from conversations.services.exchange.checking import MAX_DEPTH, CheckResult, conversations_check
from conversations.services.exchange.common import (
    ACTION_SEPARATOR,
    DEFAULT_BATCH_SIZE,
    ConversationImportError,
    ImportResult,
    Problem,
)
from conversations.services.exchange.export import conversations_export
from conversations.services.exchange.importing import conversations_import

__all__ = [
    "ACTION_SEPARATOR",
    "DEFAULT_BATCH_SIZE",
    "MAX_DEPTH",
    "CheckResult",
    "ConversationImportError",
    "ImportResult",
    "Problem",
    "conversations_check",
    "conversations_export",
    "conversations_import",
]
