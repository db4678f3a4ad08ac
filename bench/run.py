#!/usr/bin/env python
"""Benchmarks, run by ``make bench`` on SQLite and on PostgreSQL. Never part of the test suite.

    .venv/bin/python bench/run.py [--conversations N] [--only NAME] [--databases sqlite,postgres]

    e.g. the reporting benchmark alone at a million conversations:
    .venv/bin/python bench/run.py --only reporting --conversations 1000000

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
JSON. The parent prints one table.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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
    rows: list[dict] = [{"benchmark": "migrate empty database", "seconds": round(seconds, 2)}]
    for module in _modules(args.only):
        rows.extend(module.run(args))
    for row in rows:
        row.setdefault("database", args.engine)
    args.json.write_text(json.dumps(rows), encoding="utf-8")


def _forwarded(argv: list[str]) -> list[str]:
    """The parent's arguments, minus the ones the parent itself decides."""
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg in ("--databases", "--engine", "--json"):
            skip = True
            continue
        if arg.startswith(("--databases=", "--engine=", "--json=")):
            continue
        out.append(arg)
    return out


def _run_child(engine: str, argv: list[str]) -> list[dict]:
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
        if engine == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        else:
            env.pop("DATABASE_URL", None)
            command = [str(ROOT / ".ci" / "with-postgres"), *command]
        print(f"== {engine} ==", file=sys.stderr, flush=True)
        subprocess.run(command, check=True, cwd=ROOT, env=env)
        return json.loads(results.read_text(encoding="utf-8"))


def format_table(rows: list[dict]) -> str:
    columns: list[str] = ["database"]
    for row in rows:
        columns.extend(key for key in row if key not in columns)
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
    engines = [name.strip() for name in args.databases.split(",") if name.strip()]
    unknown = set(engines) - set(DATABASES)
    if unknown:
        raise SystemExit(f"Unknown database {', '.join(sorted(unknown))}: use sqlite, postgres")
    rows: list[dict] = []
    for engine in engines:
        rows.extend(_run_child(engine, argv))
    print(format_table(rows))


if __name__ == "__main__":
    sys.path.insert(0, str(BENCH_DIR))
    main(sys.argv[1:])
