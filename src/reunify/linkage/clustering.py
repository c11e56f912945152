"""Clustering scored record pairs into persons without chaining strangers together.

Why not plain connected components: in these feeds a family shares an
apprehension event, surnames, a country and sometimes a date of birth
(twins), so a pairwise model scores some pairs of *different* family members
above any sensible threshold.  Connected components would then chain a whole
family into one person through a single such edge.

What we do instead, in two steps:

1. **Candidate groups**: connected components over edges at or above
   ``link_threshold`` (plus human must-links).  A true person is almost always
   inside one component; the components are small, so step 2 is cheap.
2. **Refinement inside each component**: start from the human must-link
   groups (singletons otherwise), join groups through *strong* pairs (at or
   above ``strong_threshold`` even when their worst disagreeing comparison is
   counted twice: typically an identifier, the date of birth and a name
   agree), strongest first and never across a cannot-link, then run
   average-linkage
   agglomeration: repeatedly
   merge the two groups with the highest *average* match weight (log2 odds,
   each pair clipped to ±``clip`` so no single pair outvotes the rest) over
   all record pairs between them, while that average is at least the weight
   of ``merge_threshold`` and no cannot-link pair (human decision or
   feed-contract constraint) joins them.  One strong edge between two tight
   groups is outvoted by the many pairs between them that disagree, so it
   cannot chain them; a cannot-link can never end inside a cluster, which is
   how a cluster is split on that edge.

Averaging weights rather than probabilities lets a record with little in it
(an NGO locate, a DNA kit: a name and not much else) join its person when
most of that person's records agree with it, even if a few records say
little either way, while a pair of different people (strongly negative)
still pulls the average down as hard as a true pair pulls it up.

Average linkage was chosen over "split on edges below a stricter threshold"
because it needs no second threshold and uses every pair's evidence, and over
correlation clustering because its result is deterministic and explainable
("these two groups were merged because on average their records match with
weight +9").  Ties are broken by the smallest record ids, so a run is repeatable.

3. **Lone records** (:func:`attach_lone`): a record that average linkage left
   alone is compared with each candidate person on the person's *pooled*
   evidence, comparison by comparison, and joins the one person that the
   evidence singles out.  Why: a sparse record (a DNA kit, an NGO locate: a
   name, perhaps an A-number) often agrees almost perfectly with one record of
   its person while the others carry other spellings or a second A-number, so
   the average over all its pairs falls below the threshold although nothing
   about the person contradicts it.  Only single records move, onto persons
   the steps above formed, so two persons are never chained together.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

Pair = tuple[int, int]


def ordered(a: int, b: int) -> Pair:
    """The pair with the smaller id first: how every pair is keyed here."""
    return (a, b) if a < b else (b, a)


class DisjointSet:
    """Union-find over ``0..n-1`` whose representative is the smallest member (deterministic ids)."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        parent = self.parent
        root = item
        while parent[root] != root:
            root = parent[root]
        while parent[item] != root:
            parent[item], item = root, parent[item]
        return root

    def union(self, a: int, b: int) -> int:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return root_a
        low, high = (root_a, root_b) if root_a < root_b else (root_b, root_a)
        self.parent[high] = low
        return low


def components(size: int, edges: Iterable[Pair], must_link: Iterable[Pair] = ()) -> list[list[int]]:
    """Connected components with more than one member, each sorted, in order of their smallest member."""
    sets = DisjointSet(size)
    for a, b in edges:
        sets.union(a, b)
    for a, b in must_link:
        sets.union(a, b)
    groups: dict[int, list[int]] = defaultdict(list)
    for item in range(size):
        groups[sets.find(item)].append(item)
    return [members for _, members in sorted(groups.items()) if len(members) > 1]


def must_link_groups(members: Sequence[int], must_link: Iterable[Pair]) -> list[list[int]]:
    """The component's members grouped by the human must-links among them (singletons otherwise)."""
    inside = set(members)
    index = {member: position for position, member in enumerate(members)}
    sets = DisjointSet(len(members))
    for a, b in must_link:
        if a in inside and b in inside:
            sets.union(index[a], index[b])
    groups: dict[int, list[int]] = defaultdict(list)
    for member in members:
        groups[sets.find(index[member])].append(member)
    return [sorted(group) for group in groups.values()]


def average_linkage(
    groups: Sequence[Sequence[int]],
    weight: Mapping[Pair, float],
    cannot_link: set[Pair],
    merge_weight: float,
    missing_weight: float,
    clip: float,
) -> list[list[int]]:
    """Merge ``groups`` by average pairwise match weight, never across a cannot-link (see module doc).

    ``weight`` maps ordered record pairs to their match weight (log2 odds),
    each clipped to ``[-clip, clip]`` so that no single pair outvotes the rest;
    a pair without a weight counts as ``missing_weight``.  Two groups merge
    while their average is at least ``merge_weight``.  O(k² log k) for k groups.
    """
    clusters: dict[int, list[int]] = {position: list(group) for position, group in enumerate(groups)}
    owner = {member: position for position, group in clusters.items() for member in group}
    # Sum of known clipped weights and number of known pairs between two clusters.
    total: dict[int, dict[int, float]] = defaultdict(dict)
    known: dict[int, dict[int, int]] = defaultdict(dict)
    blocked: dict[int, set[int]] = defaultdict(set)
    for (a, b), value in weight.items():
        if a not in owner or b not in owner:
            continue
        ca, cb = owner[a], owner[b]
        if ca != cb:
            value = max(-clip, min(clip, value))
            for x, y in ((ca, cb), (cb, ca)):
                total[x][y] = total[x].get(y, 0.0) + value
                known[x][y] = known[x].get(y, 0) + 1
    for a, b in cannot_link:
        if a in owner and b in owner and owner[a] != owner[b]:
            blocked[owner[a]].add(owner[b])
            blocked[owner[b]].add(owner[a])
    version = dict.fromkeys(clusters, 0)

    def average(ca: int, cb: int) -> float:
        pairs = len(clusters[ca]) * len(clusters[cb])
        return (total[ca][cb] + (pairs - known[ca][cb]) * missing_weight) / pairs

    heap: list[tuple[float, int, int, int, int, int, int]] = []

    def push(ca: int, cb: int) -> None:
        if cb in blocked[ca]:
            return
        value = average(ca, cb)
        if value >= merge_weight:
            low, high = sorted((clusters[ca][0], clusters[cb][0]))
            heapq.heappush(heap, (-value, low, high, ca, cb, version[ca], version[cb]))

    for ca in clusters:
        for cb in total[ca]:
            if ca < cb:
                push(ca, cb)
    while heap:
        _, _, _, ca, cb, va, vb = heapq.heappop(heap)
        if ca not in clusters or cb not in clusters or version[ca] != va or version[cb] != vb:
            continue
        # Merge cb into ca; ca keeps the smaller first member so ties stay deterministic.
        clusters[ca] = sorted(clusters[ca] + clusters.pop(cb))
        version[ca] += 1
        for other, value in total.pop(cb).items():
            count = known[cb][other]
            del total[other][cb]
            del known[other][cb]
            if other != ca:
                total[ca][other] = total[ca].get(other, 0.0) + value
                known[ca][other] = known[ca].get(other, 0) + count
                total[other][ca] = total[ca][other]
                known[other][ca] = known[ca][other]
        known.pop(cb)
        total[ca].pop(cb, None)
        known[ca].pop(cb, None)
        for other in blocked.pop(cb, set()):
            blocked[other].discard(cb)
            if other != ca:
                blocked[other].add(ca)
                blocked[ca].add(other)
        for other in list(total[ca]):
            push(ca, other)
    return sorted((sorted(cluster) for cluster in clusters.values()), key=lambda cluster: cluster[0])


def strong_groups(
    groups: Sequence[Sequence[int]],
    weight: Mapping[Pair, float],
    strong: Iterable[Pair],
    cannot_link: set[Pair],
) -> list[list[int]]:
    """Join groups through strong pairs, strongest first, never across a cannot-link.

    Why: a record with little in it (a DNA kit: a name and an A-number) can be
    certain to be one particular record of a person (same A-number, same
    name, nothing disagreeing) while its pairs with that person's other
    records are individually weak (no date of birth, a second A-number).  It
    belongs to the person by transitivity through that strong pair; weaker
    pairs have to win the average instead.
    """
    owner = {member: position for position, group in enumerate(groups) for member in group}
    members: dict[int, list[int]] = {position: list(group) for position, group in enumerate(groups)}
    sets = DisjointSet(len(groups))
    ranked = sorted(
        ((weight.get(pair, 0.0), pair) for pair in strong if pair[0] in owner and pair[1] in owner),
        key=lambda item: (-item[0], item[1]),
    )
    for _, (a, b) in ranked:
        ga, gb = sets.find(owner[a]), sets.find(owner[b])
        if ga == gb:
            continue
        if any(ordered(x, y) in cannot_link for x in members[ga] for y in members[gb]):
            continue
        root = sets.union(ga, gb)
        other = gb if root == ga else ga
        members[root] = members[root] + members.pop(other)
    return sorted((sorted(group) for group in members.values()), key=lambda group: group[0])


def refine_component(
    members: Sequence[int],
    weight: Mapping[Pair, float],
    cannot_link: Callable[[int, int], bool],
    must_link: Iterable[Pair],
    *,
    strong: Iterable[Pair] = (),
    merge_weight: float,
    missing_weight: float,
    clip: float,
    evidence: Mapping[Pair, Sequence[float]] | None = None,
    prior_weight: float = 0.0,
) -> list[list[int]]:
    """The persons inside one candidate group (steps 2 and 3 of the module doc).

    ``cannot_link(a, b)`` is asked for every pair of members that a human has
    not must-linked; a human must-link outranks every constraint.  A group
    whose pairs all weigh at least ``merge_weight`` and holds no cannot-link
    is returned whole without running the agglomeration.  With ``evidence``
    (each pair's per-comparison contributions, see :func:`attach_lone`) the
    records left alone are then attached where their pooled evidence says.
    """
    groups = must_link_groups(members, must_link)
    group_of = {member: position for position, group in enumerate(groups) for member in group}
    forbidden: set[Pair] = set()
    for position, a in enumerate(members):
        for b in members[position + 1 :]:
            if group_of[a] != group_of[b] and cannot_link(a, b):
                forbidden.add((a, b))
    if not forbidden:
        complete = all(
            weight.get((a, b), missing_weight) >= merge_weight
            for position, a in enumerate(members)
            for b in members[position + 1 :]
            if group_of[a] != group_of[b]
        )
        if complete:
            return [sorted(members)]
    groups = strong_groups(groups, weight, strong, forbidden)
    persons = average_linkage(groups, weight, forbidden, merge_weight, missing_weight, clip)
    if evidence is not None:
        persons = attach_lone(
            persons, evidence, forbidden, prior_weight=prior_weight, merge_weight=merge_weight
        )
    return persons


def pooled_weight(
    record: int, person: Sequence[int], evidence: Mapping[Pair, Sequence[float]], prior: float
) -> float | None:
    """Match weight of ``record`` against a person's records taken together; None unless each pair was scored.

    Per comparison the best contribution among the person's records is
    taken, as if the person were one record holding every value its records
    carry (each spelling, each A-number); a zero contribution (the value is
    missing on one side) is no evidence and neither helps nor hides a
    disagreement, so a comparison on which every record that says anything
    disagrees (another date of birth, the other sex) still counts against.
    Summed with the prior this is on the scale of a pair's match weight.
    Pooling needs every pair: a record never compared with one of the
    person's records might carry the contradiction that rules it out.
    """
    rows = []
    for member in person:
        pair = ordered(record, member)
        if pair not in evidence:
            return None
        rows.append(evidence[pair])
    total = prior
    for column in range(len(rows[0]) if rows else 0):
        said = [row[column] for row in rows if row[column] != 0.0]
        if said:
            total += max(said)
    return total


def attach_lone(
    persons: Sequence[Sequence[int]],
    evidence: Mapping[Pair, Sequence[float]],
    cannot_link: set[Pair],
    *,
    prior_weight: float,
    merge_weight: float,
) -> list[list[int]]:
    """Attach each record left alone to the person its pooled evidence singles out (step 3 of the module doc).

    ``evidence`` maps an ordered pair to its per-comparison contributions
    (match weights, term frequency included); ``prior_weight`` is the
    model's prior as a match weight.  The candidates are the persons of two
    or more records with a scored pair to the record and no cannot-link to
    it; they are exclusive hypotheses, so the record's posterior for a person
    is ``2**w / (1 + sum of 2**w_j)`` over the pooled weights ``w_j`` of all
    candidates ("1" being "none of them"), and the record joins the best
    person when that posterior, as a match weight, reaches ``merge_weight``:
    the threshold at which the clustering merges anything.  Two namesakes
    who both fit therefore keep the record out.  Every decision is taken
    against the persons as given (no attached record changes another's
    decision), and only single records move, so nothing can chain.
    """
    result = [list(person) for person in persons]
    targets = [position for position, person in enumerate(result) if len(person) > 1]
    moves: list[tuple[int, int]] = []
    for position, person in enumerate(result):
        if len(person) != 1:
            continue
        record = person[0]
        scored: list[tuple[float, int]] = []
        complete = True
        for target in targets:
            members = result[target]
            if not any(ordered(record, member) in evidence for member in members):
                continue
            if any(ordered(record, member) in cannot_link for member in members):
                continue
            value = pooled_weight(record, members, evidence, prior_weight)
            if value is None:
                complete = False  # a candidate that cannot be weighed might be the better one
                break
            scored.append((value, target))
        if not scored or not complete:
            continue
        best, target = max(scored, key=lambda item: (item[0], -result[item[1]][0]))
        if best < merge_weight:  # the posterior is below the pooled weight itself
            continue
        # The posterior's match weight: best - log2(1 + sum of 2**w over the other candidates), stably.
        others = [value - best for value, other in scored if other != target] + [-best]
        if -math.log2(sum(2.0**value for value in others)) >= merge_weight:
            moves.append((position, target))
    for position, target in moves:
        result[target] = sorted(result[target] + result[position])
        result[position] = []
    return sorted((person for person in result if person), key=lambda person: person[0])


def pooled_unit_weight(
    unit: Sequence[int], person: Sequence[int], evidence: Mapping[Pair, Sequence[float]], prior: float
) -> float | None:
    """:func:`pooled_weight` for a unit of records taken together (None unless every pair was scored).

    Per comparison the best non-zero contribution over every pair between
    the unit and the person counts, as if each side were one record holding
    every value its records carry.
    """
    rows = []
    for record in unit:
        for member in person:
            pair = ordered(record, member)
            if pair not in evidence:
                return None
            rows.append(evidence[pair])
    total = prior
    for column in range(len(rows[0]) if rows else 0):
        said = [row[column] for row in rows if row[column] != 0.0]
        if said:
            total += max(said)
    return total


def _posterior_weight(value: float, others: Sequence[float]) -> float:
    """Log2 odds of one of several exclusive hypotheses: ``value - log2(1 + sum of 2**w over the others)``, stably."""
    top = max([0.0, *others])
    total = 2.0 ** (0.0 - top) + sum(2.0 ** (other - top) for other in others)
    return value - top - math.log2(total)


def attach_sparse(
    units: Sequence[Sequence[int]],
    candidates: Mapping[int, Sequence[Sequence[int]]],
    evidence: Mapping[Pair, Sequence[float]],
    forbidden: Callable[[int, int], bool],
    *,
    prior_weight: float,
    merge_weight: float,
    homes: Mapping[int, int] | None = None,
    keep_weight: float = 0.0,
) -> list[tuple[int, int]]:
    """Which sparse units move where: (unit position, candidate position in ``candidates[unit]``, or -1 for alone).

    Why beyond :func:`attach_lone`: a record that carries only a name and
    its context (a DNA kit, a court finding, an NGO locate: no date of
    birth) seldom scores above the link threshold with any single record,
    so it never shares a candidate group with its person, and the records
    of one parent's free text (the DNA kit and the locate) may form a group
    of their own.  Such a unit is weighed against every person it has a
    scored pair with, on the pooled evidence (:func:`pooled_unit_weight`);
    the persons are exclusive hypotheses, so a person's posterior is
    ``2**w / (1 + sum of 2**w_j)``, and the unit joins the one person whose
    posterior, as a match weight, reaches ``merge_weight``: two namesakes
    who both fit keep it out.

    A unit that clustering already placed in a person (``homes[unit]``: that
    person's position among its candidates) is never moved elsewhere; it is
    left alone (-1) when another candidate competes and its home's
    posterior falls below ``keep_weight``.  Why: average linkage joins a
    bare name to the first of two namesakes it fits equally.  A candidate with a pair the
    feed contract or a human forbids is no candidate; a candidate that cannot
    be weighed (a pair left unscored) makes the unit stay where it is.
    """
    homes = homes or {}
    moves: list[tuple[int, int]] = []
    for position, unit in enumerate(units):
        scored: list[tuple[float, int]] = []
        complete = True
        for number, person in enumerate(candidates.get(position, ())):
            if any(forbidden(a, b) for a in unit for b in person):
                continue
            value = pooled_unit_weight(unit, person, evidence, prior_weight)
            if value is None:
                complete = False
                break
            scored.append((value, number))
        if not complete:
            continue
        home = homes.get(position)
        if home is not None:
            at_home = [value for value, number in scored if number == home]
            rest = [value for value, number in scored if number != home]
            if at_home and rest and _posterior_weight(at_home[0], rest) < keep_weight:
                moves.append((position, -1))
            continue
        if not scored:
            continue
        best, target = max(scored, key=lambda item: (item[0], -item[1]))
        rest = [value for value, number in scored if number != target]
        if best >= merge_weight and _posterior_weight(best, rest) >= merge_weight:
            moves.append((position, target))
    return moves
