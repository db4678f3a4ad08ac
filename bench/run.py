#!/usr/bin/env python
"""Benchmarks, run by ``make bench`` on SQLite and on PostgreSQL. Never part of the test suite.

    .venv/bin/python bench/run.py [--conversations N] [--only NAME] [--databases sqlite,postgres]
                                  [--database-url URL] [--output FILE.json]

    e.g. the reporting benchmark alone at a million conversations:
    .venv/bin/python bench/run.py --only reporting --conversations 1000000
    or every page, on a database that already holds the generated data:
    .venv/bin/python bench/run.py --only pages --database-url postgres://app:app@host:5432/name

Adding a benchmark: put ``bench/bench_<name>.py`` beside this file and list it in
``BENCHMARKS``. The module exposes

    run(args: argparse.Namespace) -> list[dict]

and, optionally, ``add_arguments(parser)`` for its own options. It must import Django models
inside ``run`` (Django is set up just before). Each row is a dict printed as one table row;
keys become columns (``benchmark``, ``n``, ``seconds`` and ``per_second`` are the usual ones).

How a run works: without ``--engine`` this script is the parent. For each database it starts
itself again as a child with ``--engine``: for SQLite with ``DATABASE_URL`` pointing at a file in
a temporary folder, for PostgreSQL under ``.ci/with-postgres`` (a throwaway cluster). The child
migrates the empty database, runs the benchmarks in ``BENCHMARKS`` order on that one database
(so a later benchmark may use the data an earlier one imported), and hands its rows back as
JSON. The parent prints one table and writes every row to a JSON file (``--output``; by default
``bench/results/<databases>-<N>.json``, a folder git ignores).

With ``--database-url`` there is one child, on that existing database: its data is kept, only
pending migrations are applied, and a benchmark generates its data set only if the ``GEN-``
partnerships are missing (so a data set of a million conversations is made once). The
benchmarks write to it (audit rows, sessions, the reporting benchmark's targets and users).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
DATABASES = ("sqlite", "postgres")

# In the order they run. A later one may rely on data left by an earlier one.
BENCHMARKS: list[str] = ["bench_import", "bench_reporting", "bench_pages", "bench_load"]


def _modules(only: list[str] | None) -> list[Any]:
    names = [name for name in BENCHMARKS if not only or name in only or name[6:] in only]
    if only and not names:
        raise SystemExit(f"No benchmark called {', '.join(only)} (have: {', '.join(BENCHMARKS)})")
    return [importlib.import_module(name) for name in names]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--databases",
        default=",".join(DATABASES),
        help="Comma-separated: sqlite, postgres (default both)",
    )
    parser.add_argument(
        "--only", action="append", help="Run only this benchmark (repeatable), e.g. import"
    )
    parser.add_argument(
        "--conversations",
        type=int,
        default=100_000,
        help="How many conversations each benchmark works on (default 100000)",
    )
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="Run on this existing database instead (postgres://… or sqlite:///…): its data "
        "is kept, pending migrations are applied, the data set is generated only if missing",
    )
    parser.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help="Write every row to this JSON file (default bench/results/<databases>-<N>.json)",
    )
    parser.add_argument("--engine", choices=DATABASES, help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)
    for name in BENCHMARKS:
        module = importlib.import_module(name)
        if hasattr(module, "add_arguments"):
            module.add_arguments(parser)
    return parser


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def timed(fn, *args, **kwargs) -> tuple[Any, float]:
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - start


def _child(args: argparse.Namespace) -> None:
    """Set Django up against the database in DATABASE_URL, migrate, run, write rows."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "outcomes_site.settings"
    import django

    django.setup()
    from django.core.management import call_command

    _, seconds = timed(call_command, "migrate", verbosity=0, interactive=False)
    what = "apply pending migrations" if args.database_url else "migrate empty database"
    rows: list[dict] = [{"benchmark": what, "seconds": round(seconds, 2)}]
    for module in _modules(args.only):
        rows.extend(module.run(args))
    label = f"{args.engine} {database_name(args.database_url)}" if args.database_url else None
    for row in rows:
        row.setdefault("database", label or args.engine)
    args.json.write_text(json.dumps(rows), encoding="utf-8")


def _forwarded(argv: list[str]) -> list[str]:
    """The parent's arguments, minus the ones the parent itself decides."""
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg in ("--databases", "--engine", "--json", "--output"):
            skip = True
            continue
        if arg.startswith(("--databases=", "--engine=", "--json=", "--output=")):
            continue
        out.append(arg)
    return out


def database_name(url: str) -> str:
    """The database a URL names: ``h5`` for ``postgres://…/h5``, the file's stem for SQLite."""
    path = urlsplit(url).path
    return Path(path).stem if url.startswith("sqlite") else path.lstrip("/")


def engine_of(url: str) -> str:
    scheme = urlsplit(url).scheme
    if scheme in ("postgres", "postgresql"):
        return "postgres"
    if scheme == "sqlite":
        return "sqlite"
    raise SystemExit(f"--database-url: use postgres://… or sqlite:///…, not {scheme}://")


def _run_child(engine: str, argv: list[str], database_url: str | None = None) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="outcomes-bench-") as folder:
        results = Path(folder) / "rows.json"
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--engine",
            engine,
            "--json",
            str(results),
            *_forwarded(argv),
        ]
        env = dict(os.environ)
        # No query log, no debug pages: time what production would do.
        env.update({"DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(64)})
        # Staff are signed in with force_login: the second factor is not what is timed.
        env["OTP_REQUIRED_ROLES"] = ""
        if database_url:
            env["DATABASE_URL"] = database_url
        elif engine == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        else:
            env.pop("DATABASE_URL", None)
            command = [str(ROOT / ".ci" / "with-postgres"), *command]
        print(f"== {engine} ==", file=sys.stderr, flush=True)
        subprocess.run(command, check=True, cwd=ROOT, env=env)
        return json.loads(results.read_text(encoding="utf-8"))


# Written to the JSON file, too wide for the table.
JSON_ONLY = ("url",)


def format_table(rows: list[dict]) -> str:
    columns: list[str] = ["database"]
    for row in rows:
        columns.extend(key for key in row if key not in columns and key not in JSON_ONLY)
    cells = [[str(row.get(column, "")) for column in columns] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]

    def line(values: list[str]) -> str:
        return "  ".join(
            value.rjust(width) if value.replace(".", "").isdigit() else value.ljust(width)
            for value, width in zip(values, widths, strict=True)
        ).rstrip()

    return "\n".join(
        [line(columns), line(["-" * w for w in widths]), *(line(row) for row in cells)]
    )


def main(argv: list[str]) -> None:
    args = _parser().parse_args(argv)
    if args.engine:
        _child(args)
        return
    if args.database_url:
        engines = [engine_of(args.database_url)]
        label = database_name(args.database_url)
    else:
        engines = [name.strip() for name in args.databases.split(",") if name.strip()]
        unknown = set(engines) - set(DATABASES)
        if unknown:
            raise SystemExit(f"Unknown database {', '.join(sorted(unknown))}: use sqlite, postgres")
        label = "-".join(engines)
    output = args.output or BENCH_DIR / "results" / f"{label}-{args.conversations}.json"
    started = datetime.now(UTC)
    rows: list[dict] = []
    for engine in engines:
        rows.extend(_run_child(engine, argv, args.database_url))
    print(format_table(rows))
    write_results(output, rows, argv=argv, conversations=args.conversations, started=started)
    print(f"Rows written to {output}", file=sys.stderr)


def write_results(
    path: Path, rows: list[dict], *, argv: list[str], conversations: int, started: datetime
) -> None:
    """Every row, with when and how the run was made, as one JSON document."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "arguments": [re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", arg) for arg in argv],
        "conversations": conversations,
        "rows": rows,
    }
    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(BENCH_DIR))
    main(sys.argv[1:])
