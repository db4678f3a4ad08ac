"""Import N generated conversations (spec §8 JSON Lines) into a freshly migrated database, then
re-import the same file (every line an update) and export it again.

The file is made by a seeded generator, so every run times the same content: one partnership
with eight teams, about one person for every four conversations, a fifth of the lines carers
(linked to people who use services earlier in the file), three to eight outcomes a line with
template words, barriers and actions, and the national measures asked of the role.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from run import peak_memory_mb

SEED = 20261122
PARTNERSHIP = "BENCH"
TEAMS = [f"BENCH-{n}" for n in range(1, 9)]
FIRST_DAY = date(2024, 4, 1)
LAST_DAY = date(2026, 10, 31)

WORDS = (
    "I want to get out to the shops on my own again",
    "Seeing my grandchildren more often",
    "Feeling safe when I am in the house at night",
    "Keeping up with the garden",
    "Not having to rely on my daughter for everything",
    "Going back to the lunch club on Tuesdays",
    "Having someone to talk to about how I feel",
    "Managing my tablets without mistakes",
)
ACTIONS = (
    "Refer to community transport",
    "Ask the occupational therapist to visit",
    "Try the Tuesday lunch club for a month",
    "Review the care package with the provider",
    "Give information about carers' breaks",
)
STATUSES = ("achieved", "partly_achieved", "not_achieved", "not_applicable")
ANSWERS = ("yes", "yes", "partly", "no", "not_answered")
GROUPS = ("older_people", "mental_health", "learning_disability", "physical_disability")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--batch-size",
        type=int,
        default=None,
        help="Lines written at a time (default 2,000 on SQLite, 20,000 a COPY on PostgreSQL)",
    )


def generate(
    count: int, *, outcomes: dict[tuple[str, str], list[str]], measures: dict[str, list[str]]
) -> Iterator[str]:
    """``count`` JSON lines, the same for the same arguments."""
    rng = random.Random(SEED)
    people = max(1, count // 4)
    users_seen = 0
    span = (LAST_DAY - FIRST_DAY).days
    for number in range(count):
        carer = rng.random() < 0.2 and users_seen > 0
        if carer:
            role, framework = "carer", "carers"
            version = rng.choice(("2013", "2013", "2008"))
            ref = f"C-{rng.randrange(max(1, people // 4)):06d}"
            cared_for = f"U-{rng.randrange(min(users_seen, people)):06d}"
        else:
            role, framework = "user", "users"
            version = rng.choice(("2012", "2012", "2007"))
            ref = f"U-{users_seen % people:06d}" if users_seen < people else None
            ref = ref or f"U-{rng.randrange(people):06d}"
            users_seen += 1
            cared_for = None
        held = FIRST_DAY + timedelta(days=rng.randrange(span))
        completed = rng.random() < 0.9
        kind = rng.choice(("assessment", "support_plan", "review", "review"))
        chosen = rng.sample(outcomes[(framework, version)], rng.randint(3, 8))
        line_outcomes = []
        for code in chosen:
            matters = rng.random() < 0.8
            line_outcomes.append(
                {
                    "code": code,
                    "matters": matters,
                    "status": rng.choice(STATUSES) if kind == "review" and matters else None,
                    "words": rng.choice(WORDS) if matters else "",
                    "barriers": sorted(
                        rng.sample(
                            ("staffing", "resources", "transport", "time_limited", "information"),
                            rng.choice((0, 0, 1, 2)),
                        )
                    ),
                    "actions": rng.choice(ACTIONS) if rng.random() < 0.4 else "",
                }
            )
        line: dict[str, Any] = {
            "id": f"bench-{number:07d}",
            "partnership": PARTNERSHIP,
            "team": TEAMS[rng.randrange(len(TEAMS))],
            "subject": {
                "ref": ref,
                "role": role,
                "client_group": rng.choice(GROUPS),
                "cared_for_ref": cared_for,
            },
            "framework": framework,
            "framework_version": version,
            "type": kind,
            "date": held.isoformat(),
            "completed_at": f"{held + timedelta(days=1)}T10:00:00Z" if completed else None,
            "status": "completed" if completed else "draft",
            "interviewer": "independent" if rng.random() < 0.1 else "practitioner",
            "measures": {code: rng.choice(ANSWERS) for code in measures[role]},
            "outcomes": line_outcomes,
        }
        yield json.dumps(line, ensure_ascii=False)


def _row(benchmark: str, n: int, seconds: float, unit: str, **extra: Any) -> dict[str, Any]:
    return {
        "benchmark": benchmark,
        "n": n,
        "seconds": round(seconds, 2),
        "per_second": round(n / seconds) if seconds else "",
        "unit": unit,
        "peak_mb": peak_memory_mb(),
        **extra,
    }


def run(args: argparse.Namespace) -> list[dict]:
    from conversations.models import Conversation, OutcomeRecord, Partnership, Team
    from conversations.services.exchange import conversations_export, conversations_import
    from frameworks.models import Measure, Outcome

    count = args.conversations
    batch_size = args.batch_size  # None: each database's own default
    partnership = Partnership.objects.create(code=PARTNERSHIP, name="Benchmark partnership")
    Team.objects.bulk_create(
        Team(partnership=partnership, code=code, name=f"Team {code}") for code in TEAMS
    )
    outcomes: dict[tuple[str, str], list[str]] = {}
    for framework, version, code in Outcome.objects.order_by("order").values_list(
        "version__framework__code", "version__version", "code"
    ):
        outcomes.setdefault((framework, version), []).append(code)
    measures = {
        role: list(Measure.objects.for_role(role).values_list("code", flat=True))
        for role in ("user", "carer")
    }

    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="outcomes-bench-import-") as folder:
        path = Path(folder) / "conversations.jsonl"
        start = time.perf_counter()
        with path.open("w", encoding="utf-8") as handle:
            for line in generate(count, outcomes=outcomes, measures=measures):
                handle.write(line + "\n")
        size_mb = round(path.stat().st_size / 1_000_000, 1)
        rows.append(
            _row("generate file", count, time.perf_counter() - start, "lines", file_mb=size_mb)
        )

        start = time.perf_counter()
        with path.open(encoding="utf-8") as handle:
            result = conversations_import(handle, batch_size=batch_size)
        seconds = time.perf_counter() - start
        assert result.created == count, result
        records = OutcomeRecord.objects.count()
        rows.append(
            _row(
                "import (check + write, all new)",
                count,
                seconds,
                "conversations",
                records=records,
                people=result.people_created,
            )
        )

        start = time.perf_counter()
        with path.open(encoding="utf-8") as handle:
            result = conversations_import(handle, batch_size=batch_size)
        assert result.updated == count, result
        rows.append(
            _row("re-import (all updates)", count, time.perf_counter() - start, "conversations")
        )
        assert Conversation.objects.count() == count

        start = time.perf_counter()
        exported = sum(1 for _ in conversations_export(partnership=partnership))
        rows.append(_row("export", exported, time.perf_counter() - start, "conversations"))
    return rows
