"""A loopback load test: ``--load-users`` simulated staff for ``--load-seconds`` against
gunicorn on PostgreSQL, then a check that every write the site acknowledged is in the database.

PostgreSQL only (on SQLite one row says it was skipped: SQLite is the single-user demo). On the
data set ``bench_reporting`` generates (``GEN-01`` …), the generated practitioners get a known
password; gunicorn (``--load-workers`` sync workers, production settings: DEBUG off, the second
factor not required of anyone, see ``load_settings.py``) listens on a free port of 127.0.0.1.

Each simulated member of staff is a thread of our own client (``http.client``, its own cookies,
one request at a time, ``--load-think`` seconds' pause on average between requests, as a person
reads and types). It signs in through the login form, then, while time is left: searches the
people list for a person whose draft it holds, opens that person, opens the draft's recording
page, types into one outcome's words with ``--load-autosaves`` autosave posts (the CSRF token
and revision taken from the page, the next revision from the autosave's answer), signs off one
draft in three through the sign-off page, and opens the dashboard. Drafts are shared out so that
no two simulated staff record in the same conversation (a conflict would then be a real fault).

Bounded: only 127.0.0.1, a timeout on every request, a cap on each simulated person's requests,
and a deadline after which every thread stops; gunicorn is stopped at the end whatever happens.

Rows: requests per second with p50/p95/p99 latency over all requests and per kind of request,
errors by kind, and the check: each acknowledged autosave (answered ``saved`` with a revision)
must have its words and at least its revision in the database, each acknowledged sign-off (the
redirect to the conversation) a completed conversation.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from generate import PREFIX, generate, generated_partnerships

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
HOST = "127.0.0.1"
# Only for the throwaway benchmark database; 12+ characters, not a common password.
PASSWORD = "load-bench-Kettle-Lantern-42"
REQUEST_TIMEOUT = 60
SIGN_OFF_EVERY = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--load-users",
        type=int,
        default=50,
        help="Load test: simulated staff at once (default 50)",
    )
    parser.add_argument(
        "--load-seconds",
        type=float,
        default=300,
        help="Load test: how long the staff keep working, in seconds (default 300)",
    )
    parser.add_argument(
        "--load-workers",
        type=int,
        default=2 * (os.cpu_count() or 1) + 1,
        help="Load test: gunicorn sync workers (default 2 × CPUs + 1)",
    )
    parser.add_argument(
        "--load-think",
        type=float,
        default=1.0,
        help="Load test: mean pause between one person's requests, in seconds (default 1)",
    )
    parser.add_argument(
        "--load-autosaves",
        type=int,
        default=4,
        help="Load test: autosave posts each time a draft is opened (default 4)",
    )


# --- the plan: who signs in, which drafts each one records in ------------------------------


@dataclass
class Draft:
    pk: int
    person_pk: int
    search: str


@dataclass
class Staff:
    number: int
    username: str
    drafts: list[Draft]


def _plan(users: int) -> list[Staff]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from conversations.models import Conversation, Team

    teams = list(Team.objects.filter(partnership__code__startswith=f"{PREFIX}-").order_by("code"))
    if not teams:
        raise SystemExit("load: no generated teams (bench_reporting's data set) to work in")
    staff = [
        Staff(
            number=i,
            username=f"gen-{teams[i % len(teams)].code.lower()}-p{(i // len(teams)) % 3 + 1}",
            drafts=[],
        )
        for i in range(users)
    ]
    by_team: dict[int, list[Staff]] = defaultdict(list)
    for person in staff:
        by_team[teams[person.number % len(teams)].pk].append(person)
    for team_id, members in by_team.items():
        drafts = (
            Conversation.objects.filter(team_id=team_id, status="draft")
            .select_related("subject")
            .order_by("-date_held", "pk")
        )
        for i, conversation in enumerate(drafts):
            members[i % len(members)].drafts.append(
                Draft(conversation.pk, conversation.subject_id, conversation.subject.ref)
            )
    get_user_model().objects.filter(username__in={s.username for s in staff}).update(
        password=make_password(PASSWORD), is_active=True
    )
    return staff


# --- gunicorn ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def _gunicorn(workers: int, folder: Path):
    port = _free_port()
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "load_settings",
            "ALLOWED_HOSTS": HOST,
            "OTP_REQUIRED_ROLES": "",
            "AXES_BEHIND_PROXY": "false",
            "SECURE_SSL_REDIRECT": "false",
        }
    )
    log = folder / "gunicorn.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "outcomes_site.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--pythonpath",
        f"{ROOT},{BENCH_DIR}",
        "--timeout",
        str(REQUEST_TIMEOUT),
        # Django is imported once, before the workers fork: they all answer from the start.
        "--preload",
        "--error-logfile",
        str(log),
    ]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=sink)
    try:
        _wait_until_serving(process, port, log, workers)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_serving(process: subprocess.Popen, port: int, log: Path, workers: int) -> None:
    """Until the login page answers 200 (then once per worker, to warm them up)."""
    deadline = time.monotonic() + 180
    answered = 0
    while answered < workers:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped:\n{log.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            raise SystemExit(f"gunicorn did not answer:\n{log.read_text()[-3000:]}")
        connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request("GET", "/accounts/login/", headers={"X-Forwarded-Proto": "https"})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"gunicorn answered {response.status} on the login page")
            answered += 1
        except OSError:
            time.sleep(0.5)
        finally:
            connection.close()


# --- one simulated member of staff ----------------------------------------------------------


class FormReader(HTMLParser):
    """The fields a browser would submit from one form of a page: the one with ``form_id``, or
    else the first form that is not the sign-out button's. Inputs (checked boxes only),
    textareas and selects (the selected option, or the first); the options of each select are
    kept too. Submit buttons are left out."""

    def __init__(self, form_id: str | None = None) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.done = False
        self.fields: list[list[str]] = []
        self.options: dict[str, list[str]] = {}
        self._textarea: list[str] | None = None
        self._select: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if not self.done and not self.inside:
                wanted = a.get("id") == self.form_id if self.form_id else True
                self.inside = wanted and not a.get("action", "").endswith("/logout/")
            return
        if not self.inside:
            return
        if tag == "option" and self._select is not None:
            name = self._select[0]
            self.options[name].append(a.get("value", ""))
            if len(self.options[name]) == 1 or "selected" in a:
                self._select[1] = a.get("value", "")
            return
        name = a.get("name")
        if not name:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append([name, a.get("value", "on" if kind == "checkbox" else "")])
        elif tag == "textarea":
            self._textarea = [name, ""]
            self.fields.append(self._textarea)
        elif tag == "select":
            self._select = [name, ""]
            self.options[name] = []
            self.fields.append(self._select)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            if self._textarea[1].startswith("\n"):  # as browsers drop it
                self._textarea[1] = self._textarea[1][1:]
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True

    def value(self, name: str) -> str | None:
        return next((v for n, v in self.fields if n == name), None)


def read_form(html: str, form_id: str | None = None) -> FormReader:
    reader = FormReader(form_id)
    reader.feed(html)
    reader.close()
    return reader


@dataclass
class Sample:
    kind: str
    seconds: float
    status: int


@dataclass
class Written:
    """What one simulated person was told was saved in one conversation."""

    outcome: str = ""
    acked_revision: int = 0
    acked_words: str | None = None
    acked: int = 0  # autosaves answered "saved"
    sent_after_ack: list[str] = field(default_factory=list)
    signed_off: bool = False


class Stop(Exception):
    """Time or request budget spent."""


class Session:
    def __init__(self, port: int, deadline: float, budget: int, think: float, seed: int):
        self.port = port
        self.deadline = deadline
        self.budget = budget
        self.think = think
        self.random = random.Random(seed)
        self.cookies: dict[str, str] = {}
        self.samples: list[Sample] = []
        self.errors: Counter[str] = Counter()
        self.written: dict[int, Written] = {}

    def pause(self) -> None:
        wait = self.think * self.random.uniform(0.5, 1.5)
        if time.monotonic() + wait >= self.deadline:
            raise Stop
        time.sleep(wait)

    def request(
        self, kind: str, method: str, path: str, data: list | None = None, *, ajax: bool = False
    ) -> tuple[int, dict[str, str], str]:
        if time.monotonic() >= self.deadline or len(self.samples) >= self.budget:
            raise Stop
        origin = f"https://{HOST}:{self.port}"
        headers = {
            "Host": f"{HOST}:{self.port}",
            # As the reverse proxy in front of gunicorn would say: CSRF checks run as on HTTPS.
            "X-Forwarded-Proto": "https",
            "User-Agent": "outcomes-bench-load",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            body = urlencode([(name, value) for name, value in data or []])
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = origin
            headers["Referer"] = origin + path
            if ajax:
                headers["X-Requested-With"] = "XMLHttpRequest"
        connection = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        start = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except TimeoutError:
            self.samples.append(Sample(kind, time.perf_counter() - start, 0))
            self.errors[f"{kind}: timeout"] += 1
            raise
        except OSError as error:
            self.samples.append(Sample(kind, time.perf_counter() - start, 0))
            self.errors[f"{kind}: {type(error).__name__}"] += 1
            raise
        finally:
            connection.close()
        self.samples.append(Sample(kind, time.perf_counter() - start, response.status))
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if response.status >= 500:
            self.errors[f"{kind}: HTTP {response.status}"] += 1
        return response.status, dict(response.headers.items()), text

    def get_page(self, kind: str, path: str) -> str:
        status, headers, text = self.request(kind, "GET", path)
        if status == 302 and "/accounts/login/" in headers.get("Location", ""):
            self.errors[f"{kind}: sent to sign in"] += 1
            self.sign_in()
            status, headers, text = self.request(kind, "GET", path)
        if status != 200:
            if status < 500:
                self.errors[f"{kind}: HTTP {status}"] += 1
            raise LookupError(kind)
        return text

    def sign_in(self) -> None:
        self.cookies.clear()
        page = self.get_page("sign in (form)", "/accounts/login/")
        token = read_form(page).value("csrfmiddlewaretoken") or ""
        status, headers, _ = self.request(
            "sign in",
            "POST",
            "/accounts/login/",
            [
                ("csrfmiddlewaretoken", token),
                ("username", self.username),
                ("password", PASSWORD),
            ],
        )
        if status != 302 or "/accounts/" in headers.get("Location", ""):
            self.errors[f"sign in: HTTP {status}"] += 1
            raise Stop

    # -- the work ---------------------------------------------------------------------------

    def work(self, staff: Staff) -> None:
        self.username = staff.username
        try:
            self.sign_in()
            loop = 0
            while True:
                open_drafts = [d for d in staff.drafts if not self._signed(d)]
                draft = open_drafts[loop % len(open_drafts)] if open_drafts else None
                try:
                    self.pause()
                    self.visit(draft, staff, loop)
                except (LookupError, OSError):
                    pass  # counted; carry on with the next round
                loop += 1
        except (Stop, OSError):
            return
        except Exception as error:  # a fault of this client: counted, never hidden
            self.errors[f"client: {type(error).__name__}: {error}"[:120]] += 1

    def _signed(self, draft: Draft) -> bool:
        return draft.pk in self.written and self.written[draft.pk].signed_off

    def visit(self, draft: Draft | None, staff: Staff, loop: int) -> None:
        search = draft.search if draft else "GEN"
        self.get_page("search people", "/people/?" + urlencode({"q": search}))
        if draft is not None:
            self.pause()
            self.get_page("open a person", f"/people/{draft.person_pk}/")
            self.pause()
            self.record(draft, staff, loop)
        self.pause()
        self.get_page("dashboard", "/reports/")

    def record(self, draft: Draft, staff: Staff, loop: int) -> None:
        page = self.get_page("recording page", f"/conversations/{draft.pk}/record/")
        form = read_form(page, "recording-form")
        codes = [m.group(1) for n, _ in form.fields if (m := re.fullmatch(r"o-(.+)-words", n))]
        if not codes:
            self.errors["recording page: no outcome to write in"] += 1
            return
        written = self.written.setdefault(draft.pk, Written(outcome=codes[0]))
        fields = [list(f) for f in form.fields]
        names = {n for n, _ in fields}
        matters = f"o-{written.outcome}-matters"
        if matters not in names:
            fields.append([matters, "on"])
        # A review needs a status for each outcome that matters before it can be signed off.
        for code in codes:
            status = f"o-{code}-status"
            if f"o-{code}-matters" in {n for n, _ in fields} and form.options.get(status):
                for f in fields:
                    if f[0] == status and not f[1]:
                        f[1] = next(v for v in form.options[status] if v)
        revision = form.value("revision") or "0"
        words_field = f"o-{written.outcome}-words"
        for typed in range(1, self._autosaves + 1):
            self.pause()
            words = f"Load test {staff.number}.{loop}.{typed}: wants to get to the shops"
            for f in fields:
                if f[0] == words_field:
                    f[1] = words
                elif f[0] == "revision":
                    f[1] = revision
            written.sent_after_ack.append(words)
            status, _, text = self.request(
                "autosave",
                "POST",
                f"/conversations/{draft.pk}/autosave/",
                fields,
                ajax=True,
            )
            answer = _json(text)
            if status == 200 and answer.get("status") == "saved":
                revision = str(answer["revision"])
                written.acked_revision = int(answer["revision"])
                written.acked_words = words
                written.acked += 1
                written.sent_after_ack = []
            elif status < 500:
                self.errors[f"autosave: {answer.get('status', f'HTTP {status}')}"] += 1
                return
        if (loop + staff.number) % SIGN_OFF_EVERY == 0:
            self.pause()
            self.sign_off(draft, written)

    def sign_off(self, draft: Draft, written: Written) -> None:
        path = f"/conversations/{draft.pk}/sign-off/"
        data = read_form(self.get_page("sign-off page", path)).fields
        self.pause()
        status, headers, _ = self.request("sign off", "POST", path, data)
        if status == 302 and headers.get("Location", "").endswith(f"/conversations/{draft.pk}/"):
            written.signed_off = True
        elif status < 500:
            self.errors[f"sign off: HTTP {status}"] += 1

    _autosaves = 4


def _json(text: str) -> dict:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


# --- the run -------------------------------------------------------------------------------


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _latency_row(name: str, samples: list[Sample], seconds: float) -> dict:
    times = [s.seconds for s in samples]
    return {
        "benchmark": name,
        "n": len(samples),
        "seconds": round(seconds, 1),
        "per_second": round(len(samples) / seconds, 1) if seconds else "",
        "p50_ms": round(statistics.median(times) * 1000, 1) if times else "",
        "p95_ms": round(_percentile(times, 0.95) * 1000, 1) if times else "",
        "p99_ms": round(_percentile(times, 0.99) * 1000, 1) if times else "",
    }


def _warm_up(port: int, staff: list[Staff], workers: int) -> None:
    """Each page once per worker (read only, not timed): the templates are compiled and the
    caches filled in every worker before the clock starts, as on a server up for a while."""
    first = next((s for s in staff if s.drafts), staff[0])
    signed_in = Session(port, time.monotonic() + 300, 10, 0.0, seed=-1)
    signed_in.username = first.username
    signed_in.sign_in()
    draft = first.drafts[0] if first.drafts else None
    paths = ["/people/?q=GEN", "/reports/"]
    if draft is not None:
        paths += [f"/people/{draft.person_pk}/", f"/conversations/{draft.pk}/record/"]

    def pages() -> None:
        session = Session(port, time.monotonic() + 300, 10, 0.0, seed=-1)
        session.cookies = dict(signed_in.cookies)
        for path in paths:
            try:
                session.get_page("warm-up", path)
            except (LookupError, OSError):
                pass

    threads = [threading.Thread(target=pages, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)


def _check(sessions: list[Session]) -> tuple[int, int, int, int, int, list[str]]:
    """(acknowledged autosaves, conversations they wrote, conversations holding the last
    acknowledged words and revision, acknowledged sign-offs, found, problems). Each autosave
    replaces the one before, so the last acknowledged one is what must be stored."""
    from conversations.models import Conversation, OutcomeRecord

    written = {pk: w for s in sessions for pk, w in s.written.items() if w.acked_words}
    stored = Conversation.objects.in_bulk(list(written))
    words = {
        conversation_id: text
        for conversation_id, code, text in OutcomeRecord.objects.filter(
            conversation_id__in=list(written)
        ).values_list("conversation_id", "outcome__code", "words")
        if code == written[conversation_id].outcome
    }
    saves = len(written)
    acked = sum(w.acked for w in written.values())
    saves_found = signs = signs_found = 0
    problems = []
    for pk, w in written.items():
        conversation = stored.get(pk)
        # The last acknowledged words, or words sent after them whose answer never came.
        ok = (
            conversation is not None
            and conversation.revision >= w.acked_revision
            and words.get(pk) in {w.acked_words, *w.sent_after_ack}
        )
        saves_found += ok
        if not ok:
            problems.append(f"conversation {pk}: words or revision {w.acked_revision} missing")
        if w.signed_off:
            signs += 1
            done = conversation is not None and conversation.status == "completed"
            signs_found += done
            if not done:
                problems.append(f"conversation {pk}: acknowledged sign-off not stored")
    return acked, saves, saves_found, signs, signs_found, problems


def run(args: argparse.Namespace) -> list[dict]:
    from django.db import connection

    title = f"load: {args.load_users} staff, {args.load_workers} gunicorn workers"
    if connection.vendor != "postgresql":
        return [{"benchmark": f"{title}: skipped (PostgreSQL only)"}]
    if not generated_partnerships():
        generate(args.conversations)
    staff = _plan(args.load_users)
    from conversations.models import Conversation

    generated = Conversation.objects.filter(partnership__code__startswith=f"{PREFIX}-").count()
    drafts_shared = len({d.pk for s in staff for d in s.drafts})
    connection.close()  # gunicorn's workers take the database from here
    budget = int(args.load_seconds / max(args.load_think / 4, 0.05)) + 100
    with tempfile.TemporaryDirectory(prefix="outcomes-load-") as folder:
        with _gunicorn(args.load_workers, Path(folder)) as port:
            _warm_up(port, staff, args.load_workers)
            start = time.monotonic()
            ramp = min(10.0, args.load_seconds / 6)
            deadline = start + ramp + args.load_seconds
            sessions = []
            threads = []
            for person in staff:
                session = Session(port, deadline, budget, args.load_think, seed=person.number)
                session._autosaves = args.load_autosaves
                sessions.append(session)
                delay = ramp * person.number / max(1, len(staff))
                thread = threading.Thread(
                    target=lambda s=session, p=person, d=delay: (time.sleep(d), s.work(p)),
                    daemon=True,
                )
                threads.append(thread)
                thread.start()
            for thread in threads:
                thread.join(timeout=max(0.0, deadline - time.monotonic()) + REQUEST_TIMEOUT + 5)
            elapsed = time.monotonic() - start
            stuck = sum(thread.is_alive() for thread in threads)
    samples = [sample for s in sessions for sample in s.samples]
    errors: Counter[str] = Counter()
    for s in sessions:
        errors.update(s.errors)
    if stuck:
        errors["client threads still waiting at the end"] += stuck
    rows = [
        {
            **_latency_row(f"{title}, all requests", samples, elapsed),
            "n": generated,
            "requests": len(samples),
            "errors": sum(errors.values()),
        }
    ]
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    for kind, kind_samples in sorted(by_kind.items()):
        row = _latency_row(f"load: {kind}", kind_samples, elapsed)
        row["requests"] = row.pop("n")
        row["errors"] = sum(n for k, n in errors.items() if k.startswith(f"{kind}:"))
        rows.append(row)
    for kind, count in sorted(errors.items()):
        rows.append({"benchmark": f"load error: {kind}", "errors": count})
    acked, saves, saves_found, signs, signs_found, problems = _check(sessions)
    rows.append(
        {
            "benchmark": f"load: {acked} acknowledged autosaves: last words and revision found "
            f"(conversations; {drafts_shared} drafts shared out)",
            "requests": saves,
            "found": saves_found,
        }
    )
    rows.append(
        {
            "benchmark": "load: acknowledged sign-offs found in the database",
            "requests": signs,
            "found": signs_found,
        }
    )
    for problem in problems[:20]:
        rows.append({"benchmark": f"load: LOST WRITE {problem}"})
    return rows
