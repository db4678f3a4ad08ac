"""Receivers that keep the count summaries true (``reporting.summary``): every write that
changes the figures of a period marks its summaries stale inside the writing transaction.

Writes one object at a time are heard through ``post_save`` / ``pre_delete`` (the recording
services, the admin); bulk writes send ``conversations.signals.conversations_changed``. Counts
change with a conversation (its status, date, partnership, team, type, interviewer, role or
subject), its measure answers, its outcome records and their barriers, the client group of
its subject, and a measure's population. Team, client-group, measure and barrier codes are
read through joins, so renaming one changes nothing kept.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save
from django.dispatch import receiver

from conversations.models import Conversation, MeasureAnswer, OutcomeRecord, Person
from conversations.signals import conversations_changed
from frameworks.models import BarrierCode, Measure

BARRIERS = OutcomeRecord.barriers.through


def _day(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return date.fromisoformat(value)
    return value


def _keys_of(conversations: QuerySet) -> list[tuple[int, date]]:
    return list(conversations.values_list("partnership_id", "date_held").distinct())


def _stale(keys) -> None:
    # Imported here: reporting.summary brings pandas, which setting Django up (every command)
    # should not pay for; the WSGI start loads it for the site (outcomes_site/wsgi.py).
    from reporting.summary import summaries_stale

    summaries_stale(changes=[(partnership_id, _day(day)) for partnership_id, day in keys])


@receiver(conversations_changed, dispatch_uid="summaries_conversations_changed")
def bulk_write(sender, changes, **kwargs) -> None:
    _stale(changes)


@receiver(pre_save, sender=Conversation, dispatch_uid="summaries_conversation_before")
def conversation_before_save(sender, instance: Conversation, **kwargs) -> None:
    # The stored partnership and date: a conversation moved out of a period changes it too.
    instance._summary_keys_before = (
        _keys_of(Conversation.objects.filter(pk=instance.pk)) if instance.pk else []
    )


@receiver(post_save, sender=Conversation, dispatch_uid="summaries_conversation_saved")
def conversation_saved(sender, instance: Conversation, **kwargs) -> None:
    before = getattr(instance, "_summary_keys_before", [])
    instance._summary_keys_before = []
    _stale([*before, (instance.partnership_id, instance.date_held)])


@receiver(pre_delete, sender=Conversation, dispatch_uid="summaries_conversation_deleted")
def conversation_deleted(sender, instance: Conversation, **kwargs) -> None:
    _stale(_keys_of(Conversation.objects.filter(pk=instance.pk)))


def _part_of_deleted_conversation(origin) -> bool:
    """A part deleted with its conversation: the conversation's own receiver marks it."""
    if isinstance(origin, Conversation):
        return True
    return isinstance(origin, QuerySet) and origin.model is Conversation


def _part_before_save(sender, instance, **kwargs) -> None:
    instance._summary_keys_before = (
        _keys_of(
            Conversation.objects.filter(
                pk__in=sender.objects.filter(pk=instance.pk).values("conversation_id")
            )
        )
        if instance.pk
        else []
    )


def _part_saved(sender, instance, **kwargs) -> None:
    before = getattr(instance, "_summary_keys_before", [])
    instance._summary_keys_before = []
    _stale([*before, *_keys_of(Conversation.objects.filter(pk=instance.conversation_id))])


def _part_deleted(sender, instance, origin=None, **kwargs) -> None:
    if _part_of_deleted_conversation(origin):
        return
    _stale(_keys_of(Conversation.objects.filter(pk=instance.conversation_id)))


for part in (MeasureAnswer, OutcomeRecord):
    pre_save.connect(_part_before_save, sender=part, dispatch_uid=f"summaries_{part.__name__}_b")
    post_save.connect(_part_saved, sender=part, dispatch_uid=f"summaries_{part.__name__}_s")
    pre_delete.connect(_part_deleted, sender=part, dispatch_uid=f"summaries_{part.__name__}_d")


@receiver(m2m_changed, sender=BARRIERS, dispatch_uid="summaries_barriers")
def barriers_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:
        records = OutcomeRecord.objects.filter(pk=instance.pk)
    elif pk_set:
        records = OutcomeRecord.objects.filter(pk__in=pk_set)
    else:
        records = OutcomeRecord.objects.filter(barriers=instance)
    _stale(_keys_of(Conversation.objects.filter(pk__in=records.values("conversation_id"))))


@receiver(pre_delete, sender=BarrierCode, dispatch_uid="summaries_barrier_code_deleted")
def barrier_code_deleted(sender, instance: BarrierCode, **kwargs) -> None:
    # Its records lose it by cascade, which sends no m2m_changed.
    records = OutcomeRecord.objects.filter(barriers=instance).values("conversation_id")
    _stale(_keys_of(Conversation.objects.filter(pk__in=records)))


def _changed(instance, field: str) -> bool:
    """Whether saving ``instance`` changes ``field`` of its stored row (never for a new one)."""
    if not instance.pk:
        return False
    stored = list(type(instance).objects.filter(pk=instance.pk).values_list(field, flat=True))
    return bool(stored) and stored[0] != getattr(instance, field)


@receiver(pre_save, sender=Person, dispatch_uid="summaries_person_before")
def person_before_save(sender, instance: Person, **kwargs) -> None:
    instance._summary_group_changed = _changed(instance, "client_group_id")


@receiver(post_save, sender=Person, dispatch_uid="summaries_person_saved")
def person_saved(sender, instance: Person, **kwargs) -> None:
    # The client-group breakdown counts a conversation under its subject's group today.
    if getattr(instance, "_summary_group_changed", False):
        instance._summary_group_changed = False
        _stale(_keys_of(Conversation.objects.filter(subject=instance)))


@receiver(pre_save, sender=Measure, dispatch_uid="summaries_measure_before")
def measure_before_save(sender, instance: Measure, **kwargs) -> None:
    instance._summary_population_changed = _changed(instance, "population")


@receiver(post_save, sender=Measure, dispatch_uid="summaries_measure_saved")
def measure_saved(sender, instance: Measure, **kwargs) -> None:
    if getattr(instance, "_summary_population_changed", False):
        instance._summary_population_changed = False
        from reporting.summary import summaries_all_stale

        summaries_all_stale()
