"""The one outcome-equivalence graph: where an outcome is counted, what counts as a code, the
links between two versions, read in one query and once per request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from frameworks.equivalence import EquivalenceGraph, OutcomeNode, equivalence_graph
from frameworks.models import Domain, FrameworkVersion, Outcome, OutcomeEquivalence
from frameworks.once import forget, memoised, once_per_request

pytestmark = pytest.mark.django_db


def outcome(framework: str, version: str, code: str) -> Outcome:
    return Outcome.objects.get(
        version__framework__code=framework, version__version=version, code=code
    )


def codes(nodes: list[OutcomeNode]) -> list[str]:
    return sorted(node.code for node in nodes)


def test_older_outcomes_are_counted_as_their_current_equivalents():
    graph = EquivalenceGraph.load()

    assert codes(graph.latest(outcome("users", "2007", "choice").pk)) == ["having_a_say"]
    assert codes(graph.latest(outcome("users", "2007", "living_as_you_want").pk)) == [
        "living_where_and_as_you_want"
    ]
    assert codes(graph.latest(outcome("users", "2007", "improved_confidence_and_skills").pk)) == [
        "improved_confidence_and_morale",
        "improved_skills",
    ]
    assert all(node.current for node in graph.latest(outcome("users", "2007", "choice").pk))
    current = outcome("users", "2012", "having_a_say").pk
    assert [node.id for node in graph.latest(current)] == [current]


def test_an_outcome_dropped_without_equivalent_stays_itself_and_is_not_current():
    graph = EquivalenceGraph.load()
    dropped = outcome("carers", "2008", "freedom_from_financial_hardship")

    [node] = graph.latest(dropped.pk)

    assert (node.id, node.current) == (dropped.pk, False)


def test_a_family_holds_the_code_in_every_version_and_everything_mapped_onto_it():
    graph = EquivalenceGraph.load()

    assert graph.family("having_a_say") == {
        outcome("users", "2012", "having_a_say").pk,
        outcome("users", "2007", "choice").pk,
    }
    assert graph.family("feeling_safe") == {
        outcome("users", "2007", "feeling_safe").pk,
        outcome("users", "2012", "feeling_safe").pk,
    }
    assert graph.family("no_such_code") == frozenset()
    assert list(graph.families(["improved_skills", "having_a_say", "improved_skills"])) == [
        "improved_skills",
        "having_a_say",
    ]


def test_links_between_two_versions_are_the_stored_equivalences():
    graph = EquivalenceGraph.load()
    earlier = FrameworkVersion.objects.get(framework__code="users", version="2007")
    later = FrameworkVersion.objects.get(framework__code="users", version="2012")

    links = graph.links(earlier.pk, later.pk)

    assert (
        outcome("users", "2007", "choice").pk,
        outcome("users", "2012", "having_a_say").pk,
    ) in links
    assert (
        set(
            OutcomeEquivalence.objects.filter(earlier__version=earlier).values_list(
                "earlier_id", "later_id"
            )
        )
        == links
    )
    assert graph.links(later.pk, earlier.pk) == set()


def test_a_draft_version_supersedes_nothing_until_it_is_published():
    users_2012 = FrameworkVersion.objects.get(framework__code="users", version="2012")
    draft = FrameworkVersion.objects.create(
        framework=users_2012.framework, version="2099", title="Draft", previous=users_2012
    )
    domain = Domain.objects.create(version=draft, code="process", label="Process")
    having_a_say = outcome("users", "2012", "having_a_say")
    voice = Outcome.objects.create(
        version=draft, domain=domain, code="voice", label="Voice", prompt="?"
    )
    OutcomeEquivalence.objects.create(earlier=having_a_say, later=voice)
    choice = outcome("users", "2007", "choice")

    graph = EquivalenceGraph.load()

    assert codes(graph.latest(choice.pk)) == ["having_a_say"]
    assert graph.nodes[having_a_say.pk].current
    assert graph.label("having_a_say") == having_a_say.label


def test_chains_are_followed_and_a_loop_ends():
    def node(pk: int, code: str, superseded: bool) -> OutcomeNode:
        return OutcomeNode(pk, "users", "user", 1, "1", code, code.upper(), pk, True, superseded)

    graph = EquivalenceGraph(
        [node(1, "a", True), node(2, "b", True), node(3, "c", False)], [(1, 2), (2, 3), (3, 1)]
    )

    assert codes(graph.latest(1)) == ["c"]
    assert graph.family("c") == {1, 2, 3}


def test_the_graph_is_one_query():
    with CaptureQueriesContext(connection) as queries:
        EquivalenceGraph.load()

    assert len(queries.captured_queries) == 1


def test_read_once_per_request_and_afresh_outside_one():
    with CaptureQueriesContext(connection) as outside:
        assert equivalence_graph() is not equivalence_graph()
    assert len(outside.captured_queries) == 2

    @once_per_request
    def view() -> tuple[EquivalenceGraph, EquivalenceGraph]:
        return equivalence_graph(), equivalence_graph()

    with CaptureQueriesContext(connection) as inside:
        first, second = view()
    assert first is second
    assert len(inside.captured_queries) == 1
    # The next request reads again: a framework loaded in between is seen.
    third, _ = view()
    assert third is not first


def test_forget_drops_a_key_within_the_request():
    loads = []

    @once_per_request
    def view() -> None:
        memoised("k", lambda: loads.append(1))
        memoised("k", lambda: loads.append(1))
        forget("k")
        memoised("k", lambda: loads.append(1))

    view()

    assert len(loads) == 2
