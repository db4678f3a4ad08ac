"""Load outcome frameworks and reference codes from the versioned files in ``frameworks/data/``.

One file per framework version (``<framework>-<version>.json``) plus ``measures.json``,
``barriers.json``, ``client_groups.json`` and ``equivalences.json``.

Loading is idempotent and all-or-nothing: every file is checked first, then everything is
written inside one transaction; any problem rolls the whole load back. A published version
already in the database is never edited in place: if its file now says something different,
the load is refused (publish a new version file instead). Measures, barrier codes and client
groups are reference data and are brought up to date from their files.

The loader only uses plain managers and fields, so the data migration can run it against
historical models (``ModelSet.from_apps(apps)``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError

DATA_DIR = Path(__file__).resolve().parent / "data"
REFERENCE_FILES = frozenset(
    {
        "measures.json",
        "barriers.json",
        "client_groups.json",
        "equivalences.json",
        "starter_themes.json",
    }
)
ROLES = ("user", "carer")
POPULATIONS = ("users", "carers", "users and carers")
_CODE = re.compile(r"^[a-z0-9_]+$")
_VERSION_FILE = re.compile(r"^(?P<framework>[a-z0-9_]+)-(?P<version>[A-Za-z0-9_.]+)\.json$")


class LoaderError(Exception):
    """The files could not be loaded; ``problems`` lists every reason, one sentence each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass
class LoadResult:
    """What a load did, as readable labels such as ``"version users 2012"``."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


@dataclass(frozen=True)
class ModelSet:
    """The model classes to write through: the real ones, or a migration's historical ones."""

    Framework: Any
    FrameworkVersion: Any
    Domain: Any
    Outcome: Any
    OutcomeEquivalence: Any
    Measure: Any
    BarrierCode: Any
    ClientGroup: Any

    @classmethod
    def current(cls) -> ModelSet:
        from frameworks import models

        return cls(**{name: getattr(models, name) for name in cls.__dataclass_fields__})

    @classmethod
    def from_apps(cls, apps: Any) -> ModelSet:
        return cls(
            **{name: apps.get_model("frameworks", name) for name in cls.__dataclass_fields__}
        )


# --- reading and checking the files -------------------------------------------------------


@dataclass
class VersionSpec:
    filename: str
    framework: dict[str, str]
    version: str
    title: str
    summary: str
    source: str
    published: bool
    previous: str | None
    domains: list[dict[str, Any]]
    outcomes: list[dict[str, Any]]

    @property
    def key(self) -> str:
        return f"{self.framework['code']} {self.version}"

    def snapshot(self) -> dict[str, Any]:
        """The version's content in the same shape as ``_stored_snapshot`` builds from the db."""
        snap: dict[str, Any] = {
            "framework": self.framework["code"],
            "title": self.title,
            "summary": self.summary,
            "source": self.source,
            "published": self.published,
            "previous": self.previous,
        }
        for domain in self.domains:
            snap[f"domain {domain['code']}"] = {
                "label": domain["label"],
                "description": domain["description"],
                "order": domain["order"],
            }
        for order, outcome in enumerate(self.outcomes, start=1):
            snap[f"outcome {outcome['code']}"] = {
                "label": outcome["label"],
                "prompt": outcome["prompt"],
                "domain": outcome["domain"],
                "order": order,
            }
        return snap


@dataclass
class DataFiles:
    versions: list[VersionSpec]
    measures: list[dict[str, Any]]
    barriers: list[dict[str, Any]]
    client_groups: list[dict[str, Any]]
    equivalences: list[dict[str, Any]]


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def read(self, path: Path) -> Any:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            self.problems.append(f"{path.name}: file not found.")
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            self.problems.append(f"{path.name}: not readable JSON ({error}).")
        return None

    def text(self, where: str, item: Any, key: str, *, blank: bool = False) -> str:
        value = item.get(key) if isinstance(item, dict) else None
        if not isinstance(value, str) or (not blank and not value.strip()):
            self.problems.append(f"{where}: '{key}' must be {'' if blank else 'non-empty '}text.")
            return ""
        return value

    def code(self, where: str, item: Any, key: str = "code") -> str:
        value = self.text(where, item, key)
        if value and not _CODE.match(value):
            self.problems.append(
                f"{where}: {key} '{value}' must use lower-case letters, digits and underscores."
            )
        return value

    def items(self, where: str, data: Any, key: str) -> list[Any]:
        value = data.get(key) if isinstance(data, dict) else None
        if not isinstance(value, list) or not value:
            self.problems.append(f"{where}: '{key}' must be a non-empty list.")
            return []
        return value

    def unique(self, where: str, codes: list[str], what: str) -> None:
        seen: set[str] = set()
        for code in codes:
            if code in seen:
                self.problems.append(f"{where}: {what} code '{code}' appears more than once.")
            seen.add(code)

    def coded_list(self, path: Path, key: str) -> list[dict[str, Any]]:
        data = self.read(path)
        if data is None:
            return []
        rows = []
        for index, item in enumerate(self.items(path.name, data, key), start=1):
            where = f"{path.name} {key}[{index}]"
            rows.append(
                {
                    "code": self.code(where, item),
                    "label": self.text(where, item, "label"),
                    "order": index,
                }
            )
        self.unique(path.name, [row["code"] for row in rows], key.rstrip("s"))
        return rows

    def measures(self, path: Path) -> list[dict[str, Any]]:
        data = self.read(path)
        if data is None:
            return []
        rows = []
        for index, item in enumerate(self.items(path.name, data, "measures"), start=1):
            where = f"{path.name} measures[{index}]"
            population = self.text(where, item, "population")
            if population and population not in POPULATIONS:
                self.problems.append(
                    f"{where}: population '{population}' must be one of {', '.join(POPULATIONS)}."
                )
            rows.append(
                {
                    "code": self.text(where, item, "code"),
                    "title": self.text(where, item, "title"),
                    "population": population,
                    "question": self.text(where, item, "question"),
                    "definition": self.text(where, item, "definition", blank=True),
                    "order": index,
                }
            )
        self.unique(path.name, [row["code"] for row in rows], "measure")
        return rows

    def equivalences(self, path: Path) -> list[dict[str, Any]]:
        data = self.read(path)
        if data is None:
            return []
        mappings = []
        for index, item in enumerate(self.items(path.name, data, "mappings"), start=1):
            where = f"{path.name} mappings[{index}]"
            ends = {}
            for end in ("earlier", "later"):
                text = self.text(where, item, end)
                framework, _, version = text.partition("/")
                if text and not (framework and version):
                    self.problems.append(f"{where}: {end} must read '<framework>/<version>'.")
                ends[end] = (framework, version)
            pairs = []
            for pair in self.items(where, item, "pairs"):
                if (
                    isinstance(pair, list)
                    and len(pair) == 2
                    and all(isinstance(code, str) and _CODE.match(code) for code in pair)
                ):
                    pairs.append((pair[0], pair[1]))
                else:
                    self.problems.append(f"{where}: {pair!r} is not a pair of outcome codes.")
            mappings.append({**ends, "pairs": pairs})
        return mappings

    def version(self, path: Path) -> VersionSpec | None:
        data = self.read(path)
        if data is None:
            return None
        where = path.name
        if not isinstance(data, dict):
            self.problems.append(f"{where}: must hold a JSON object.")
            return None
        framework = data.get("framework")
        framework_code = self.code(f"{where} framework", framework)
        framework_name = self.text(f"{where} framework", framework, "name")
        role = self.text(f"{where} framework", framework, "role")
        if role and role not in ROLES:
            self.problems.append(f"{where}: framework role '{role}' must be user or carer.")
        version = self.text(where, data, "version")
        named = _VERSION_FILE.match(path.name)
        if named and (named["framework"], named["version"]) != (framework_code, version):
            self.problems.append(
                f"{where}: the file name says {named['framework']} {named['version']} "
                f"but the file holds {framework_code} {version}."
            )
        published = data.get("published")
        if not isinstance(published, bool):
            self.problems.append(f"{where}: 'published' must be true or false.")
        previous = data.get("previous")
        if previous is not None and not (isinstance(previous, str) and previous):
            self.problems.append(f"{where}: 'previous' must be a version or null.")

        domains = []
        for index, item in enumerate(self.items(where, data, "domains"), start=1):
            place = f"{where} domains[{index}]"
            order = item.get("order") if isinstance(item, dict) else None
            if not isinstance(order, int) or isinstance(order, bool) or order < 0:
                self.problems.append(f"{place}: 'order' must be a whole number.")
            domains.append(
                {
                    "code": self.code(place, item),
                    "label": self.text(place, item, "label"),
                    "description": self.text(place, item, "description", blank=True),
                    "order": order,
                }
            )
        domain_codes = {domain["code"] for domain in domains}
        self.unique(where, [domain["code"] for domain in domains], "domain")

        outcomes = []
        for index, item in enumerate(self.items(where, data, "outcomes"), start=1):
            place = f"{where} outcomes[{index}]"
            domain = self.code(place, item, "domain")
            if domain and domain not in domain_codes:
                self.problems.append(f"{place}: domain '{domain}' is not one of this version's.")
            outcomes.append(
                {
                    "code": self.code(place, item),
                    "label": self.text(place, item, "label"),
                    "prompt": self.text(place, item, "prompt"),
                    "domain": domain,
                }
            )
        self.unique(where, [outcome["code"] for outcome in outcomes], "outcome")
        return VersionSpec(
            filename=path.name,
            framework={"code": framework_code, "name": framework_name, "role": role},
            version=version,
            title=self.text(where, data, "title"),
            summary=self.text(where, data, "summary", blank=True),
            source=self.text(where, data, "source", blank=True),
            published=bool(published),
            previous=previous,
            domains=domains,
            outcomes=outcomes,
        )


def read_data_files(data_dir: Path = DATA_DIR) -> DataFiles:
    """Read and check every file in ``data_dir``; raise ``LoaderError`` listing all problems."""
    checker = _Checker()
    version_paths = sorted(
        path for path in Path(data_dir).glob("*.json") if path.name not in REFERENCE_FILES
    )
    versions = [spec for path in version_paths if (spec := checker.version(path)) is not None]
    if not versions:
        checker.problems.append(f"{data_dir}: no framework version files found.")
    seen: dict[str, VersionSpec] = {}
    for spec in versions:
        if spec.key in seen:
            checker.problems.append(
                f"{spec.filename}: {spec.key} is also in {seen[spec.key].filename}."
            )
        seen[spec.key] = spec
        same_framework = [
            other for other in versions if other.framework["code"] == spec.framework["code"]
        ]
        if any(other.framework != spec.framework for other in same_framework):
            checker.problems.append(
                f"{spec.filename}: framework {spec.framework['code']} is described differently "
                "in another version file (name and role must match)."
            )
    files = DataFiles(
        versions=versions,
        measures=checker.measures(data_dir / "measures.json"),
        barriers=checker.coded_list(data_dir / "barriers.json", "barriers"),
        client_groups=checker.coded_list(data_dir / "client_groups.json", "client_groups"),
        equivalences=checker.equivalences(data_dir / "equivalences.json"),
    )
    if checker.problems:
        raise LoaderError(checker.problems)
    return files


# --- writing -------------------------------------------------------------------------------


def load_frameworks(*, data_dir: Path = DATA_DIR, models: ModelSet | None = None) -> LoadResult:
    """Load every file in ``data_dir`` in one transaction; raise ``LoaderError`` on any problem."""
    files = read_data_files(Path(data_dir))
    models = models or ModelSet.current()
    loader = _Writer(models)
    with transaction.atomic():
        loader.reference(models.Measure, files.measures, "measure")
        loader.reference(models.BarrierCode, files.barriers, "barrier")
        loader.reference(models.ClientGroup, files.client_groups, "client group")
        for spec in _in_dependency_order(files.versions, loader):
            loader.version(spec)
        for mapping in files.equivalences:
            loader.equivalences(mapping)
        if loader.problems:
            # Leave the atomic block by raising, so nothing written above is kept.
            raise LoaderError(loader.problems)
    return loader.result


def _in_dependency_order(specs: list[VersionSpec], writer: _Writer) -> list[VersionSpec]:
    """Versions ordered so that each comes after the version it names as ``previous``."""
    pending = sorted(specs, key=lambda spec: (spec.framework["code"], spec.version))
    ordered: list[VersionSpec] = []
    available = {spec.key for spec in pending if spec.previous is None}
    available |= {
        f"{framework} {version}"
        for framework, version in writer.models.FrameworkVersion.objects.values_list(
            "framework__code", "version"
        )
    }
    while pending:
        ready = [
            spec
            for spec in pending
            if spec.previous is None or f"{spec.framework['code']} {spec.previous}" in available
        ]
        if not ready:
            for spec in pending:
                writer.problems.append(
                    f"{spec.filename}: previous version {spec.framework['code']} "
                    f"{spec.previous} is neither in the files nor in the database."
                )
            break
        for spec in ready:
            ordered.append(spec)
            available.add(spec.key)
            pending.remove(spec)
    return ordered


def _stored_snapshot(models: ModelSet, version: Any) -> dict[str, Any]:
    snap: dict[str, Any] = {
        "framework": version.framework.code,
        "title": version.title,
        "summary": version.summary,
        "source": version.source,
        "published": version.published,
        "previous": version.previous.version if version.previous_id else None,
    }
    for domain in models.Domain.objects.filter(version=version):
        snap[f"domain {domain.code}"] = {
            "label": domain.label,
            "description": domain.description,
            "order": domain.order,
        }
    for outcome in models.Outcome.objects.filter(version=version).select_related("domain"):
        snap[f"outcome {outcome.code}"] = {
            "label": outcome.label,
            "prompt": outcome.prompt,
            "domain": outcome.domain.code,
            "order": outcome.order,
        }
    return snap


def _differences(stored: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    """Readable names of what differs, e.g. ``outcome choice (prompt)`` or ``title``."""
    found = []
    for key in sorted(stored.keys() | wanted.keys()):
        old, new = stored.get(key), wanted.get(key)
        if old == new:
            continue
        if old is None:
            found.append(f"{key} added")
        elif new is None:
            found.append(f"{key} removed")
        elif isinstance(old, dict) and isinstance(new, dict):
            fields = sorted(
                name for name in old.keys() | new.keys() if old.get(name) != new.get(name)
            )
            found.append(f"{key} ({', '.join(fields)})")
        else:
            found.append(key)
    return found


class _Writer:
    def __init__(self, models: ModelSet) -> None:
        self.models = models
        self.result = LoadResult()
        self.problems: list[str] = []

    def reference(self, model: Any, rows: list[dict[str, Any]], kind: str) -> None:
        """Bring reference rows (looked up by ``code``) up to date, saving only real changes."""
        for row in rows:
            values = {name: value for name, value in row.items() if name != "code"}
            label = f"{kind} {row['code']}"
            obj = model.objects.filter(code=row["code"]).first()
            if obj is None:
                model.objects.create(**row)
                self.result.created.append(label)
                continue
            changed = [name for name, value in values.items() if getattr(obj, name) != value]
            if changed:
                for name in changed:
                    setattr(obj, name, values[name])
                obj.save(update_fields=changed)
                self.result.updated.append(label)
            else:
                self.result.unchanged.append(label)

    def framework(self, spec: VersionSpec) -> Any | None:
        wanted = spec.framework
        framework = self.models.Framework.objects.filter(code=wanted["code"]).first()
        if framework is None:
            framework = self.models.Framework.objects.create(**wanted)
            self.result.created.append(f"framework {wanted['code']}")
            return framework
        if framework.role != wanted["role"]:
            self.problems.append(
                f"{spec.filename}: framework {wanted['code']} is for role '{framework.role}' in "
                f"the database but '{wanted['role']}' in the file; a framework cannot change role."
            )
            return None
        if framework.name != wanted["name"]:
            framework.name = wanted["name"]
            framework.save(update_fields=["name"])
            self.result.updated.append(f"framework {wanted['code']}")
        return framework

    def version(self, spec: VersionSpec) -> None:
        framework = self.framework(spec)
        if framework is None:
            return
        previous = None
        if spec.previous is not None:
            previous = self.models.FrameworkVersion.objects.filter(
                framework=framework, version=spec.previous
            ).first()
            if previous is None:
                return  # already reported by _in_dependency_order
        label = f"version {spec.key}"
        existing = self.models.FrameworkVersion.objects.filter(
            framework=framework, version=spec.version
        ).first()
        if existing is None:
            version = self.models.FrameworkVersion.objects.create(
                framework=framework,
                version=spec.version,
                title=spec.title,
                summary=spec.summary,
                source=spec.source,
                previous=previous,
                published=False,
            )
            self._write_parts(version, spec)
            self._publish_if_wanted(version, spec)
            self.result.created.append(label)
            return
        differences = _differences(_stored_snapshot(self.models, existing), spec.snapshot())
        if not differences:
            self.result.unchanged.append(label)
            return
        if existing.published:
            self.problems.append(
                f"{spec.filename}: {spec.key} is published and its file no longer matches the "
                f"database ({'; '.join(differences)}). Published versions are never edited in "
                "place: restore the file and publish the change as a new version file."
            )
            return
        # A draft may still change: bring it into line with its file.
        for name in ("title", "summary", "source"):
            setattr(existing, name, getattr(spec, name))
        existing.previous = previous
        existing.save()
        self._write_parts(existing, spec)
        self._publish_if_wanted(existing, spec)
        self.result.updated.append(label)

    def _publish_if_wanted(self, version: Any, spec: VersionSpec) -> None:
        # Parts are written first: the models refuse new parts once a version is published.
        if spec.published and not version.published:
            version.published = True
            version.save(update_fields=["published"])

    def _write_parts(self, version: Any, spec: VersionSpec) -> None:
        Domain, Outcome = self.models.Domain, self.models.Outcome
        domains = {}
        for item in spec.domains:
            values = {k: item[k] for k in ("label", "description", "order")}
            domain = Domain.objects.filter(version=version, code=item["code"]).first()
            if domain is None:
                domain = Domain.objects.create(version=version, code=item["code"], **values)
            elif any(getattr(domain, k) != v for k, v in values.items()):
                for name, value in values.items():
                    setattr(domain, name, value)
                domain.save()
            domains[item["code"]] = domain
        for order, item in enumerate(spec.outcomes, start=1):
            values = {
                "label": item["label"],
                "prompt": item["prompt"],
                "domain": domains[item["domain"]],
                "order": order,
            }
            outcome = Outcome.objects.filter(version=version, code=item["code"]).first()
            if outcome is None:
                Outcome.objects.create(version=version, code=item["code"], **values)
            elif any(getattr(outcome, k) != v for k, v in values.items()):
                for name, value in values.items():
                    setattr(outcome, name, value)
                outcome.save()
        try:
            for outcome in Outcome.objects.filter(version=version).exclude(
                code__in=[item["code"] for item in spec.outcomes]
            ):
                outcome.delete()
            for domain in Domain.objects.filter(version=version).exclude(code__in=domains):
                domain.delete()
        except ProtectedError:
            self.problems.append(
                f"{spec.filename}: draft {spec.key} drops an outcome or domain that records "
                "already use."
            )

    def equivalences(self, mapping: dict[str, Any]) -> None:
        ends = {}
        for end in ("earlier", "later"):
            framework, version = mapping[end]
            found = self.models.FrameworkVersion.objects.filter(
                framework__code=framework, version=version
            ).first()
            if found is None:
                self.problems.append(
                    f"equivalences.json: no framework version {framework} {version}."
                )
                return
            ends[end] = found
        if ends["earlier"].pk == ends["later"].pk:
            self.problems.append(
                "equivalences.json: a mapping must join two different versions "
                f"({mapping['earlier'][0]} {mapping['earlier'][1]})."
            )
            return
        outcomes = {
            end: {o.code: o for o in self.models.Outcome.objects.filter(version=version)}
            for end, version in ends.items()
        }
        for earlier_code, later_code in mapping["pairs"]:
            earlier = outcomes["earlier"].get(earlier_code)
            later = outcomes["later"].get(later_code)
            label = (
                f"equivalence {ends['earlier'].framework.code} {ends['earlier'].version} "
                f"{earlier_code} → {ends['later'].framework.code} {ends['later'].version} "
                f"{later_code}"
            )
            if earlier is None or later is None:
                missing = earlier_code if earlier is None else later_code
                self.problems.append(f"equivalences.json: {label}: no outcome '{missing}'.")
                continue
            _, created = self.models.OutcomeEquivalence.objects.get_or_create(
                earlier=earlier, later=later
            )
            (self.result.created if created else self.result.unchanged).append(label)
