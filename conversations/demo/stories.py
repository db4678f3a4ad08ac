"""Realistic demo conversations, written as the JSON Lines of spec §8.

For each person a story unfolds over the last eight UK financial quarters: an assessment, a
support plan a few weeks later, then reviews every three to six months. What the person says
about each outcome comes from a hidden score per outcome, so that the dashboards have something
to show:

- North Community Care: people feel safe, but those living out of town rarely see anyone and
  say transport is what stops them;
- South Community Care: home care reliability suffers from staffing;
- Community Mental Health: low to begin with, steadily better quarter by quarter;
- Learning Disability Service: plenty to do, slower on living where and as they want;
- carers: a life of their own is the hardest outcome, held back by short-lived or scarce support;
- about one review in ten is held by an independent interviewer, who hears a little less good news;
- who answered: mostly the person, with support more often in learning disability and older
  people's services, now and then a relative on their behalf; a few in another language.

The people of the case studies are not generated: their stories are written out in
``casestudies``.

Everything comes from ``random.Random`` seeded per person, so the same inputs always give the same
lines, and one person's story does not change when others are added. Identifiers are stable
(``demo-<ref>-<n>``), so importing again updates rather than duplicates.
"""

from __future__ import annotations

import json
import random
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from conversations.demo.narratives import (
    BARRIER_WORDS,
    CARER_BARRIER_WORDS,
    CARER_NARRATIVES,
    RURAL_SEEING_PEOPLE,
    USER_NARRATIVES,
    Narrative,
)
from conversations.models.records import add_months, default_review_due
from frameworks.loader import read_data_files
from frameworks.periods import Period

DEMO_ID_PREFIX = "demo-"

# In the demo's stories a review is followed by the next one three to six months later (see
# ``_story``), so that is the review date each review is signed off with; assessments and
# support plans keep the usual interval for their type (``default_review_due``).
DEMO_REVIEW_MONTHS = (3, 4, 6)


def _version(files, key: str):
    return next(v for v in files.versions if f"{v.framework['code']}/{v.version}" == key)


def _codes(version, *, domain: str | None = None) -> list[str]:
    return [o["code"] for o in version.outcomes if domain is None or o["domain"] == domain]


# The outcomes the demo speaks about, read from the framework data files (never copied here).
_FILES = read_data_files()
USER_OUTCOMES_2012 = _codes(_version(_FILES, "users/2012"))
CARER_OUTCOMES_2013 = _codes(_version(_FILES, "carers/2013"))
# How services work, for weighting: the current versions' process outcomes, and carers 2008's
# "partnership with services", which the demo speaks of in the same way.
PROCESS_OUTCOMES = {
    *_codes(_version(_FILES, "users/2012"), domain="process"),
    *_codes(_version(_FILES, "carers/2013"), domain="process"),
    "partnership_with_services",
}
CHANGE_OUTCOMES = set(_codes(_version(_FILES, "users/2012"), domain="change"))

# How the earlier versions' outcomes are spoken about, by the later outcome they map to
# (the equivalences file, read backwards). Carers 2008 has outcomes 2013 dropped.
USER_2007_FROM_2012: dict[str, list[str]] = {}
for _mapping in _FILES.equivalences:
    if (_mapping["earlier"], _mapping["later"]) == (("users", "2007"), ("users", "2012")):
        for _earlier, _later in _mapping["pairs"]:
            USER_2007_FROM_2012.setdefault(_later, []).append(_earlier)
_CARERS_MAPPED = {
    earlier
    for mapping in _FILES.equivalences
    if mapping["earlier"] == ("carers", "2008")
    for earlier, _ in mapping["pairs"]
}
CARER_2008_EXTRA = [
    code for code in _codes(_version(_FILES, "carers/2008")) if code not in _CARERS_MAPPED
]

# Teams (by the part of the code after the partnership) that moved to the current framework
# versions a little after the demo period begins; before then they recorded against 2007/2008.
LATE_ADOPTERS = {"S", "CS"}
LATE_ADOPTION_DAYS = 75

# Which outcomes people in each client group tend to name (weights; unlisted → 1).
OUTCOME_WEIGHTS: dict[str, dict[str, float]] = {
    "older_people": {
        "feeling_safe": 5,
        "seeing_people": 5,
        "staying_well": 4,
        "living_where_and_as_you_want": 4,
        "improved_mobility": 4,
        "having_things_to_do": 2,
        "dealing_with_stigma": 0.2,
        "improved_skills": 0.5,
    },
    "physical_disability": {
        "improved_mobility": 5,
        "living_where_and_as_you_want": 4,
        "having_things_to_do": 3,
        "seeing_people": 3,
        "feeling_safe": 3,
        "reduced_symptoms": 3,
        "dealing_with_stigma": 0.7,
    },
    "mental_health": {
        "improved_confidence_and_morale": 5,
        "staying_well": 4,
        "dealing_with_stigma": 4,
        "reduced_symptoms": 4,
        "seeing_people": 3,
        "having_things_to_do": 3,
        "improved_mobility": 0.2,
    },
    "substance_use": {
        "staying_well": 5,
        "feeling_safe": 4,
        "living_where_and_as_you_want": 4,
        "improved_confidence_and_morale": 3,
        "dealing_with_stigma": 3,
        "improved_mobility": 0.3,
    },
    "learning_disability": {
        "having_things_to_do": 5,
        "improved_skills": 5,
        "living_where_and_as_you_want": 4,
        "seeing_people": 4,
        "having_a_say": 3,
        "improved_mobility": 0.3,
        "reduced_symptoms": 0.3,
    },
    "carer_support": {
        "life_of_their_own": 6,
        "carer_health_and_wellbeing": 5,
        "cared_for_quality_of_life": 4,
        "informed_skilled_equipped": 4,
        "choices_in_caring": 4,
        "positive_relationship_with_cared_for": 3,
    },
}

HOBBIES: dict[str, tuple[str, ...]] = {
    "older_people": (
        "the bowling club",
        "the lunch club at the church hall",
        "the choir",
        "the knitting group",
        "my garden",
        "the fishing",
    ),
    "physical_disability": (
        "swimming at the leisure centre",
        "the computer class at the library",
        "the men's shed",
        "the photography club",
    ),
    "mental_health": (
        "the walking group",
        "the allotment",
        "the art class",
        "playing the guitar",
        "volunteering at the food bank",
    ),
    "substance_use": ("the recovery café", "the football on a Saturday", "the allotment"),
    "learning_disability": (
        "the drama group",
        "my job at the café",
        "the Friday disco",
        "swimming",
        "the gardening project",
    ),
    "carer_support": ("my book group", "the swimming", "the choir", "walking the dog"),
    "other": ("the community garden", "the library", "the bowling club"),
}
RELATIVES = ("my daughter", "my son", "my brother", "my sister", "my niece", "my neighbour")
HELPERS: dict[str, tuple[str, ...]] = {
    "mental_health": ("my support worker", "my nurse", "the peer worker"),
    "substance_use": ("my key worker", "the peer worker"),
    "learning_disability": ("my support worker", "my key worker"),
}
DEFAULT_HELPERS = ("my support worker", "the home carers", "the rehab assistant")
PLACES = ("the shops", "the post office", "the bus stop", "the village", "the park")
CARED_FOR = ("my husband", "my wife", "my mum", "my dad", "my son", "my daughter", "my partner")
ACTION_OWNERS = ("worker",) * 6 + ("person", "family", "provider")


@dataclass(frozen=True)
class DemoSubject:
    """One person (or carer) the demo tells a story about."""

    partnership: str
    team: str
    ref: str
    role: str = "user"
    client_group: str = "older_people"
    cared_for_ref: str | None = None

    @property
    def team_key(self) -> str:
        """The team code without its partnership prefix (``LOCHARD-N`` → ``N``)."""
        return self.team.split("-", 1)[-1]


@dataclass
class _Profile:
    subject: DemoSubject
    rng: random.Random
    slots: dict[str, str]
    rural: bool
    general: float
    per_outcome: dict[str, float]
    matters: list[str]
    # What a person hopes for, and the action agreed, stay the same from one conversation to
    # the next (an action not yet done is carried forward).
    kept: dict[tuple[str, str], str] = field(default_factory=dict)
    seed: int = 2026


def demo_window(today: date, quarters: int = 8) -> tuple[date, date]:
    """``(first day, last day)``: from the start of the earliest of ``quarters`` financial
    quarters (the last being today's) up to today."""
    period = Period.quarter_containing(today)
    for _ in range(quarters - 1):
        period = period.previous()
    return period.first_day, today


def demo_conversation_lines(
    *,
    people: Iterable[DemoSubject],
    today: date,
    quarters: int = 8,
    seed: int = 2026,
    target_count: int | None = None,
) -> Iterator[str]:
    """JSON Lines (spec §8) for the given people, ordered by date held then id.

    With ``target_count`` the output has exactly that many lines: people are taken in turn
    across teams, and when they run out, extra people are made up (refs numbered from 1001 on,
    as in ``N-1001``) in the same teams.
    """
    for record in demo_conversation_records(
        people=people, today=today, quarters=quarters, seed=seed, target_count=target_count
    ):
        yield json.dumps(record, ensure_ascii=False)


def demo_conversation_records(
    *,
    people: Iterable[DemoSubject],
    today: date,
    quarters: int = 8,
    seed: int = 2026,
    target_count: int | None = None,
) -> list[dict]:
    subjects = _interleave_by_team(list(people))
    if target_count is not None and target_count <= 0:
        return []
    start, end = demo_window(today, quarters)
    records: list[dict] = []
    for subject in _subjects_for(subjects, target_count):
        story = _story(subject, start=start, today=end, seed=seed)
        if target_count is not None:
            story = story[: target_count - len(records)]
        records.extend(story)
        if target_count is not None and len(records) >= target_count:
            break
    records.sort(key=lambda record: (record["date"], record["partnership"], record["id"]))
    return records


def _interleave_by_team(subjects: list[DemoSubject]) -> list[DemoSubject]:
    """One from each team in turn, so that a small target still covers every team."""
    by_team: dict[tuple[str, str], list[DemoSubject]] = {}
    for subject in sorted(subjects, key=lambda s: (s.partnership, s.team, s.ref)):
        by_team.setdefault((subject.partnership, subject.team), []).append(subject)
    queues = list(by_team.values())
    ordered: list[DemoSubject] = []
    for position in range(max((len(queue) for queue in queues), default=0)):
        ordered.extend(queue[position] for queue in queues if position < len(queue))
    return ordered


_REF_NUMBER = re.compile(r"^(?P<prefix>.*?)(?P<number>\d+)$")


def _subjects_for(subjects: list[DemoSubject], target_count: int | None) -> Iterator[DemoSubject]:
    yield from subjects
    if target_count is None or not subjects:
        return
    round_ = 1
    while True:  # the caller stops once it has enough conversations
        for subject in subjects:
            match = _REF_NUMBER.match(subject.ref)
            if match:
                number = int(match["number"]) + 1000 * round_
                ref = f"{match['prefix']}{number:04d}"
            else:
                ref = f"{subject.ref}-{round_}"
            yield replace(subject, ref=ref)
        round_ += 1


def _profile(subject: DemoSubject, seed: int) -> _Profile:
    rng = random.Random(f"{seed}:{subject.partnership}:{subject.ref}")
    group = subject.client_group
    relative = rng.choice(RELATIVES)
    helper = rng.choice(HELPERS.get(group, DEFAULT_HELPERS))
    cared_for = rng.choice(CARED_FOR)
    slots = {
        "hobby": rng.choice(HOBBIES.get(group, HOBBIES["other"])),
        "relative": relative,
        "Relative": relative[0].upper() + relative[1:],
        "helper": helper,
        "Helper": helper[0].upper() + helper[1:],
        "place": rng.choice(PLACES),
        "cared_for": cared_for,
        "Cared_for": cared_for[0].upper() + cared_for[1:],
    }
    codes = CARER_OUTCOMES_2013 if subject.role == "carer" else USER_OUTCOMES_2012
    extra = CARER_2008_EXTRA if subject.role == "carer" else []
    rural = subject.team_key == "N" and rng.random() < 0.6
    weights = dict(OUTCOME_WEIGHTS.get(group, {}))
    if subject.team_key == "N":
        weights["seeing_people"] = weights.get("seeing_people", 1) * 2
        weights["feeling_safe"] = weights.get("feeling_safe", 1) * 1.5
    if subject.team_key == "S":
        weights["reliability"] = 4
    outcome_pool = [code for code in codes if code not in PROCESS_OUTCOMES]
    process_pool = [code for code in codes if code in PROCESS_OUTCOMES]
    matters = _weighted_sample(rng, outcome_pool, weights, rng.randint(3, 6))
    matters += _weighted_sample(rng, process_pool, weights, rng.randint(1, 2))
    return _Profile(
        subject=subject,
        rng=rng,
        slots=slots,
        rural=rural,
        general=rng.gauss(0, 0.35),
        per_outcome={code: rng.gauss(0, 0.35) for code in [*codes, *extra]},
        matters=[code for code in codes if code in matters],
        seed=seed,
    )


def _weighted_sample(
    rng: random.Random, pool: list[str], weights: dict[str, float], count: int
) -> list[str]:
    pool = list(pool)
    chosen: list[str] = []
    while pool and len(chosen) < count:
        pick = rng.choices(pool, weights=[weights.get(code, 1.0) for code in pool])[0]
        chosen.append(pick)
        pool.remove(pick)
    return chosen


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _story(subject: DemoSubject, *, start: date, today: date, seed: int) -> list[dict]:
    profile = _profile(subject, seed)
    rng = profile.rng
    span = (today - start).days
    # Half the caseload is already open when the demo period begins; the rest arrive
    # steadily, with nobody new in the last month.
    if rng.random() < 0.5:
        first = start + timedelta(days=rng.randint(0, 60))
    else:
        first = start + timedelta(days=rng.randint(0, max(span - 30, 0)))
    dates = [(_weekday(first), "assessment")]
    dates.append((_weekday(first + timedelta(days=rng.randint(14, 35))), "support_plan"))
    held = dates[-1][0]
    while True:
        held = _weekday(held + timedelta(days=rng.randint(90, 160)))
        dates.append((held, "review"))
        if held > today:
            break
    dates = [(day, kind) for day, kind in dates if day <= today]
    records = []
    review_number = 0
    for number, (held, kind) in enumerate(dates, start=1):
        if kind == "review":
            review_number += 1
        progress = (held - start).days / max(span, 1)
        records.append(
            _conversation(
                profile,
                number=number,
                held=held,
                kind=kind,
                review_number=review_number,
                progress=progress,
                today=today,
                start=start,
            )
        )
    return records


def _score(
    profile: _Profile, code: str, *, progress: float, review_number: int, independent: bool
) -> float:
    """Hidden score for one outcome in one conversation: above ~0.55 achieved, below ~-0.45
    not achieved."""
    subject = profile.subject
    team = subject.team_key
    score = 0.2 + profile.general + profile.per_outcome.get(code, 0.0)
    if code in PROCESS_OUTCOMES:
        score += 0.3
    elif code in CHANGE_OUTCOMES:
        score -= 0.1
    score += min(review_number, 4) * 0.12
    if team == "N":
        if code == "feeling_safe":
            score += 0.6
        if code == "seeing_people":
            score -= 1.3 if profile.rural else 0.3
    elif team == "S":
        if code == "reliability":
            score -= 0.7
        if code == "responded_to":
            score -= 0.2
    elif team == "MH":
        score += -1.1 + 1.7 * progress
    elif team == "LD":
        if code == "having_things_to_do":
            score += 0.9
        if code == "improved_skills":
            score += 0.5
        if code == "living_where_and_as_you_want":
            score -= 0.4
    if subject.role == "carer":
        if code == "life_of_their_own":
            score -= 0.9
        if code == "carer_health_and_wellbeing":
            score -= 0.3
    group = subject.client_group
    if group == "substance_use" and code in {"feeling_safe", "staying_well"}:
        score -= 0.4
    if group == "physical_disability" and code == "improved_mobility":
        score += 0.3
    if group == "older_people" and code in {"improved_mobility", "reduced_symptoms"}:
        score -= 0.2
    if independent:
        score -= 0.35
    return score + profile.rng.gauss(0, 0.6)


def _status(score: float) -> str:
    if score >= 0.55:
        return "achieved"
    if score >= -0.45:
        return "partly_achieved"
    return "not_achieved"


def _answer(score: float) -> str:
    if score >= 0.2:
        return "yes"
    if score >= -0.6:
        return "partly"
    return "no"


def _fill(profile: _Profile, options: tuple[str, ...]) -> str:
    return profile.rng.choice(options).format(**profile.slots)


def _kept(profile: _Profile, code: str, part: str, options: tuple[str, ...]) -> str:
    key = (code, part)
    if key not in profile.kept:
        profile.kept[key] = _fill(profile, options)
    return profile.kept[key]


def _narrative(profile: _Profile, code: str) -> Narrative:
    if code == "seeing_people" and profile.rural:
        return RURAL_SEEING_PEOPLE
    bank = CARER_NARRATIVES if profile.subject.role == "carer" else USER_NARRATIVES
    return bank[code]


def _barriers(profile: _Profile, code: str) -> list[str]:
    """The barrier codes someone in this person's position most often names for this outcome."""
    subject = profile.subject
    rng = profile.rng
    if code == "seeing_people" and profile.rural:
        likely = ["transport", "transport", "transport", "resources"]
    elif subject.role == "carer" and code in {"life_of_their_own", "carer_health_and_wellbeing"}:
        likely = ["time_limited", "time_limited", "resources", "resources", "staffing"]
    elif code in {"reliability", "responded_to", "relationship_with_practitioners"}:
        likely = ["staffing", "staffing", "not_joined_up"]
    elif subject.team_key == "MH":
        likely = ["not_joined_up", "information", "resources", "staffing"]
    elif code in {"having_things_to_do", "seeing_people"}:
        likely = ["transport", "resources", "information"]
    else:
        likely = ["resources", "information", "not_joined_up", "staffing", "time_limited", "other"]
    first = rng.choice(likely)
    chosen = [first]
    if rng.random() < 0.12:
        second = rng.choice(likely)
        if second != first:
            chosen.append(second)
    return chosen


def _barrier_words(profile: _Profile, barriers: list[str]) -> str:
    bank = CARER_BARRIER_WORDS if profile.subject.role == "carer" else BARRIER_WORDS
    return " ".join(_fill(profile, bank[barrier]) for barrier in barriers)


def _action_text(profile: _Profile, code: str, held: date) -> str:
    narrative = _narrative(profile, code)
    what = _kept(profile, code, "action", narrative.actions)
    owner = profile.rng.choice(ACTION_OWNERS)
    who = {
        "worker": "the worker",
        "person": "the person" if profile.subject.role == "user" else "the carer",
        "family": profile.slots["relative"].replace("my ", "their "),
        "provider": "the provider",
    }[owner]
    due = held + timedelta(days=profile.rng.choice((14, 28, 28, 42, 56)))
    return f"{what} — {who}, by {due.day} {due:%B %Y}"


def _output_codes(code: str, framework_version: str) -> list[str]:
    if framework_version == "2007":
        return USER_2007_FROM_2012[code]
    return [code]


def _conversation(
    profile: _Profile,
    *,
    number: int,
    held: date,
    kind: str,
    review_number: int,
    progress: float,
    today: date,
    start: date,
) -> dict:
    subject = profile.subject
    rng = profile.rng
    is_carer = subject.role == "carer"
    early = (held - start).days < LATE_ADOPTION_DAYS and subject.team_key in LATE_ADOPTERS
    framework = "carers" if is_carer else "users"
    version = ("2008" if early else "2013") if is_carer else ("2007" if early else "2012")
    independent = kind == "review" and rng.random() < 0.1
    codes = CARER_OUTCOMES_2013 if is_carer else USER_OUTCOMES_2012
    scores = {
        code: _score(
            profile,
            code,
            progress=progress,
            review_number=review_number,
            independent=independent,
        )
        for code in [*codes, *(CARER_2008_EXTRA if is_carer else [])]
    }

    matters = list(profile.matters)
    if version == "2008" and rng.random() < 0.5:
        matters.append(rng.choice(CARER_2008_EXTRA))
    outcomes = []
    emitted: set[str] = set()
    for code in matters:
        for output_code in _output_codes(code, version):
            if output_code not in emitted:  # two 2012 outcomes share one 2007 outcome
                emitted.add(output_code)
                outcomes.append(_outcome(profile, code, output_code, kind, scores[code], held))

    measures: dict[str, str] = {}
    if kind != "support_plan":
        if is_carer:
            candidates = {
                "NM2": scores["having_a_say_in_services"],
                "NM4": (
                    scores["choices_in_caring"]
                    + scores["informed_skilled_equipped"]
                    + scores["life_of_their_own"]
                )
                / 3
                + 0.2,
            }
        else:
            candidates = {
                "NM1": scores["feeling_safe"],
                "NM2": scores["having_a_say"],
                "NM3": (scores["seeing_people"] + scores["having_things_to_do"]) / 2,
            }
        for code, score in candidates.items():
            roll = rng.random()
            if roll < 0.03:
                continue  # the question was skipped altogether
            measures[code] = "not_answered" if roll < 0.08 else _answer(score + rng.gauss(0, 0.5))

    sign_off_day = held + timedelta(days=rng.choice((0, 1, 1, 2, 2, 3)))
    recent = (today - held).days <= 12 and rng.random() < 0.7
    # Signed off no later than yesterday: a sign-off later today would be in the future when the
    # demo is loaded in the small hours (the import refuses completed_at after now).
    completed = sign_off_day < today and not recent
    hour, minute = rng.randint(9, 16), rng.choice((0, 15, 30, 45))
    completed_at = f"{sign_off_day.isoformat()}T{hour:02d}:{minute:02d}:00Z" if completed else None
    external_id = f"{DEMO_ID_PREFIX}{subject.ref}-{number:02d}"
    review_due = {"review_due": _review_due(external_id, kind, held)} if completed else {}
    record = {
        "id": external_id,
        "partnership": subject.partnership,
        "team": subject.team,
        "subject": {
            "ref": subject.ref,
            "role": subject.role,
            "client_group": subject.client_group,
            "cared_for_ref": subject.cared_for_ref,
        },
        "framework": framework,
        "framework_version": version,
        "type": kind,
        "date": held.isoformat(),
        "completed_at": completed_at,
        **review_due,
        "status": "completed" if completed else "draft",
        "interviewer": "independent" if independent else "practitioner",
        **_who_answered(subject, number=number, seed=profile.seed),
        "measures": measures,
        "outcomes": outcomes,
    }
    if kind == "review":
        _carer_view(record, seed=profile.seed)
    return record


# Who answered. Most people answer for themselves; help to say what they want is commoner in
# the learning disability and older people's groups, and now and then a relative answers for
# someone too unwell to. Carers mostly answer for themselves. A few people speak another
# language, most of them with an interpreter.
# client group: (share answered with support, share answered by someone else)
ANSWERED_BY_SHARES: dict[str, tuple[float, float]] = {
    "learning_disability": (0.35, 0.06),
    "older_people": (0.22, 0.07),
    "physical_disability": (0.08, 0.02),
    "mental_health": (0.06, 0.02),
    "substance_use": (0.05, 0.01),
    "carer_support": (0.03, 0.01),
    "other": (0.1, 0.03),
}
ANSWERING_RELATIVES: dict[str, tuple[str, ...]] = {
    "learning_disability": ("mother", "father", "brother", "sister"),
    "carer_support": ("daughter", "son", "friend"),
}
DEFAULT_ANSWERING_RELATIVES = ("daughter", "son", "wife", "husband", "brother", "friend")
OTHER_LANGUAGES = ("Polish", "Punjabi", "Urdu", "Gaelic", "British Sign Language", "Cantonese")
OTHER_LANGUAGE_SHARE = 0.05


def _who_answered(subject: DemoSubject, *, number: int, seed: int) -> dict:
    """The who-answered keys of one conversation, as the export writes them. Drawn from their
    own seeded generators (the person's language from one per person, each conversation's
    answer from one per conversation), so the rest of the story is unchanged by them."""
    person = random.Random(f"{seed}:{subject.partnership}:{subject.ref}:language")
    language, interpreter = "English", False
    if person.random() < OTHER_LANGUAGE_SHARE:
        language = person.choice(OTHER_LANGUAGES)
        interpreter = language == "British Sign Language" or person.random() < 0.7
    # Someone who needs help to answer usually needs it each time.
    with_support, someone_else = ANSWERED_BY_SHARES.get(subject.client_group, (0.1, 0.03))
    tends_to = person.random()
    rng = random.Random(f"{seed}:{subject.partnership}:{subject.ref}:{number}:answered")
    roll = rng.random() if rng.random() < 0.3 else tends_to
    who: dict = {"answered_by": "person"}
    if roll < someone_else:
        relatives = ANSWERING_RELATIVES.get(subject.client_group, DEFAULT_ANSWERING_RELATIVES)
        who = {"answered_by": "someone_else", "answered_by_relationship": rng.choice(relatives)}
    elif roll < someone_else + with_support:
        who = {"answered_by": "person_with_support"}
    who["language"] = language
    if interpreter:
        who["interpreter"] = True
    return who


_STATUS_ORDER = ["not_achieved", "partly_achieved", "achieved"]


def _carer_view(record: dict, *, seed: int) -> None:
    """Where a relative helped or answered at a review, now and then they see one outcome a
    step less hopefully than the person does: their view is kept as ``carer_status``."""
    if record["subject"]["role"] != "user" or record["answered_by"] == "person":
        return
    rng = random.Random(f"{seed}:{record['partnership']}:{record['id']}:carer-view")
    if rng.random() >= 0.3:
        return
    rated = [o for o in record["outcomes"] if o["status"] in ("achieved", "partly_achieved")]
    if rated:
        outcome = rng.choice(rated)
        outcome["carer_status"] = _STATUS_ORDER[_STATUS_ORDER.index(outcome["status"]) - 1]


def _review_due(external_id: str, kind: str, held: date) -> str:
    """The review date a conversation was signed off with. A review's months follow from its
    id, so re-seeding sets the same dates, and the latest reviews fall partly overdue and
    partly due, as in a real caseload."""
    if kind == "review":
        months = DEMO_REVIEW_MONTHS[zlib.crc32(external_id.encode()) % len(DEMO_REVIEW_MONTHS)]
        return add_months(held, months).isoformat()
    return default_review_due(type=kind, date_held=held).isoformat()


def _outcome(
    profile: _Profile,
    code: str,
    output_code: str,
    kind: str,
    score: float,
    held: date,
) -> dict:
    rng = profile.rng
    narrative = _narrative(profile, code)
    record: dict = {"code": output_code, "matters": True}
    if kind == "review":
        status = _status(score)
        if code in CHANGE_OUTCOMES and rng.random() < 0.03:
            status = "not_applicable"
        record["status"] = status
        if status != "not_applicable" and rng.random() < 0.06:
            # The practitioner reads it a step more hopefully (or, now and then, less).
            order = ["not_achieved", "partly_achieved", "achieved"]
            step = 1 if rng.random() < 0.75 else -1
            index = min(max(order.index(status) + step, 0), 2)
            if order[index] != status:
                record["practitioner_status"] = order[index]
        words = {
            "achieved": narrative.achieved,
            "partly_achieved": narrative.partly,
            "not_achieved": narrative.not_achieved,
            "not_applicable": narrative.hope,
        }[status]
        record["words"] = _fill(profile, words)
        record["helping"] = _fill(profile, narrative.helping) if status != "not_achieved" else ""
        if status in {"partly_achieved", "not_achieved"}:
            barriers = _barriers(profile, code)
            record["barriers"] = barriers
            record["barrier_words"] = _barrier_words(profile, barriers)
            record["actions"] = _action_text(profile, code, held)
        else:
            record["barriers"] = []
            record["barrier_words"] = ""
            record["actions"] = ""
    else:
        record["status"] = None
        record["words"] = _kept(profile, code, "hope", narrative.hope)
        record["helping"] = ""
        if score < 0.2:
            barriers = _barriers(profile, code)
            record["barriers"] = barriers
            record["barrier_words"] = _barrier_words(profile, barriers)
        else:
            record["barriers"] = []
            record["barrier_words"] = ""
        record["actions"] = _action_text(profile, code, held) if kind == "support_plan" else ""
    _code_words(record, code)
    return record


# How the demo's practitioners code what people said: the starter codebook's theme for each
# barrier named, "process and protocol" where a process outcome falls short, and the kinds of
# help the words of "what is helping" name. Derived from the record alone (no random draws),
# so coding never changes the rest of the demo.
THEMES_OF_BARRIERS = {
    "transport": "transport",
    "staffing": "staffing",
    "resources": "resources",
    "time_limited": "time_limited",
    "not_joined_up": "not_joined_up",
    "information": "not_knowing",
}
HELP_WORDS = {
    "family_friends": (
        "daughter",
        "son",
        "brother",
        "sister",
        "niece",
        "neighbour",
        "wife",
        "husband",
        "friend",
        "family",
        "mum",
        "dad",
    ),
    "community_groups": ("club", "group", "church", "lunch", "day centre", "befriend"),
    "the_service": (
        "support worker",
        "home carers",
        "carers",
        "rehab",
        "worker",
        "team",
        "respite",
        "nurse",
    ),
    "equipment_adaptations": (
        "alarm",
        "rail",
        "equipment",
        "frame",
        "scooter",
        "lock",
        "stairlift",
        "walker",
        "adapt",
    ),
    "own_strengths": ("myself", "my own", "i've learned", "i have learned", "practice"),
}


def _code_words(record: dict, code: str) -> None:
    themes = {THEMES_OF_BARRIERS[b] for b in record.get("barriers", []) if b in THEMES_OF_BARRIERS}
    if code in PROCESS_OUTCOMES and record.get("status") in {"partly_achieved", "not_achieved"}:
        themes.add("process")
    helping = record.get("helping", "").lower()
    kinds = sorted(kind for kind, words in HELP_WORDS.items() if any(w in helping for w in words))
    if kinds:
        record["helping_kinds"] = kinds
    if themes:
        record["themes"] = sorted(themes)
