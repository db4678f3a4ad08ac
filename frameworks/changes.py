"""What changed between a framework version and the one before it.

Computed from the outcome equivalences stored for the two versions, plus the outcome codes the
two versions share (a code kept from one version to the next is the same outcome).
"""

from dataclasses import dataclass
from enum import StrEnum

from frameworks.equivalence import equivalence_graph
from frameworks.models import FrameworkVersion, Outcome


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    RENAMED = "renamed"
    MERGED = "merged"
    SPLIT = "split"
    REGROUPED = "regrouped"
    RELABELLED = "relabelled"
    UNCHANGED = "unchanged"


CHANGE_LABELS = {
    ChangeKind.ADDED: "Added",
    ChangeKind.REMOVED: "Removed",
    ChangeKind.RENAMED: "Replaced",
    ChangeKind.MERGED: "Merged",
    ChangeKind.SPLIT: "Split",
    ChangeKind.REGROUPED: "Regrouped",
    ChangeKind.RELABELLED: "Reworded",
    ChangeKind.UNCHANGED: "Unchanged",
}


@dataclass(frozen=True)
class OutcomeChange:
    """Outcomes of the previous version (``earlier``) and their counterparts (``later``)."""

    kind: ChangeKind
    earlier: tuple[Outcome, ...]
    later: tuple[Outcome, ...]

    @property
    def label(self) -> str:
        return CHANGE_LABELS[self.kind]


def _kind(earlier: list[Outcome], later: list[Outcome]) -> ChangeKind:
    if not earlier:
        return ChangeKind.ADDED
    if not later:
        return ChangeKind.REMOVED
    if len(earlier) == 1 and len(later) == 1:
        if earlier[0].code != later[0].code:
            return ChangeKind.RENAMED
        if earlier[0].label != later[0].label:
            return ChangeKind.RELABELLED
        return ChangeKind.UNCHANGED
    if len(later) == 1:
        return ChangeKind.MERGED
    if len(earlier) == 1:
        return ChangeKind.SPLIT
    return ChangeKind.REGROUPED


def version_changes(version: FrameworkVersion) -> list[OutcomeChange]:
    """Every outcome of ``version`` and of its previous version, grouped into changes.

    Outcomes joined by an equivalence (or a shared code) form one group; a group with only
    earlier outcomes was removed, only later ones was added. Ordered as the new version lists
    its outcomes, with removed outcomes after. Empty when there is no previous version.
    """
    previous = version.previous
    if previous is None:
        return []
    earlier = list(Outcome.objects.filter(version=previous).order_by("order"))
    later = list(Outcome.objects.filter(version=version).order_by("order"))
    links = equivalence_graph().links(previous.pk, version.pk)
    later_by_code = {outcome.code: outcome for outcome in later}
    links |= {
        (outcome.pk, later_by_code[outcome.code].pk)
        for outcome in earlier
        if outcome.code in later_by_code
    }

    # Group linked outcomes (union-find over node keys ("e", pk) and ("l", pk)).
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(node: tuple[str, int]) -> tuple[str, int]:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for earlier_id, later_id in links:
        parent[find(("e", earlier_id))] = find(("l", later_id))

    groups: dict[tuple[str, int], tuple[list[Outcome], list[Outcome]]] = {}
    for side, outcomes in (("l", later), ("e", earlier)):
        for outcome in outcomes:
            group = groups.setdefault(find((side, outcome.pk)), ([], []))
            (group[1] if side == "l" else group[0]).append(outcome)
    return [
        OutcomeChange(kind=_kind(old, new), earlier=tuple(old), later=tuple(new))
        for old, new in groups.values()
    ]
