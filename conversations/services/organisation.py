"""Load the organisation file (spec §8): partnerships, their teams and local improvement targets.

The whole file is checked first and every problem collected; only a clean file is applied, in
one transaction. Applying is idempotent: rows are matched on their natural keys (partnership
code; team code within its partnership; measure or outcome, period and team for a target) and
only written when something differs. Nothing absent from the file is deleted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import models, transaction

from conversations.audit import audit
from conversations.models import AuditAction, Partnership, Target, Team, Theme
from conversations.models.themes import THEME_CODE
from frameworks.models import Measure, Outcome
from frameworks.periods import Period, PeriodError

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


class OrganisationFileError(Exception):
    """The file cannot be loaded; ``problems`` lists every reason, one sentence each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the organisation file")
        self.problems = problems


@dataclass
class ImportReport:
    """How many rows of each kind were created, updated or left unchanged."""

    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {
            kind: {CREATED: 0, UPDATED: 0, UNCHANGED: 0}
            for kind in ("partnerships", "teams", "targets", "themes")
        }
    )

    def add(self, kind: str, outcome: str) -> None:
        self.counts[kind][outcome] += 1

    @property
    def changed(self) -> bool:
        return any(c[CREATED] or c[UPDATED] for c in self.counts.values())

    def lines(self) -> list[str]:
        return [
            f"{kind}: {c[CREATED]} created, {c[UPDATED]} updated, {c[UNCHANGED]} unchanged"
            for kind, c in self.counts.items()
        ]


@dataclass(frozen=True)
class _TargetRow:
    team_code: str | None
    measure_code: str | None
    outcome_code: str
    period: str
    target: Decimal


@dataclass(frozen=True)
class _PartnershipRow:
    code: str
    name: str
    teams: dict[str, str]  # code -> name, in file order
    targets: tuple[_TargetRow, ...]
    themes: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> label, description


def _text(value: Any, where: str, key: str, max_length: int, problems: list[str]) -> str | None:
    """A required, non-blank string field; records a problem and returns None otherwise."""
    if key not in value or value[key] is None:
        problems.append(f"{where}: {key!r} is missing")
        return None
    text = value[key]
    if not isinstance(text, str) or not text.strip():
        problems.append(f"{where}: {key!r} must be a non-blank string")
        return None
    text = text.strip()
    if len(text) > max_length:
        problems.append(f"{where}: {key!r} is longer than {max_length} characters")
        return None
    return text


def _code(value: Any, where: str, key: str, max_length: int, problems: list[str]) -> str | None:
    code = _text(value, where, key, max_length, problems)
    if code is None:
        return None
    try:
        validate_slug(code)
    except ValidationError:
        problems.append(
            f"{where}: {key!r} {code!r} may only contain letters, digits, hyphens and underscores"
        )
        return None
    return code


def _list(value: dict, where: str, key: str, problems: list[str]) -> list:
    items = value.get(key, [])
    if items is None:
        return []
    if not isinstance(items, list):
        problems.append(f"{where}: {key!r} must be a list")
        return []
    return items


def _percentage(value: Any, where: str, problems: list[str]) -> Decimal | None:
    if "target" not in value or value["target"] is None:
        problems.append(f"{where}: 'target' is missing")
        return None
    raw = value["target"]
    # bool is an int in Python; a target of true is a mistake, not 1%.
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        problems.append(f"{where}: 'target' must be a number, not {raw!r}")
        return None
    try:
        number = Decimal(str(raw))
    except InvalidOperation:
        problems.append(f"{where}: 'target' {raw!r} is not a number")
        return None
    if not number.is_finite() or not Decimal(0) <= number <= Decimal(100):
        problems.append(f"{where}: 'target' {raw} must be a percentage from 0 to 100")
        return None
    if number != number.quantize(Decimal("0.1")):
        problems.append(f"{where}: 'target' {raw} has more than one decimal place")
        return None
    return number.quantize(Decimal("0.1"))


def _check_target(
    raw: Any,
    where: str,
    team_codes: set[str],
    measure_codes: set[str],
    outcome_codes: set[str],
    problems: list[str],
) -> _TargetRow | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: a target must be an object")
        return None
    before = len(problems)
    measure_code = outcome_code = None
    has_measure = raw.get("measure") is not None
    has_outcome = raw.get("outcome") is not None
    if has_measure == has_outcome:
        problems.append(f"{where}: give either 'measure' or 'outcome' (exactly one)")
    elif has_measure:
        measure_code = _text(raw, where, "measure", 10, problems)
        if measure_code and measure_code not in measure_codes:
            known = ", ".join(sorted(measure_codes)) or "none loaded"
            problems.append(f"{where}: unknown measure {measure_code!r} (known: {known})")
    else:
        outcome_code = _text(raw, where, "outcome", 60, problems)
        if outcome_code and outcome_code not in outcome_codes:
            problems.append(f"{where}: unknown outcome {outcome_code!r}")
    period_text = _text(raw, where, "period", 12, problems)
    period = None
    if period_text is not None:
        try:
            period = str(Period.parse(period_text))
        except PeriodError as error:
            problems.append(f"{where}: bad period: {error}")
    target = _percentage(raw, where, problems)
    team_code = raw.get("team")
    if team_code is not None:
        if not isinstance(team_code, str) or team_code.strip() not in team_codes:
            problems.append(f"{where}: team {team_code!r} is not a team of this partnership")
        else:
            team_code = team_code.strip()
    if len(problems) > before:
        return None
    return _TargetRow(team_code, measure_code, outcome_code or "", period, target)


def _check_themes(raw: dict, where: str, problems: list[str]) -> dict[str, tuple[str, str]]:
    """The partnership's codebook of themes, if the file gives one: ``code -> (label,
    description)``. Codes are lower-case letters, digits and underscores, as on the themes
    page; a theme the file leaves out is kept as it is (themes are retired, never deleted)."""
    themes: dict[str, tuple[str, str]] = {}
    for index, item in enumerate(_list(raw, where, "themes", problems), start=1):
        at = f"{where}, theme {index}"
        if not isinstance(item, dict):
            problems.append(f"{at}: a theme must be an object")
            continue
        code = _text(item, at, "code", 40, problems)
        label = _text(item, at, "label", 120, problems)
        description = item.get("description") or ""
        if not isinstance(description, str):
            problems.append(f"{at}: 'description' must be text")
            continue
        if code is not None and not THEME_CODE.fullmatch(code):
            problems.append(f"{at}: code {code!r} may only use lower-case letters, digits and _")
        elif code in themes:
            problems.append(f"{at}: duplicate theme code {code!r} in {where}")
        elif code and label:
            themes[code] = (label, description.strip())
    return themes


def organisation_check(text: str) -> list[_PartnershipRow]:
    """Parse and check the whole file; raise ``OrganisationFileError`` listing every problem."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise OrganisationFileError(
            [f"line {error.lineno}, column {error.colno}: not valid JSON ({error.msg})"]
        ) from error
    if not isinstance(data, dict) or not isinstance(data.get("partnerships"), list):
        raise OrganisationFileError(['the file must be a JSON object with a "partnerships" list'])

    problems: list[str] = []
    measure_codes = set(Measure.objects.values_list("code", flat=True))
    outcome_codes = set(Outcome.objects.values_list("code", flat=True).distinct())
    existing_teams: dict[str, set[str]] = {}
    for partnership_code, team_code in Team.objects.values_list("partnership__code", "code"):
        existing_teams.setdefault(partnership_code, set()).add(team_code)

    rows: list[_PartnershipRow] = []
    seen_partnerships: dict[str, str] = {}
    for p_index, raw in enumerate(data["partnerships"], start=1):
        where = f"partnership {p_index}"
        if not isinstance(raw, dict):
            problems.append(f"{where}: must be an object")
            continue
        code = _code(raw, where, "code", 20, problems)
        name = _text(raw, where, "name", 200, problems)
        if code:
            where = f"partnership {p_index} ({code})"
            if code in seen_partnerships:
                problems.append(
                    f"{where}: duplicate partnership code {code!r} (also {seen_partnerships[code]})"
                )
            else:
                seen_partnerships[code] = f"partnership {p_index}"

        teams: dict[str, str] = {}
        for t_index, raw_team in enumerate(_list(raw, where, "teams", problems), start=1):
            team_where = f"{where}, team {t_index}"
            if not isinstance(raw_team, dict):
                problems.append(f"{team_where}: a team must be an object")
                continue
            team_code = _code(raw_team, team_where, "code", 30, problems)
            team_name = _text(raw_team, team_where, "name", 200, problems)
            if team_code and team_code in teams:
                problems.append(f"{team_where}: duplicate team code {team_code!r} in {where}")
            elif team_code and team_name:
                teams[team_code] = team_name

        known_teams = set(teams) | existing_teams.get(code or "", set())
        targets: list[_TargetRow] = []
        seen_targets: set[tuple] = set()
        for g_index, raw_target in enumerate(_list(raw, where, "targets", problems), start=1):
            target_where = f"{where}, target {g_index}"
            row = _check_target(
                raw_target, target_where, known_teams, measure_codes, outcome_codes, problems
            )
            if row is None:
                continue
            key = (row.measure_code, row.outcome_code, row.period, row.team_code)
            if key in seen_targets:
                problems.append(
                    f"{target_where}: duplicate target for "
                    f"{row.measure_code or row.outcome_code} {row.period} "
                    f"{'team ' + row.team_code if row.team_code else 'the partnership'}"
                )
                continue
            seen_targets.add(key)
            targets.append(row)
        themes = _check_themes(raw, where, problems)
        if code and name:
            rows.append(_PartnershipRow(code, name, teams, tuple(targets), themes))

    if problems:
        raise OrganisationFileError(problems)
    return rows


def _upsert(
    model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]
) -> tuple[models.Model, str]:
    """Like ``update_or_create``, but writes nothing when the stored row already matches."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), CREATED
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return obj, UNCHANGED
    for name in changed:
        setattr(obj, name, values[name])
    obj.save(update_fields=changed + (["updated_at"] if hasattr(obj, "updated_at") else []))
    return obj, UPDATED


@transaction.atomic
def organisation_import(*, text: str) -> ImportReport:
    """Check the whole file, then create or update its partnerships, teams and targets."""
    rows = organisation_check(text)
    measures = {m.code: m for m in Measure.objects.all()}
    report = ImportReport()
    for row in rows:
        partnership, outcome = _upsert(Partnership, {"code": row.code}, {"name": row.name})
        report.add("partnerships", outcome)
        teams = {t.code: t for t in partnership.teams.all()}
        for team_code, team_name in row.teams.items():
            team, outcome = _upsert(
                Team, {"partnership": partnership, "code": team_code}, {"name": team_name}
            )
            teams[team_code] = team
            report.add("teams", outcome)
        for target in row.targets:
            _, outcome = _upsert(
                Target,
                {
                    "partnership": partnership,
                    "team": teams[target.team_code] if target.team_code else None,
                    "measure": measures.get(target.measure_code) if target.measure_code else None,
                    "outcome_code": target.outcome_code,
                    "period": target.period,
                },
                {"target": target.target},
            )
            report.add("targets", outcome)
        for theme_code, (label, description) in row.themes.items():
            theme, outcome = _upsert(
                Theme,
                {"partnership": partnership, "code": theme_code},
                {"label": label, "description": description},
            )
            report.add("themes", outcome)
            if outcome != UNCHANGED:
                audit(
                    action=AuditAction.THEME_CREATED
                    if outcome == CREATED
                    else AuditAction.THEME_CHANGED,
                    detail={"partnership": row.code, "themes": [theme_code], "from": "file"},
                )
    return report
