"""Signals the conversations app sends for other apps to act on (it knows none of them).

``conversations_changed`` is sent inside the writing transaction by any write that changes
conversations (or what they hold: outcome records, barriers, goals, answers) without going
through ``Model.save()`` / ``Model.delete()`` one object at a time, so that receivers hear of
bulk writes too (the JSON Lines import, queryset updates). Keyword arguments:

- ``changes``: a collection of ``(partnership_id, date_held)`` pairs, one for each conversation
  written, and for a conversation whose date or partnership changed, one for the old and one for
  the new values.

Receivers must not write outside the transaction they are called in.
"""

from django.dispatch import Signal

conversations_changed = Signal()
