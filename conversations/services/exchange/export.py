"""Exporting a partnership's conversations as JSON Lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.db.models.functions import Collate

from conversations.models import (
    Action,
    Conversation,
    Goal,
    MeasureAnswer,
    OutcomeHelp,
    OutcomeRecord,
    Partnership,
    Person,
    Team,
)
from conversations.services.exchange.common import (
    _IN_CHUNK,
    ACTION_SEPARATOR,
    DEFAULT_BATCH_SIZE,
    WHO_ANSWERED_FIELDS,
    WHO_ANSWERED_KEYS,
    _chunks,
)
from frameworks.models import (
    BarrierCode,
    ClientGroup,
    FrameworkVersion,
    Measure,
    Outcome,
    Role,
)
from frameworks.periods import Period

# --- exporting ------------------------------------------------------------------------------


def _utc(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def conversations_export(
    *, partnership: Partnership, period: Period | None = None, batch_size: int = DEFAULT_BATCH_SIZE
) -> Iterator[str]:
    """One JSON line (no trailing newline) per conversation of the partnership, drafts too,
    held within ``period`` when given, ordered by date held then id (byte order)."""
    teams = dict(Team.objects.filter(partnership=partnership).values_list("pk", "code"))
    versions = {
        pk: (framework, version)
        for pk, framework, version in FrameworkVersion.objects.order_by().values_list(
            "pk", "framework__code", "version"
        )
    }
    outcomes = {
        pk: (order, code) for pk, order, code in Outcome.objects.values_list("pk", "order", "code")
    }
    measures = {
        pk: (order, code) for pk, order, code in Measure.objects.values_list("pk", "order", "code")
    }
    barriers = {
        pk: (order, code)
        for pk, order, code in BarrierCode.objects.values_list("pk", "order", "code")
    }
    groups = dict(ClientGroup.objects.values_list("pk", "code"))

    conversations = Conversation.objects.filter(partnership=partnership)
    if period is not None:
        conversations = conversations.in_period(period)
    # Byte order for ids on every database, so that files compare equal across them.
    by_id = Collate("external_id", "C") if connection.vendor == "postgresql" else "external_id"
    rows = (
        conversations.order_by("date_held", by_id)
        .values_list(
            "pk",
            "external_id",
            "team_id",
            "subject_id",
            "subject_role",
            "framework_version_id",
            "type",
            "date_held",
            "completed_at",
            "review_due",
            "status",
            "interviewer",
            "cared_for__ref",
            *WHO_ANSWERED_FIELDS,
        )
        .iterator(chunk_size=batch_size)
    )
    for batch in _chunks(rows, batch_size):
        yield from _export_batch(
            batch, teams, versions, outcomes, measures, barriers, groups, partnership.code
        )


def _export_batch(
    batch: list[tuple],
    teams: dict[int, str],
    versions: dict[int, tuple[str, str]],
    outcomes: dict[int, tuple[int, str]],
    measures: dict[int, tuple[int, str]],
    barriers: dict[int, tuple[int, str]],
    groups: dict[int, str],
    partnership_code: str,
) -> Iterator[str]:
    conversation_ids = [row[0] for row in batch]
    subject_ids = sorted({row[3] for row in batch})
    subjects: dict[int, tuple[str, str]] = {}
    cared_for: dict[int, str] = {}
    records: dict[int, list[tuple]] = {}
    answers: dict[int, list[tuple[int, str, str]]] = {}
    record_barriers: dict[int, list[tuple[int, str]]] = {}
    actions: dict[int, list[str]] = {}
    goals: dict[int, list[dict[str, str | None]]] = {}
    themes: dict[int, list[str]] = {}
    helps: dict[int, list[str]] = {}
    through = OutcomeRecord.barriers.through
    for chunk in _chunks(subject_ids, _IN_CHUNK):
        for pk, ref, group_id in Person.objects.filter(pk__in=chunk).values_list(
            "pk", "ref", "client_group_id"
        ):
            subjects[pk] = (ref, groups[group_id])
        for carer_id, ref in Person.cares_for.through.objects.filter(
            from_person_id__in=chunk
        ).values_list("from_person_id", "to_person__ref"):
            if carer_id not in cared_for or ref < cared_for[carer_id]:
                cared_for[carer_id] = ref
    for chunk in _chunks(conversation_ids, _IN_CHUNK):
        for values in OutcomeRecord.objects.filter(conversation_id__in=chunk).values_list(
            "conversation_id",
            "pk",
            "outcome_id",
            "matters",
            "status",
            "words",
            "practitioner_status",
            "carer_status",
            "helping",
            "barrier_words",
        ):
            records.setdefault(values[0], []).append(values[1:])
        for conversation_id, measure_id, answer in MeasureAnswer.objects.filter(
            conversation_id__in=chunk
        ).values_list("conversation_id", "measure_id", "answer"):
            order, code = measures[measure_id]
            answers.setdefault(conversation_id, []).append((order, code, answer))
    # Barriers, actions and goals by record id, not through a join (a full scan on PostgreSQL).
    record_ids = [values[0] for found in records.values() for values in found]
    for chunk in _chunks(record_ids, _IN_CHUNK):
        for record_id, barrier_id in through.objects.filter(outcomerecord_id__in=chunk).values_list(
            "outcomerecord_id", "barriercode_id"
        ):
            record_barriers.setdefault(record_id, []).append(barriers[barrier_id])
        for record_id, what in (
            Action.objects.filter(record_id__in=chunk)
            .order_by("record_id", "order", "pk")
            .values_list("record_id", "what")
        ):
            actions.setdefault(record_id, []).append(what)
        for record_id, words, goal_status in (
            Goal.objects.filter(record_id__in=chunk)
            .order_by("record_id", "order", "pk")
            .values_list("record_id", "words", "status")
        ):
            goals.setdefault(record_id, []).append({"words": words, "status": goal_status or None})
        for record_id, code in (
            OutcomeRecord.themes.through.objects.filter(outcomerecord_id__in=chunk)
            .order_by("outcomerecord_id", "theme__code")
            .values_list("outcomerecord_id", "theme__code")
        ):
            themes.setdefault(record_id, []).append(code)
        for record_id, kind in (
            OutcomeHelp.objects.filter(record_id__in=chunk)
            .order_by("record_id", "kind")
            .values_list("record_id", "kind")
        ):
            helps.setdefault(record_id, []).append(kind)

    for (
        pk,
        external_id,
        team_id,
        subject_id,
        role,
        version_id,
        kind,
        date_held,
        completed_at,
        review_due,
        status,
        interviewer,
        about,
        *who,
    ) in batch:
        ref, group = subjects[subject_id]
        framework, version = versions[version_id]
        line_outcomes = []
        for values in sorted(records.get(pk, []), key=lambda v: outcomes[v[1]]):
            (
                record_id,
                outcome_id,
                matters,
                o_status,
                words,
                p_status,
                c_status,
                helping,
                b_words,
            ) = values
            item: dict[str, Any] = {
                "code": outcomes[outcome_id][1],
                "matters": matters,
                "status": o_status or None,
                "words": words,
                "barriers": [code for _, code in sorted(record_barriers.get(record_id, []))],
                "actions": ACTION_SEPARATOR.join(actions.get(record_id, [])),
            }
            if p_status:
                item["practitioner_status"] = p_status
            if c_status:
                item["carer_status"] = c_status
            if helping:
                item["helping"] = helping
            if record_id in helps:
                item["helping_kinds"] = helps[record_id]
            if b_words:
                item["barrier_words"] = b_words
            if record_id in themes:
                item["themes"] = themes[record_id]
            if record_id in goals:
                item["goals"] = goals[record_id]
            line_outcomes.append(item)
        line = {
            "id": external_id,
            "partnership": partnership_code,
            "team": teams[team_id],
            "subject": {
                "ref": ref,
                "role": role,
                "client_group": group,
                # Whom this conversation is about, else the first person they care for.
                "cared_for_ref": (about or cared_for.get(subject_id))
                if role == Role.CARER
                else None,
            },
            "framework": framework,
            "framework_version": version,
            "type": kind,
            "date": date_held.isoformat(),
            "completed_at": _utc(completed_at),
            **({"review_due": review_due.isoformat()} if review_due else {}),
            "status": status,
            "interviewer": interviewer,
            # Who answered: only what is known.
            **{key: value for key, value in zip(WHO_ANSWERED_KEYS, who, strict=True) if value},
            "measures": {code: answer for _, code, answer in sorted(answers.get(pk, []))},
            "outcomes": line_outcomes,
        }
        yield json.dumps(line, ensure_ascii=False)
