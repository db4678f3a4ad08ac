"""Importing a conversations file: check every line, then write, all in one transaction."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction

from conversations.models import Conversation
from conversations.services.exchange.checking import _Plan, conversations_check
from conversations.services.exchange.common import (
    _IN_CHUNK,
    DEFAULT_BATCH_SIZE,
    Changes,
    ConversationImportError,
    ImportResult,
    _chunks,
)
from conversations.services.exchange.copying import COPY_BATCH_SIZE, conversations_copy
from conversations.services.exchange.writing import conversations_write
from conversations.signals import conversations_changed


class _Replay:
    """Iterate the same lines twice without holding them all in memory."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = lines
        self._spool: Any = None
        self._start: int | None = None
        if iter(lines) is lines:  # a one-shot iterator, or a file object
            seekable = getattr(lines, "seekable", None)
            if seekable is not None and seekable():
                self._start = lines.tell()  # type: ignore[attr-defined]
            else:
                # A line of a lone surrogate is reported by the check, not refused by the spool.
                self._spool = tempfile.TemporaryFile("w+", encoding="utf-8", errors="surrogatepass")

    def first(self) -> Iterator[str]:
        if self._spool is None:
            yield from self._lines
            return
        for line in self._lines:
            self._spool.write(line if line.endswith("\n") else line + "\n")
            yield line

    def again(self) -> Iterable[str]:
        if self._spool is not None:
            self._spool.seek(0)
            return self._spool
        if self._start is not None:
            self._lines.seek(self._start)  # type: ignore[attr-defined]
        return self._lines

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()


@contextmanager
def _replayable(lines: Iterable[str]) -> Iterator[_Replay]:
    replay = _Replay(lines)
    try:
        yield replay
    finally:
        replay.close()


def _existing_conversations(plan: _Plan) -> int:
    found = 0
    for partnership_id, ids in plan.ids.items():
        for chunk in _chunks(sorted(ids), _IN_CHUNK):
            found += Conversation.objects.filter(
                partnership_id=partnership_id, external_id__in=chunk
            ).count()
    return found


def _dry_run(lines: Iterable[str]) -> ImportResult:
    check = conversations_check(lines)
    if check.problems:
        raise ConversationImportError(check.problems)
    plan = check._plan
    assert plan is not None
    existing = _existing_conversations(plan)
    known = set(plan.people)
    return ImportResult(
        created=check.conversations - existing,
        updated=existing,
        people_created=sum(1 for key in plan.subjects if key not in known),
        dry_run=True,
    )


def _changed(changes: Changes) -> None:
    """Tell other apps which (partnership, date held) pairs the import wrote, before the
    transaction commits (a receiver that fails undoes the import)."""
    if changes:
        conversations_changed.send(sender=Conversation, changes=frozenset(changes))


def conversations_import(
    lines: Iterable[str],
    *,
    dry_run: bool = False,
    batch_size: int | None = None,
    by: Any = None,
    source: str = "",
) -> ImportResult:
    """Check the whole file, then write it in one transaction (nothing when ``dry_run``).

    Raises ``ConversationImportError`` with every problem when any line is bad; nothing is
    written then. ``by`` is the user recorded on the conversations and audit events (none for
    the command line); ``source`` (e.g. the file name) is kept as the audit reason.
    ``batch_size`` is how many lines are written at a time (default 2,000 on SQLite, 20,000
    lines a COPY on PostgreSQL): memory grows with it, not with the file.

    On PostgreSQL each chunk of checked lines is COPied into temporary tables and written
    with set-based statements while the next chunk is checked (a problem anywhere rolls it
    all back), and the tables written are analysed after the commit. Elsewhere the file is
    read twice: checked, then written in batches. The results are the same rows either way.
    """
    reason = f"Imported from {source}" if source else "Imported"
    if dry_run:
        with transaction.atomic():
            return _dry_run(lines)
    if connection.vendor == "postgresql":
        return _import_by_copy(
            lines, batch_size=batch_size or COPY_BATCH_SIZE, by=by, reason=reason
        )
    return _import_in_batches(
        lines, batch_size=batch_size or DEFAULT_BATCH_SIZE, by=by, reason=reason
    )


def _import_by_copy(lines: Iterable[str], *, batch_size: int, by: Any, reason: str) -> ImportResult:
    with transaction.atomic():
        result, changes = conversations_copy(lines, batch_size=batch_size, by=by, reason=reason)
        _changed(changes)
        return result


def _import_in_batches(
    lines: Iterable[str], *, batch_size: int, by: Any, reason: str
) -> ImportResult:
    with _replayable(lines) as replay, transaction.atomic():
        check = conversations_check(replay.first())
        if check.problems:
            raise ConversationImportError(check.problems)
        assert check._plan is not None
        result, changes = conversations_write(
            check._plan, replay.again(), batch_size=batch_size, by=by, reason=reason
        )
        _changed(changes)
        return result
