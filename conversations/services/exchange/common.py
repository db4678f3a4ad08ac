"""What the line checks, the writer and the export share."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

DEFAULT_BATCH_SIZE = 2000
# SQLite is built with a limit on bound parameters; Django assumes 999.
_IN_CHUNK = 900
ACTION_SEPARATOR = "; "

_T = TypeVar("_T")

Problem = tuple[int, str]


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
