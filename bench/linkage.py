"""Linkage benchmark: our persons and ties against the anchor, in one process, on the same scenarios; then FEBRL.

Usage::

    .venv/bin/python bench/linkage.py                       # 10,000 families x seeds 1 2 x noise 1 2, then FEBRL
    .venv/bin/python bench/linkage.py --families 100000     # the large size (run when the machine is quiet)
    .venv/bin/python bench/linkage.py --misses              # also classify what each model got wrong, by cause
    .venv/bin/python bench/linkage.py --skip-scenarios      # FEBRL3 / FEBRL4 only

Why one entry point: issue 3 asks whether our linkage beats what a competent
user builds with Splink's standard library in an afternoon (the *anchor*),
and the only fair comparison is the same records, in the same process, scored
by the same code (``reunify.linkage.evaluation``), persons and ties together,
because tie figures depend on the persons underneath them.

Per scenario (generated once with ``reunify.synth`` under ``var/bench``, see
``linkage_persons.scenario_folder``) the newest well-formed version of every
record is read once, then:

* **ours**: ``link_persons`` then ``link_ties`` on its persons;
* **anchor persons**: ``linkage_persons.anchor_link`` (NameComparison on first
  name and surname, DateOfBirthComparison, ExactMatch on sex, country,
  A-number and FIN, ``block_on`` rules, default training, clusters at 0.95);
* **anchor ties** (:func:`anchor_ties`): what that user would do next with
  the anchor's persons, with no model: the CBP family unit as recorded
  (HEAD or SPOUSE with CHILD of one ``family_group_id``), the names a child
  gave for a parent (ORR) and an adult gave for a child (ICE interview, NGO
  locate) matched exactly against the names of the persons, and DNA results
  (INCLUSION confirms, EXCLUSION rejects).

Wall time and peak memory are measured around each model (persons and ties
together, reading the feeds apart).  Peak memory is the process's largest
resident set (psutil, sampled every 50 ms) while the model runs, so the
second model's figure includes what the process already held; "resident at
start" is shown beside it.  Both are noisy on a shared 2-core machine.

Review bands: for our persons every scored pair is bucketed by probability
with the share of true matches and the errors a reviewer would correct there;
for our ties every candidate pair likewise, with the children it touches.
That is how to size a band so that reviewing it is worth a person's time.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BENCH_VAR
from linkage_persons import (
    PeakMemory,
    anchor_link,
    blocking_recall,
    print_table,
    run_febrl,
    scenario_folder,
)
from reunify.linkage.evaluation import (
    Truth,
    evaluate_persons,
    evaluate_relationships,
    person_mapping,
    read_truth,
)
from reunify.linkage.person_records import LinkRecord, latest_records
from reunify.linkage.persons import PersonLinkResult, PersonLinkSettings, _ConstraintColumns, link_persons
from reunify.linkage.ties import CANDIDATE, CONFIRMED, PROBABLE, REJECTED, TieResult, TieSettings, link_ties

Out = Callable[[str], None]

# --------------------------------------------------------------------------- the anchor's ties

_STATUS_ORDER = {REJECTED: 0, CONFIRMED: 1, PROBABLE: 2, CANDIDATE: 3}
#: An exact name that points at more persons than this is noise, not a candidate.
ANCHOR_MAX_NAMESAKES = 5
#: An event with more persons than this is a crowd apprehended together, not a family.
ANCHOR_MAX_EVENT = 10


def _full_name(name: Mapping[str, Any] | None) -> str | None:
    """A parsed name as one string, given names then surnames: what an exact comparison compares."""
    if not name:
        return None
    words = [*(name.get("given") or []), *(name.get("surnames") or [])]
    return " ".join(words) or None


def _role(record: LinkRecord) -> str | None:
    if record.feed == "orr_referrals":
        return "child"
    return record.fields.get("role_hint")


def child_persons(records: Iterable[LinkRecord], person_of: Mapping[str, str]) -> set[str]:
    """Persons with at least one record of a child: the denominator of "share of children in review".

    The same plain rule for both models (ORR referral, or the feed reader's
    child role hint), so that the two shares divide by comparable counts.
    """
    return {person_of[r.record_key] for r in records if r.record_key in person_of and _role(r) == "child"}


def anchor_ties(records: Sequence[LinkRecord], person_of: Mapping[str, str]) -> list[dict[str, str]]:
    """Parent-child ties as a competent user derives them from the anchor's persons, in an afternoon, with no model.

    Rules, each a join a Splink user would write next to the person clusters:

    * **family unit**: a person recorded HEAD or SPOUSE and a person recorded
      CHILD in one CBP ``family_group_id`` -> PROBABLE.
    * **apprehended together**: an adult and a child in one CBP ``event_id``
      (FEEDS.md: the family group is blanked when a parent is referred for
      prosecution, so a careful user looks at the event) -> CANDIDATE, for
      events of at most ``ANCHOR_MAX_EVENT`` persons.
    * **stated names**: a name an ORR child gave for a parent, or an ICE
      adult or NGO-located parent gave for a child, equal word for word (as
      the feed reader normalised it: upper case, no accents) to a name on a
      record of a person on the other side (an adult record for a parent, a
      child record for a child) -> PROBABLE when exactly one person carries
      it, CANDIDATE for each when two to ``ANCHOR_MAX_NAMESAKES`` do.  A
      parent born after the child is skipped.
    * **DNA**: the adult is the person of the DNA row, the child the person
      of the ORR referral with its ``child_uac_id``: INCLUSION -> CONFIRMED,
      EXCLUSION -> REJECTED (whatever the other rules said).

    The relationship is MOTHER/FATHER from the parent's most frequent sex,
    else the child's own word (MOTHER/FATHER) for the parent, else PARENT.
    No probability, no one-mother-one-father constraint and no fuzzy names:
    that is what our tie model adds, and what this comparison measures.
    """
    names: dict[tuple[str, str], set[str]] = defaultdict(set)  # (role, full name) -> persons
    groups: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    events: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    uac_person: dict[str, str] = {}
    sexes: dict[str, Counter[str]] = defaultdict(Counter)
    dobs: dict[str, Counter[str]] = defaultdict(Counter)
    for record in records:
        person = person_of.get(record.record_key)
        if person is None:
            continue
        fields = record.fields
        role = _role(record)
        full = _full_name(fields.get("name"))
        if full and role in ("adult", "child"):
            names[(role, full)].add(person)
        if fields.get("sex") in ("M", "F"):
            sexes[person][fields["sex"]] += 1
        if fields.get("dob"):
            dobs[person][fields["dob"]] += 1
        if record.feed == "cbp_apprehensions" and fields.get("family_group_id"):
            groups[fields["family_group_id"]][fields.get("relationship") or ""].add(person)
        if record.feed == "cbp_apprehensions" and fields.get("event_id") and role in ("adult", "child"):
            events[fields["event_id"]][role].add(person)
        if record.feed == "orr_referrals" and fields.get("uac_id"):
            uac_person[fields["uac_id"]] = person

    def born(person: str) -> str | None:
        return dobs[person].most_common(1)[0][0] if dobs[person] else None

    status: dict[tuple[str, str], str] = {}
    rule_of: dict[tuple[str, str], str] = {}
    said: dict[tuple[str, str], str] = {}

    def propose(parent: str, child: str, level: str, rule: str) -> None:
        if parent == child:
            return
        parent_born, child_born = born(parent), born(child)
        if level != CONFIRMED and parent_born and child_born and parent_born >= child_born:
            return
        pair = (parent, child)
        current = status.get(pair)
        if current is None or _STATUS_ORDER[level] < _STATUS_ORDER[current]:
            status[pair], rule_of[pair] = level, rule

    for members in groups.values():
        for parent in members.get("HEAD", set()) | members.get("SPOUSE", set()):
            for child in members.get("CHILD", set()):
                propose(parent, child, PROBABLE, "family_group")
    for members in events.values():
        if len(members["adult"] | members["child"]) <= ANCHOR_MAX_EVENT:
            for parent in members["adult"]:
                for child in members["child"]:
                    propose(parent, child, CANDIDATE, "event")

    def by_name(stated: Mapping[str, Any] | None, role: str) -> list[str]:
        full = _full_name((stated or {}).get("name"))
        hits = sorted(names.get((role, full), ())) if full else []
        return hits if len(hits) <= ANCHOR_MAX_NAMESAKES else []

    for record in records:
        person = person_of.get(record.record_key)
        if person is None:
            continue
        fields = record.fields
        if record.feed == "orr_referrals":
            for stated in fields.get("stated_parents") or ():
                hits = by_name(stated, "adult")
                for parent in hits:
                    propose(parent, person, PROBABLE if len(hits) == 1 else CANDIDATE, "stated_parent")
                    word = (stated or {}).get("relationship")
                    if len(hits) == 1 and word in ("MOTHER", "FATHER"):
                        said[(parent, person)] = word
        stated_children = list(fields.get("stated_children") or ())
        if record.feed == "ngo_locates" and fields.get("child_name"):
            stated_children.append({"name": fields["child_name"]})
        for stated in stated_children:
            hits = by_name(stated, "child")
            for child in hits:
                propose(person, child, PROBABLE if len(hits) == 1 else CANDIDATE, "stated_child")
        if record.feed == "dna_results" and fields.get("child_uac_id") in uac_person:
            child = uac_person[fields["child_uac_id"]]
            if fields.get("result") == "INCLUSION":
                propose(person, child, CONFIRMED, "dna")
            elif fields.get("result") == "EXCLUSION":
                propose(person, child, REJECTED, "dna")

    rows = []
    for (parent, child), level in sorted(status.items()):
        sex = sexes[parent].most_common(1)[0][0] if sexes[parent] else None
        relationship = {"F": "MOTHER", "M": "FATHER"}.get(sex or "", said.get((parent, child), "PARENT"))
        rows.append(
            {
                "parent_person_id": parent,
                "child_person_id": child,
                "relationship": relationship,
                "status": level,
                "rule": rule_of[(parent, child)],
            }
        )
    return rows


# --------------------------------------------------------------------------- one model on one scenario


@dataclass
class ModelFigures:
    """What is printed for one model on one scenario, and what the analyses need afterwards."""

    model: str
    persons: Any  # evaluation.PersonsScore
    blocking_recall: float | None
    blocked_pairs: int
    ties: Any  # evaluation.TiesScore
    review_pairs: int | None
    children: int
    children_with_candidate: int
    persons_seconds: float
    ties_seconds: float
    peak_mib: float
    start_mib: float
    clusters: dict[str, str] = field(repr=False)
    tie_rows: list[dict[str, str]] = field(repr=False)
    mapping: dict[str, str] = field(repr=False)
    persons_result: PersonLinkResult | None = field(default=None, repr=False)
    ties_result: TieResult | None = field(default=None, repr=False)


def _tie_rows(result: TieResult) -> list[dict[str, str]]:
    return [
        {
            "parent_person_id": t.parent,
            "child_person_id": t.child,
            "relationship": t.relationship,
            "status": t.status,
        }
        for t in result.ties
    ]


def run_ours(records: list[LinkRecord], truth: Truth, keep: bool) -> ModelFigures:
    """Our persons then our ties, timed and measured together."""
    with PeakMemory() as peak:
        clock = time.perf_counter()
        persons = link_persons(records, settings=PersonLinkSettings(keep_candidates=True))
        persons_seconds = time.perf_counter() - clock
        clock = time.perf_counter()
        ties = link_ties(records, persons.clusters, settings=TieSettings(keep_candidates=True))
        ties_seconds = time.perf_counter() - clock
    truth_persons = truth.wellformed_persons
    keys = persons.features.column("record_key").to_pylist()
    recall, _, blocked = blocking_recall(persons.candidates, [truth_persons.get(k) for k in keys])
    mapping = person_mapping(truth_persons, persons.clusters)
    rows = _tie_rows(ties)
    children = child_persons(records, persons.clusters)
    return ModelFigures(
        model="ours",
        persons=evaluate_persons(truth_persons, persons.clusters),
        blocking_recall=recall,
        blocked_pairs=blocked,
        ties=evaluate_relationships(truth.relationships, rows, mapping),
        review_pairs=persons.counts["review_candidates"],
        children=len(children),
        children_with_candidate=len({r["child_person_id"] for r in rows if r["status"] == CANDIDATE}),
        persons_seconds=persons_seconds,
        ties_seconds=ties_seconds,
        peak_mib=peak.peak / 2**20,
        start_mib=peak.baseline / 2**20,
        clusters=persons.clusters,
        tie_rows=rows,
        mapping=mapping,
        persons_result=persons if keep else None,
        ties_result=ties if keep else None,
    )


def run_anchor(records: list[LinkRecord], truth: Truth) -> ModelFigures:
    """The anchor's persons (Splink out of the box) then its rule-based ties, timed and measured together."""
    with PeakMemory() as peak:
        clock = time.perf_counter()
        clusters, candidates, keys = anchor_link(records)
        persons_seconds = time.perf_counter() - clock
        clock = time.perf_counter()
        rows = anchor_ties(records, clusters)
        ties_seconds = time.perf_counter() - clock
    truth_persons = truth.wellformed_persons
    recall, _, blocked = blocking_recall(candidates, [truth_persons.get(k) for k in keys])
    mapping = person_mapping(truth_persons, clusters)
    return ModelFigures(
        model="anchor",
        persons=evaluate_persons(truth_persons, clusters),
        blocking_recall=recall,
        blocked_pairs=blocked,
        ties=evaluate_relationships(truth.relationships, rows, mapping),
        review_pairs=None,
        children=len(child_persons(records, clusters)),
        children_with_candidate=len({r["child_person_id"] for r in rows if r["status"] == CANDIDATE}),
        persons_seconds=persons_seconds,
        ties_seconds=ties_seconds,
        peak_mib=peak.peak / 2**20,
        start_mib=peak.baseline / 2**20,
        clusters=clusters,
        tie_rows=rows,
        mapping=mapping,
    )


# --------------------------------------------------------------------------- printing


def _f(value: Any, digits: int = 4) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _share(part: int, whole: int) -> str:
    return "n/a" if not whole else f"{part:,} ({100 * part / whole:.2f}%)"


def print_side_by_side(title: str, runs: Sequence[ModelFigures], out: Out = print) -> None:
    """One scenario, one line per figure, one column per model; each line says what it counts."""
    lines: list[tuple[str, list[str]]] = [
        ("persons: records scored", [_f(r.persons.records) for r in runs]),
        ("persons: pairwise precision (record pairs)", [_f(r.persons.pairwise_precision) for r in runs]),
        ("persons: pairwise recall (record pairs)", [_f(r.persons.pairwise_recall) for r in runs]),
        ("persons: pairwise F1", [_f(r.persons.pairwise_f1) for r in runs]),
        ("persons: B-cubed F1 (over records)", [_f(r.persons.bcubed_f1) for r in runs]),
        ("persons: true record pairs / missed", [
            f"{r.persons.true_pairs:,} / {r.persons.true_pairs - r.persons.correct_pairs:,}" for r in runs
        ]),
        ("persons: predicted pairs / wrong", [
            f"{r.persons.predicted_pairs:,} / {r.persons.predicted_pairs - r.persons.correct_pairs:,}"
            for r in runs
        ]),
        ("persons: blocked pairs", [_f(r.blocked_pairs) for r in runs]),
        ("persons: blocking recall (true pairs blocked)", [_f(r.blocking_recall) for r in runs]),
        ("persons: review queue (records left alone)", [_f(r.review_pairs) for r in runs]),
        ("ties: true ties", [_f(r.ties.true_ties) for r in runs]),
        ("ties: precision (CONFIRMED+PROBABLE)", [_f(r.ties.precision) for r in runs]),
        ("ties: recall (CONFIRMED+PROBABLE)", [_f(r.ties.recall) for r in runs]),
        ("ties: candidate recall (any status but REJECTED)", [_f(r.ties.candidate_recall) for r in runs]),
        ("ties: asserted ties / wrong", [
            f"{r.ties.asserted_ties:,} / {r.ties.asserted_ties - r.ties.true_ties_found:,}" for r in runs
        ]),
        ("ties: MOTHER/FATHER label accuracy", [_f(r.ties.label_accuracy) for r in runs]),
        ("ties: children with a CANDIDATE tie / children", [
            f"{_share(r.children_with_candidate, r.children)} of {r.children:,}" for r in runs
        ]),
        ("wall s: persons (noisy, shared 2 cores)", [_f(r.persons_seconds, 1) for r in runs]),
        ("wall s: ties", [_f(r.ties_seconds, 1) for r in runs]),
        ("peak MiB resident (at start)", [f"{r.peak_mib:,.0f} ({r.start_mib:,.0f})" for r in runs]),
    ]  # fmt: skip
    label_width = max(len(label) for label, _ in lines)
    widths = [max(len(r.model), *(len(cells[i]) for _, cells in lines)) for i, r in enumerate(runs)]
    out(title)
    out(
        "  "
        + " " * label_width
        + " | "
        + " | ".join(r.model.rjust(w) for r, w in zip(runs, widths, strict=True))
    )
    for label, cells in lines:
        out(
            "  " + label.ljust(label_width) + " | "
            + " | ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True))
        )  # fmt: skip


def print_summary(results: Sequence[tuple[str, Sequence[ModelFigures]]], out: Out = print) -> None:
    """All scenarios in one table, one row per scenario and model."""
    header = [
        "scenario", "model", "pers P", "pers R", "pers F1", "B3 F1", "block R", "review pairs",
        "ties P", "ties R", "ties cand R", "CAND children", "pers s", "ties s", "peak MiB",
    ]  # fmt: skip
    rows = []
    for name, runs in results:
        for r in runs:
            rows.append([
                name, r.model, _f(r.persons.pairwise_precision), _f(r.persons.pairwise_recall),
                _f(r.persons.pairwise_f1), _f(r.persons.bcubed_f1), _f(r.blocking_recall), _f(r.review_pairs),
                _f(r.ties.precision), _f(r.ties.recall), _f(r.ties.candidate_recall),
                "n/a" if not r.children else f"{100 * r.children_with_candidate / r.children:.2f}%",
                _f(r.persons_seconds, 1), _f(r.ties_seconds, 1), f"{r.peak_mib:,.0f}",
            ])  # fmt: skip
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=True)]
    out(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    out("-+-".join("-" * w for w in widths))
    for row in rows:
        out(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


# --------------------------------------------------------------------------- review bands

PERSON_BUCKETS = (0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999, 1.0000001)
TIE_BUCKETS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0000001)


def _bucket(value: float, edges: Sequence[float]) -> int:
    for position in range(len(edges) - 1):
        if value < edges[position + 1]:
            return position
    return len(edges) - 2


def _bucket_label(position: int, edges: Sequence[float]) -> str:
    high = edges[position + 1]
    return f"[{edges[position]:g}, {'1' if high > 1 else f'{high:g}'}{']' if high > 1 else ')'}"


def person_band_table(result: PersonLinkResult, truth_persons: Mapping[str, str], out: Out = print) -> None:
    """Every scored pair (probability >= the floor, not forbidden by the feed contract) by probability bucket.

    "fixable" counts the pairs the final clustering got wrong (linked but
    different people, or apart but the same person): what a reviewer deciding
    every pair of the bucket would correct.  A bucket is worth reviewing when
    that share is high enough to pay for the reviewer's minutes.
    """
    pairs = result.pairs
    probability = pairs["match_probability"].to_pylist()
    linked = pairs["linked"].to_pylist()
    constrained = pairs["constrained"].to_pylist()
    left = pairs["record_key_l"].to_pylist()
    right = pairs["record_key_r"].to_pylist()
    n = [0] * (len(PERSON_BUCKETS) - 1)
    true = [0] * len(n)
    linked_n = [0] * len(n)
    fixable = [0] * len(n)
    for p, is_linked, is_constrained, a, b in zip(probability, linked, constrained, left, right, strict=True):
        ta, tb = truth_persons.get(a), truth_persons.get(b)
        if is_constrained or ta is None or tb is None:
            continue
        position = _bucket(p, PERSON_BUCKETS)
        same = ta == tb
        n[position] += 1
        true[position] += same
        linked_n[position] += is_linked
        fixable[position] += same != is_linked
    _lone_record_table(result, truth_persons, constrained, left, right, probability, out)
    out("  every scored pair:")
    out("  probability band   | pairs   | true matches (share) | linked by us | fixable (share of band)")
    for position in range(len(n)):
        if not n[position]:
            continue
        out(
            f"  {_bucket_label(position, PERSON_BUCKETS):18} | {n[position]:7,} | "
            f"{true[position]:7,} ({true[position] / n[position]:6.1%})     | {linked_n[position]:11,} | "
            f"{fixable[position]:6,} ({fixable[position] / n[position]:6.1%})"
        )


LONE_BUCKETS = (0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 1.0000001)


def _lone_record_table(
    result: PersonLinkResult,
    truth_persons: Mapping[str, str],
    constrained: Sequence[bool],
    left: Sequence[str],
    right: Sequence[str],
    probability: Sequence[float],
    out: Out,
) -> None:
    """Records the clustering left alone although one of their pairs scored >= 0.5, by that best pair.

    Why: most recall lost in clustering is a sparse record (a DNA kit, an NGO
    locate, a court finding: a name and little else) that matches one record
    of its person well and the others poorly, so average linkage keeps it
    out.  A queue of such records, each shown with its best partner, is a
    review unit whose share of real errors can be read here.
    """
    size = Counter(result.clusters.values())
    best: dict[str, tuple[float, str]] = {}
    for p, is_constrained, a, b in zip(probability, constrained, left, right, strict=True):
        if is_constrained:
            continue
        for lone, other in ((a, b), (b, a)):
            if size[result.clusters[lone]] == 1 and p > best.get(lone, (0.0, ""))[0]:
                best[lone] = (p, other)
    n = [0] * (len(LONE_BUCKETS) - 1)
    right_n = [0] * len(n)
    for lone, (p, other) in best.items():
        if p < LONE_BUCKETS[0] or lone not in truth_persons or other not in truth_persons:
            continue
        position = _bucket(p, LONE_BUCKETS)
        n[position] += 1
        right_n[position] += truth_persons[lone] == truth_persons[other]
    out("  records left alone although a pair of theirs scored >= 0.5 (a record-level review queue):")
    out("  best pair's probability | records | belong to that partner's person (share)")
    for position in range(len(n)):
        if n[position]:
            out(
                f"  {_bucket_label(position, LONE_BUCKETS):23} | {n[position]:7,} | "
                f"{right_n[position]:6,} ({right_n[position] / n[position]:6.1%})"
            )
    total, total_right = sum(n), sum(right_n)
    if total:
        out(f"  all                     | {total:7,} | {total_right:6,} ({total_right / total:6.1%})")


def tie_band_table(
    result: TieResult, mapping: Mapping[str, str], truth: Truth, children: int, out: Out = print
) -> None:
    """Every candidate (adult, child) pair by model probability: how many are true ties, and whom they touch.

    "children" is the distinct child persons with a pair in the bucket, as a
    share of all child persons: the review load if the band covered it.
    """
    true_ties = {(r["parent_person_id"], r["child_person_id"]) for r in truth.relationships}
    status_of = {(t.parent, t.child): t.status for t in result.ties}
    assert result.candidates is not None
    n = [0] * (len(TIE_BUCKETS) - 1)
    true = [0] * len(n)
    kids: list[set[str]] = [set() for _ in n]
    statuses: list[Counter[str]] = [Counter() for _ in n]
    for parent, child, probability, _ in result.candidates:
        position = _bucket(probability, TIE_BUCKETS)
        n[position] += 1
        true[position] += (mapping.get(parent), mapping.get(child)) in true_ties
        kids[position].add(child)
        statuses[position][status_of.get((parent, child), "dropped")] += 1
    out("  model probability | pairs  | true ties (share) | children (share of children) | status now")
    for position in range(len(n)):
        if not n[position]:
            continue
        shown = ", ".join(f"{k} {v:,}" for k, v in sorted(statuses[position].items()))
        out(
            f"  {_bucket_label(position, TIE_BUCKETS):17} | {n[position]:6,} | {true[position]:6,} "
            f"({true[position] / n[position]:6.1%}) | {len(kids[position]):6,} "
            f"({len(kids[position]) / max(children, 1):6.2%})             | {shown}"
        )
    reasons: Counter[str] = Counter()
    for tie in result.ties:
        if tie.status != CANDIDATE:
            continue
        notes = " ".join(e.text for e in tie.evidence if e.kind == "constraint")
        if "presented" in notes:
            reasons["presented as parent, unsupported"] += 1
        elif "more likely" in notes:
            reasons["another mother/father more likely"] += 1
        else:
            reasons["probability in the review band"] += 1
    out("  CANDIDATE ties by reason: " + ", ".join(f"{k} {v:,}" for k, v in reasons.most_common()))


# --------------------------------------------------------------------------- miss analysis


def _dob_relation(a: str | None, b: str | None) -> str:
    if not a or not b:
        return "dob missing"
    if a == b:
        return ""
    if a[4:] == "-01-01" or b[4:] == "-01-01":
        return "dob estimate (1 Jan)"
    if a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]:
        return "dob day/month swap"
    if a[4:] == b[4:]:
        return "dob year differs"
    if a[:4] == b[:4]:
        return "dob day/month differ"
    return "dob differs"


def _disagreements(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    """What two records of one person disagree on, in the terms of the comparisons."""
    found = []
    na, nb = a.get("name") or {}, b.get("name") or {}
    ga, gb = set(na.get("given") or []), set(nb.get("given") or [])
    sa, sb = list(na.get("surnames") or []), list(nb.get("surnames") or [])
    if not (ga or sa) or not (gb or sb):
        found.append("name missing")
    elif ga | set(sa) == gb | set(sb) and (ga != gb):
        found.append("given/surname swapped")
    else:
        if ga != gb:
            found.append("given differ" if not ga & gb else "given partly")
        if sa != sb:
            if not set(sa) & set(sb):
                found.append("surnames differ")
            elif len(sa) != len(sb):
                found.append("one surname missing")
            else:
                found.append("surnames partly/reordered")
    relation = _dob_relation(a.get("dob"), b.get("dob"))
    if relation:
        found.append(relation)
    for field_name in ("a_number", "fin"):
        va, vb = a.get(field_name), b.get(field_name)
        if va and vb and va != vb:
            found.append(f"{field_name} differs")
    if a.get("sex") in ("M", "F") and b.get("sex") in ("M", "F") and a["sex"] != b["sex"]:
        found.append("sex differs")
    return found or ["nothing differs"]


def person_misses(
    result: PersonLinkResult,
    records: Sequence[LinkRecord],
    truth_persons: Mapping[str, str],
    out: Out = print,
) -> None:
    """Each true person split by us: between each two of its fragments, why no link was made.

    Stage: *blocking* (no pair across the two fragments was ever compared),
    *scoring* (compared, best pair below the link threshold 0.5), *constraint*
    (best pair at or above 0.5, but some pair across the fragments is
    forbidden by the feed contract, so they can never be one cluster),
    *clustering* (best pair at or above 0.5, no constraint between them:
    average linkage kept them apart), split into *clust:lone* (one fragment
    is a single record) and *clust:groups*.  Counts are missed record pairs
    (|A| x |B|), as pairwise recall counts them.
    """
    by_key = {r.record_key: r for r in records}
    keys = result.features.column("record_key").to_pylist()
    uid = {key: position for position, key in enumerate(keys)}
    constraints = _ConstraintColumns.from_table(result.features)
    blocked: set[tuple[str, str]] = set()
    assert result.candidates is not None
    for a, b in zip(
        result.candidates["unique_id_l"].to_pylist(),
        result.candidates["unique_id_r"].to_pylist(),
        strict=True,
    ):
        blocked.add((min(keys[a], keys[b]), max(keys[a], keys[b])))
    best: dict[tuple[str, str], tuple[float, bool, str]] = {}
    pairs = result.pairs
    for a, b, p, constrained in zip(
        pairs["record_key_l"].to_pylist(),
        pairs["record_key_r"].to_pylist(),
        pairs["match_probability"].to_pylist(),
        pairs["constrained"].to_pylist(),
        strict=True,
    ):
        best[(min(a, b), max(a, b))] = (p, constrained, "")
    fragments: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for key, person in truth_persons.items():
        if key in result.clusters:
            fragments[person][result.clusters[key]].append(key)
    stage_n: Counter[str] = Counter()
    cause_n: Counter[str] = Counter()
    field_n: Counter[str] = Counter()
    feeds_n: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for _person, parts in fragments.items():
        if len(parts) < 2:
            continue
        groups = list(parts.values())
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                missed = len(groups[i]) * len(groups[j])
                cross = [(min(a, b), max(a, b)) for a in groups[i] for b in groups[j]]
                scored = [(best[pair][0], best[pair][1], pair) for pair in cross if pair in best]
                any_blocked = any(pair in blocked for pair in cross)
                if scored:
                    probability, _, pair = max(scored)
                    forbidden = any(constraints.violated(uid[a], uid[b]) for a, b in cross)
                    stage = (
                        "constraint" if probability >= 0.5 and forbidden
                        else "clustering" if probability >= 0.5
                        else "scoring"
                    )  # fmt: skip
                else:
                    probability, pair = 0.0, cross[0]
                    stage = "scoring (below 0.01)" if any_blocked else "blocking"
                a, b = by_key[pair[0]], by_key[pair[1]]
                what = _disagreements(a.fields, b.fields)
                if stage == "clustering":
                    stage = "clust:lone" if min(len(groups[i]), len(groups[j])) == 1 else "clust:groups"
                stage_n[stage] += missed
                cause_n[(stage, " + ".join(what))] += missed
                for item in what:
                    field_n[(stage, item)] += missed
                feeds_n[(stage, " ~ ".join(sorted((a.feed, b.feed))))] += missed
                if len(examples[stage]) < 4:
                    examples[stage].append(
                        f"{pair[0]} ~ {pair[1]} p={probability:.3f}: {'; '.join(what)} | "
                        f"{(a.fields.get('name') or {}).get('raw')} {a.fields.get('dob')} vs "
                        f"{(b.fields.get('name') or {}).get('raw')} {b.fields.get('dob')}"
                    )
    total = sum(stage_n.values())
    out(
        f"  missed true record pairs: {total:,}; by stage: "
        + ", ".join(f"{k} {v:,}" for k, v in stage_n.most_common())
    )
    out("  top causes (stage: what disagrees -> missed pairs):")
    for (stage, what), count in cause_n.most_common(12):
        out(f"    {stage:12} {what:60} {count:6,}")
    out("  fields disagreeing (a pair counts once per field):")
    for (stage, item), count in field_n.most_common(14):
        out(f"    {stage:12} {item:40} {count:6,}")
    out("  feed pairs:")
    for (stage, feeds), count in feeds_n.most_common(8):
        out(f"    {stage:12} {feeds:40} {count:6,}")
    for stage, lines in examples.items():
        for line in lines:
            out(f"    e.g. [{stage}] {line}")


def tie_misses(figures: ModelFigures, truth: Truth, out: Out = print) -> None:
    """Why true ties were not asserted, and what the wrongly asserted ones were, for one model.

    A miss is put down to the persons when no project person stands for the
    true parent or child (their records went into someone else's person),
    else to the tie's status (CANDIDATE, REJECTED), else to the model
    (scored below the review threshold) or to candidate generation (never
    paired).  A false tie is described by what the adult really is to the
    child in the truth (a parent of a sibling, the child's sibling, a
    stranger) and by its status and the sources that found it.
    """
    mapping = figures.mapping
    stands_for: dict[str, list[str]] = defaultdict(list)
    for project, real in mapping.items():
        stands_for[real].append(project)
    asserted_pairs: set[tuple[str | None, str | None]] = set()
    status: dict[tuple[str, str], str] = {}  # truth pair -> CANDIDATE or REJECTED when not asserted
    for row in figures.tie_rows:
        parent, child = mapping.get(row["parent_person_id"]), mapping.get(row["child_person_id"])
        if row["status"] in (CONFIRMED, PROBABLE):
            asserted_pairs.add((parent, child))
        elif parent is not None and child is not None and status.get((parent, child)) != CANDIDATE:
            status[(parent, child)] = row["status"]
    probability: dict[tuple[str, str], tuple[float, tuple[str, ...]]] = {}
    if figures.ties_result is not None and figures.ties_result.candidates is not None:
        for parent, child, p, sources in figures.ties_result.candidates:
            pair = (mapping.get(parent), mapping.get(child))
            if pair not in probability or p > probability[pair][0]:
                probability[pair] = (p, sources)
    true_ties = {(r["parent_person_id"], r["child_person_id"]) for r in truth.relationships}
    parents_of: dict[str, set[str]] = defaultdict(set)
    children_of: dict[str, set[str]] = defaultdict(set)
    for parent, child in true_ties:
        parents_of[child].add(parent)
        children_of[parent].add(child)
    misses: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for parent, child in sorted(true_ties):
        pair = (parent, child)
        if pair in asserted_pairs:
            continue
        if not stands_for.get(parent) or not stands_for.get(child):
            side = "parent" if not stands_for.get(parent) else "child"
            cause = f"persons: no person stands for the {side}"
        elif pair in status:
            cause = f"status {status[pair]}"
            if pair in probability:
                cause += (
                    f", model p in {_bucket_label(_bucket(probability[pair][0], TIE_BUCKETS), TIE_BUCKETS)}"
                )
        elif pair in probability:
            p, sources = probability[pair]
            cause = f"scored below review (p {_bucket_label(_bucket(p, TIE_BUCKETS), TIE_BUCKETS)}), found by {'+'.join(sources)}"
        else:
            cause = "never a candidate pair"
        misses[cause] += 1
        if len(examples[cause]) < 2:
            examples[cause].append(f"{parent} -> {child}")
    out(f"  true ties not asserted: {sum(misses.values()):,}")
    for cause, count in misses.most_common(12):
        out(f"    {count:5,}  {cause}   e.g. {', '.join(examples[cause])}")
    wrong: Counter[str] = Counter()
    wrong_examples: dict[str, list[str]] = defaultdict(list)
    sources_of_project: dict[tuple[str, str], tuple[str, ...]] = {}
    if figures.ties_result is not None:
        for tie in figures.ties_result.ties:
            sources_of_project[(tie.parent, tie.child)] = tie.found_by
    seen: set[tuple[str, str]] = set()
    for row in figures.tie_rows:
        if row["status"] not in (CONFIRMED, PROBABLE):
            continue
        pair = (mapping.get(row["parent_person_id"]), mapping.get(row["child_person_id"]))
        if pair in true_ties or pair in seen:
            continue
        seen.add(pair)
        adult, child = pair
        if adult is None or child is None:
            relation = "a person with no well-formed truth record"
        elif adult == child:
            relation = "the same truth person (a persons merge)"
        elif child in parents_of[adult]:
            relation = "true tie reversed"
        elif children_of[adult] & {c for p in parents_of[child] for c in children_of[p]}:
            relation = "a parent of the child's sibling (other parent's partner / half-family)"
        elif parents_of[adult] and parents_of[adult] & parents_of[child]:
            relation = "the child's sibling"
        else:
            relation = "no family relation in the truth"
        found_by = row.get("rule") or "+".join(
            sources_of_project.get((row["parent_person_id"], row["child_person_id"]), ())
        )
        cause = f"{row['status']}: {relation}" + (f" (found by {found_by})" if found_by else "")
        wrong[cause] += 1
        if len(wrong_examples[cause]) < 2:
            wrong_examples[cause].append(f"{row['parent_person_id']} -> {row['child_person_id']}")
    out(f"  asserted ties that are wrong: {sum(wrong.values()):,}")
    for cause, count in wrong.most_common(12):
        out(f"    {count:5,}  {cause}   e.g. {', '.join(wrong_examples[cause])}")


# --------------------------------------------------------------------------- main


def run_scenario(
    families: int, seed: int, noise: float, misses: bool, out: Out = print
) -> tuple[str, list[ModelFigures], list[str]]:
    """Both models on one scenario; returns the figures and the analysis lines (printed at the end)."""
    folder = scenario_folder(families, seed, noise)
    clock = time.perf_counter()
    records, counts = latest_records([folder])
    read_seconds = time.perf_counter() - clock
    truth = read_truth(folder)
    name = f"{families:,} fam seed {seed} noise {noise:g}"
    print(
        f"  {name}: {len(records):,} records read in {read_seconds:.1f}s "
        f"({counts['rejected']:,} quarantined rows skipped); ours ...",
        flush=True,
    )
    ours = run_ours(records, truth, keep=True)
    analysis: list[str] = []
    say = analysis.append
    say(f"{name}: our persons, review-band sizing (every scored pair by match probability)")
    assert ours.persons_result is not None and ours.ties_result is not None
    person_band_table(ours.persons_result, truth.wellformed_persons, say)
    say(f"{name}: our ties, review-band sizing (every candidate pair by model probability)")
    tie_band_table(ours.ties_result, ours.mapping, truth, ours.children, say)
    if misses:
        say(f"{name}: our persons, missed true pairs by cause")
        person_misses(ours.persons_result, records, truth.wellformed_persons, say)
        say(f"{name}: our ties, misses and wrong assertions")
        tie_misses(ours, truth, say)
    ours.persons_result = None  # free the pair tables before the anchor's memory is measured
    print(f"  {name}: anchor ...", flush=True)
    anchor = run_anchor(records, truth)
    if misses:
        say(f"{name}: anchor ties, misses and wrong assertions")
        tie_misses(anchor, truth, say)
    ours.ties_result = None
    return name, [ours, anchor], analysis


def main() -> None:
    logging.getLogger("splink").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, nargs="+", default=[10_000])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--noise", type=float, nargs="+", default=[1.0, 2.0])
    parser.add_argument("--skip-scenarios", action="store_true", help="FEBRL only")
    parser.add_argument("--skip-febrl", action="store_true")
    parser.add_argument("--misses", action="store_true", help="classify each model's misses by cause")
    args = parser.parse_args()

    BENCH_VAR.mkdir(parents=True, exist_ok=True)
    results: list[tuple[str, list[ModelFigures]]] = []
    analyses: list[str] = []
    if not args.skip_scenarios:
        for families in args.families:
            for seed in args.seeds:
                for noise in args.noise:
                    name, runs, analysis = run_scenario(families, seed, noise, args.misses)
                    results.append((name, runs))
                    analyses.extend(analysis)
    febrl = [] if args.skip_febrl else run_febrl(skip_anchor=False)

    print()
    for name, runs in results:
        print_side_by_side(
            f"Scenario {name}: ours against the anchor (Splink out of the box + rule ties)", runs
        )
        print()
    if results:
        print("All scenarios (pers = persons, pairwise over record pairs; B3 = B-cubed over records; block R = "
              "true pairs blocking lets through; review pairs = person review queue, a record left alone "
              "beside its best partner a row; ties P/R = CONFIRMED+PROBABLE; cand R = any status but "
              "REJECTED; CAND children = children with a CANDIDATE tie / children; s = wall seconds, noisy; "
              "peak MiB = resident set of the process)")  # fmt: skip
        print_summary(results)
        print()
    for line in analyses:
        print(line)
    if febrl:
        print()
        print("FEBRL (persons only): ours against Splink out of the box, same records, same process")
        print_table(febrl)
        print(
            "precision/recall/F1: pairwise over record pairs; B3 F1: B-cubed over records; block recall: true "
            "pairs blocking lets through; reachable: true pairs joined through blocked true pairs; seconds: "
            "wall time of the model (noisy); peak/before MiB: resident set while / before the model ran."
        )


if __name__ == "__main__":
    main()
