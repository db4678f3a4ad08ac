"""Reference data read once per request: measures, targets, framework equivalences.

A view wrapped in ``once_per_request`` opens a memo for the length of the request; inside it,
``memoised(key, load)`` loads each key once and hands the same value to every later caller
(selectors, figures, forms), however deep. Outside a wrapped view (commands, tests calling a
function directly) there is no memo and every call loads afresh, so nothing can go stale
between requests or after frameworks are loaded. The memo is a context variable: each thread
(each request of a threaded server) has its own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_memo: ContextVar[dict[Hashable, Any] | None] = ContextVar("reference_memo", default=None)


def memoised(key: Hashable, load: Callable[[], T]) -> T:
    """``load()``, once per request for ``key``; every call outside a request loads."""
    memo = _memo.get()
    if memo is None:
        return load()
    if key not in memo:
        memo[key] = load()
    return memo[key]


def forget(*keys: Hashable) -> None:
    """Drop keys from the current request's memo, after the request itself changed them."""
    memo = _memo.get()
    if memo is not None:
        for key in keys:
            memo.pop(key, None)


def once_per_request(view: Callable[..., T]) -> Callable[..., T]:
    """Run ``view`` with a fresh memo, emptied when it returns (or raises)."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> T:
        token = _memo.set({})
        try:
            return view(*args, **kwargs)
        finally:
            _memo.reset(token)

    return wrapped
