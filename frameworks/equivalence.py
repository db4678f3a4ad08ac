"""The outcome-equivalence graph: every outcome of every framework version, joined by
``OutcomeEquivalence`` (``earlier`` is counted as ``later`` when figures span versions).

One graph, read in one query (once per request, see ``frameworks.once``), answers every
question the site asks of the equivalences, so the dashboard, targets, drill-down, a person's
outcomes and a version's list of changes always agree:

- ``latest(outcome_id)``: where an outcome is counted in the newest published version of its
  framework (an older outcome goes to each current equivalent, following chains 2007 → 2012
  → …; one with no equivalent stays itself, not current);
- ``family(code)``: the ids of every outcome counted as ``code`` (the outcomes with that code
  in any version and every earlier outcome mapped onto one of them);
- ``links(earlier_version_id, later_version_id)``: the equivalences between two versions.

Only published versions supersede: an outcome is superseded once a *published* version names
its version as previous, and ``latest`` never leads into a draft.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from frameworks.models import FrameworkVersion, Outcome
from frameworks.once import memoised


@dataclass(frozen=True)
class OutcomeNode:
    id: int
    framework: str  # framework code, e.g. "users"
    role: str
    version_id: int
    version: str  # e.g. "2012"
    code: str
    label: str
    order: int
    published: bool
    superseded: bool  # a published version follows this outcome's version

    @property
    def current(self) -> bool:
        return not self.superseded


class EquivalenceGraph:
    """Outcomes and the equivalences between them. Pure once built: ``load()`` reads it."""

    def __init__(self, nodes: Iterable[OutcomeNode], edges: Iterable[tuple[int, int]]) -> None:
        self.nodes: dict[int, OutcomeNode] = {node.id: node for node in nodes}
        self.onward: dict[int, list[int]] = {}
        self.earlier: dict[int, list[int]] = {}
        for earlier, later in dict.fromkeys(edges):
            self.onward.setdefault(earlier, []).append(later)
            self.earlier.setdefault(later, []).append(earlier)
        self._by_code: dict[str, list[int]] = {}
        for node in self.nodes.values():
            self._by_code.setdefault(node.code, []).append(node.id)

    @classmethod
    def load(cls) -> EquivalenceGraph:
        """Every outcome with its framework, whether superseded, and its onward equivalences:
        one query (a row per outcome and equivalence)."""
        newer = FrameworkVersion.objects.filter(published=True, previous=OuterRef("version"))
        rows = (
            Outcome.objects.annotate(superseded=Exists(newer))
            .values_list(
                "id",
                "version__framework__code",
                "version__framework__role",
                "version_id",
                "version__version",
                "code",
                "label",
                "order",
                "version__published",
                "superseded",
                "equivalent_later__later_id",
            )
            .order_by("version__framework__code", "version__version", "order", "id")
        )
        nodes: dict[int, OutcomeNode] = {}
        edges: list[tuple[int, int]] = []
        for *fields, later in rows:
            node = OutcomeNode(*fields[:7], int(fields[7]), bool(fields[8]), bool(fields[9]))
            nodes.setdefault(node.id, node)
            if later is not None:
                edges.append((node.id, later))
        return cls(nodes.values(), edges)

    # --- where an outcome is counted ----------------------------------------------------

    def latest(self, outcome_id: int) -> list[OutcomeNode]:
        """Where ``outcome_id`` is counted in the newest published version: itself when
        current (or when no published equivalent follows it), else each current end of its
        chains of equivalences, in the order the equivalences were read."""
        node = self.nodes[outcome_id]
        if not node.superseded:
            return [node]
        ends = self._ends(outcome_id, frozenset({outcome_id}))
        return [self.nodes[end] for end in dict.fromkeys(ends)] or [node]

    def _ends(self, outcome_id: int, seen: frozenset[int]) -> list[int]:
        found: list[int] = []
        for later in self.onward.get(outcome_id, ()):
            node = self.nodes.get(later)
            if later in seen or node is None or not node.published:  # loops would never end
                continue
            found.extend(self._ends(later, seen | {later}) or [later])
        return found

    # --- what counts as a code -------------------------------------------------------------

    def family(self, code: str) -> frozenset[int]:
        """Ids of every outcome counted as ``code``: those with the code in any version and
        every earlier outcome mapped onto one of them, following chains. Empty if unknown."""
        found = set(self._by_code.get(code, ()))
        todo = list(found)
        while todo:
            for earlier in self.earlier.get(todo.pop(), ()):
                if earlier not in found:  # a loop in the data would otherwise never end
                    found.add(earlier)
                    todo.append(earlier)
        return frozenset(found)

    def families(self, codes: Sequence[str]) -> dict[str, frozenset[int]]:
        """``code -> family(code)`` for each code asked for, in the order asked."""
        return {code: self.family(code) for code in dict.fromkeys(codes)}

    def label(self, code: str) -> str | None:
        """The code's label as the newest version that has it words it (published first)."""
        nodes = [self.nodes[pk] for pk in self._by_code.get(code, ())]
        if not nodes:
            return None
        return max(nodes, key=lambda n: (n.published, n.version, n.id)).label

    def roles(self, code: str) -> frozenset[str]:
        """The roles (``user``, ``carer``) whose frameworks have an outcome with ``code``."""
        return frozenset(self.nodes[pk].role for pk in self._by_code.get(code, ()))

    # --- between two versions ----------------------------------------------------------------

    def links(self, earlier_version_id: int, later_version_id: int) -> set[tuple[int, int]]:
        """``(earlier id, later id)`` for each equivalence from one version to the other."""
        version_of = {pk: node.version_id for pk, node in self.nodes.items()}
        return {
            (earlier, later)
            for earlier, laters in self.onward.items()
            if version_of.get(earlier) == earlier_version_id
            for later in laters
            if version_of.get(later) == later_version_id
        }


def equivalence_graph() -> EquivalenceGraph:
    """The graph, read once per request (``frameworks.once``) and afresh outside one."""
    return memoised("equivalence_graph", EquivalenceGraph.load)
