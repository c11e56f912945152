"""Learning the tie model's weights from the candidate pairs: Fellegi-Sunter by EM, anchored by DNA.

Why this model: a tie's probability must be explainable level by level
("the child named this woman as its mother: +9.1"), which a naive-Bayes
(Fellegi-Sunter) model gives directly as log2(m/u) per level, and its
parameters must come from the data at hand, not from the generator we test
on.  Two sources of learning exist in real data and both are used:

- the candidate pairs themselves, unlabelled: a two-class mixture whose
  class-conditional level frequencies (m for ties, u for other candidates)
  and mixing share are estimated by expectation-maximisation;
- the pairs a DNA test (or a person) has settled: INCLUSION pairs are ties
  and EXCLUSION pairs are not, so in every E-step their class is known and
  clamped instead of estimated.  Labels alone would not do: tests are done on
  separated families and on adults suspected of fraud, not on a sample of
  candidates, so they would teach a biased u; inside EM they only pin
  the classes where they are known and keep the mixture from drifting.

Fixed signs (``Comparison.sign``): a level that means "not this child's
parent" (a remark naming an uncle, a gap of nine years, a DNA exclusion)
keeps its learnt size but may never weigh for a tie, in training as in
scoring.  Why: EM over candidate pairs separates related from unrelated
pairs, and an aunt travelling with a child is related; a free weight let
"the child named her as OTHER" count about +2 for the tie.  Evidence that
contradicts a conclusion may not be learnt as support.

Two departures from plain naive Bayes, both because the data demand them:

- contexts (``ContextRule``): among non-ties the comparisons are not
  independent of how the pair was found -- an adult apprehended with a
  child and not its parent is usually a relative or a false parent
  (surnames shared, the child named), a stranger found by a common name is
  not -- so u is learnt per context (apprehended together, booked in
  together, neither), shrunk towards the pooled u; m is not (what a real
  parent and child share does not depend on it, and a free m per context
  lets EM split one context's strangers into a false "tie" class);
- comparisons learnt after EM (``Comparison.after_em``): whether a DNA test
  was taken coincides with the labels, so inside EM it would only feed back
  on itself; it is learnt in one pass from the converged classes instead,
  per context, and so corrects for tests being taken mostly where a parent
  was doubted.

Regularisation: every level has a Dirichlet prior of one pair per level in
each class, tilted only in direction by the level's declared leaning (so a
level never seen among ties gets a small m, not zero, and a run with a
handful of pairs still points the right way); m and u are floored, so no
single level makes a probability exactly 0 or 1.  A comparison with nothing
to compare (None) contributes nothing.  EM starts from the DNA inclusions
(m) and the unlabelled pairs (u) when there are enough labels, else from the
leanings -- never from a weight.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from reunify.linkage.ties_features import Comparison

#: A pair's comparison levels, -1 where a comparison had nothing to compare.
Pattern = tuple[int, ...]


@dataclass(frozen=True)
class LevelWeight:
    """One comparison level: its share among ties (m) and among other candidates (u), and log2(m/u)."""

    level: str
    m: float
    u: float
    weight: float
    pairs: int


@dataclass(frozen=True)
class ContextRule:
    """Which comparison sets the context the others are read in, and how its levels map to contexts.

    Why: naive Bayes assumes the comparisons independent within each class,
    and among the non-ties they plainly are not: an adult apprehended with a
    child and not its parent is usually a relative (shared surnames, a child
    who names someone else), while a stranger found through a common name is
    not.  Learning every other comparison's m and u separately per context
    (a tree-augmented naive Bayes with the context comparison as the parent)
    keeps one context's non-ties from setting the weights of another's.
    ``context_of_level[level]`` is the context index of each level of the
    context comparison; "nothing to compare" takes the last context.
    """

    comparison: int
    names: tuple[str, ...]
    context_of_level: tuple[int, ...]

    def context(self, pattern: Pattern) -> int:
        level = pattern[self.comparison]
        return self.context_of_level[level] if level >= 0 else len(self.names) - 1


@dataclass(frozen=True)
class TieModel:
    """A trained tie model: everything a tie's probability can be traced back to.

    ``prior`` is the estimated share of candidate pairs that are ties.
    ``levels[comparison]`` holds the learnt m, u and weight of each level over
    all pairs; ``context_levels[comparison][context]`` the same within each
    context (ContextRule), which is what scores a pair.  ``labelled_ties`` /
    ``labelled_non_ties`` are the pairs whose class was known during training
    (DNA results and human decisions).
    """

    comparisons: tuple[str, ...]
    prior: float
    levels: dict[str, list[LevelWeight]]
    context_levels: dict[str, dict[str, list[LevelWeight]]]
    rule: ContextRule | None
    iterations: int
    converged: bool
    pairs: int
    labelled_ties: int
    labelled_non_ties: int

    @property
    def prior_weight(self) -> float:
        """log2 of the prior odds: where every pair starts before its evidence."""
        return math.log2(self.prior / (1 - self.prior))

    def context_name(self, pattern: Pattern) -> str | None:
        """The name of the context a pair is read in (None without a context rule)."""
        return self.rule.names[self.rule.context(pattern)] if self.rule is not None else None

    def weight(self, comparison: int, level: int, pattern: Pattern | None = None) -> float:
        """log2(m/u) of one level of one comparison, in the pair's context (0 for "nothing to compare")."""
        if level < 0:
            return 0.0
        name = self.comparisons[comparison]
        by_context = self.context_levels.get(name)
        if by_context is not None and pattern is not None and self.rule is not None:
            return by_context[self.rule.names[self.rule.context(pattern)]][level].weight
        return self.levels[name][level].weight

    def match_weight(self, pattern: Pattern) -> float:
        """Prior weight plus every comparison's weight: the pair's log2 odds of being a tie."""
        return self.prior_weight + sum(self.weight(i, level, pattern) for i, level in enumerate(pattern))

    def probability(self, pattern: Pattern) -> float:
        """The pair's probability of being a tie under the model."""
        return _probability(self.match_weight(pattern))


def _probability(weight: float) -> float:
    if weight > 60:
        return 1.0
    if weight < -60:
        return 0.0
    odds = 2.0**weight
    return odds / (1 + odds)


def fit_tie_model(
    comparisons: Sequence[Comparison],
    patterns: Sequence[Pattern],
    labels: Sequence[bool | None],
    *,
    rule: ContextRule | None = None,
    pseudo_count: float = 1.0,
    context_strength: float = 20.0,
    floor: float = 1e-6,
    max_iterations: int = 500,
    tolerance: float = 1e-7,
    min_labelled: int = 20,
) -> TieModel:
    """Estimate m, u and the prior by EM over ``patterns``, clamping the pairs whose label is known.

    Each comparison's levels have a distribution per class over all pairs,
    with a Dirichlet prior of ``pseudo_count`` pairs per level tilted by the
    leanings (``_leaning_counts``).  Among the non-ties, every
    comparison but the context one also has one per context, shrunk towards
    the pooled one with the weight of ``context_strength`` pairs (a context
    with few pairs borrows from the others instead of from a flat prior).
    Among ties it does not (unless the comparison says ``ties_by_context``):
    what a real parent and child share does not depend on whether they were
    caught together, and a tie class free to differ per context would split
    the strangers of one context into two clusters and call one of them ties.  Identical (pattern,
    label) rows are grouped first, so an iteration costs the number of
    distinct patterns (a few thousand), not the number of pairs.
    """
    if len(patterns) != len(labels):
        raise ValueError("one label (or None) per pattern")
    sizes = [len(c.levels) for c in comparisons]
    contexts = len(rule.names) if rule is not None else 1
    split = [rule is not None and i != rule.comparison for i in range(len(comparisons))]
    after = [c.after_em for c in comparisons]
    signs = [tuple(c.fixed_sign(j) for j in range(len(c.levels))) for c in comparisons]
    grouped = Counter(zip(patterns, labels, strict=True))
    rows = [
        (pattern, label, count, rule.context(pattern) if rule else 0)
        for (pattern, label), count in grouped.items()
    ]
    total = sum(grouped.values())
    table = _Table.of(rows, len(comparisons))

    m_prior = [_leaning_counts(c.leaning, pseudo_count, +1) for c in comparisons]
    u_prior = [_leaning_counts(c.leaning, pseudo_count, -1) for c in comparisons]
    m_pool, u_pool = _start(comparisons, rows, pseudo_count, floor, min_labelled)
    m = [[list(m_pool[i]) for _ in range(contexts)] for i in range(len(comparisons))]
    u = [[list(u_pool[i]) for _ in range(contexts)] for i in range(len(comparisons))]
    prior = 0.5
    iterations = 0
    converged = False
    for iterations in range(1, max_iterations + 1):  # noqa: B007 - the count is reported
        m_counts, u_counts, tie_mass = _expect(table, m, u, prior, sizes, contexts, after, signs)
        new_m = _estimate(m_counts, [False] * len(comparisons), m_prior, context_strength, floor)
        new_u = _estimate(u_counts, split, u_prior, context_strength, floor)
        new_prior = (tie_mass + 1.0) / (total + 2.0)  # a Beta(1, 1) prior: never exactly 0 or 1
        change = abs(new_prior - prior)
        for old, new in ((m, new_m), (u, new_u)):
            for i, (old_i, new_i) in enumerate(zip(old, new, strict=True)):
                if after[i]:
                    continue
                for old_c, new_c in zip(old_i, new_i, strict=True):
                    change = max(change, max(abs(a - b) for a, b in zip(old_c, new_c, strict=True)))
        m, u, prior = new_m, new_u, new_prior
        if change < tolerance:
            converged = True
            break

    # Comparisons learnt after EM: one pass with the converged classes, per context for both classes.
    m_counts, u_counts, _ = _expect(table, m, u, prior, sizes, contexts, after, signs)
    if any(after):
        m_after = _estimate(m_counts, split, m_prior, 0.0, floor)
        u_after = _estimate(u_counts, split, u_prior, 0.0, floor)
        for i, is_after in enumerate(after):
            if is_after:
                m[i], u[i] = m_after[i], u_after[i]

    level_pairs = [[Counter() for _ in range(contexts)] for _ in comparisons]
    for pattern, _, count, context in rows:
        for i, level in enumerate(pattern):
            if level >= 0:
                level_pairs[i][context][level] += count
    pooled_m = _estimate_pooled(m_counts, m_prior, floor)
    pooled_u = _estimate_pooled(u_counts, u_prior, floor)
    levels = {
        c.name: [
            LevelWeight(
                label,
                pooled_m[i][j],
                pooled_u[i][j],
                _signed(math.log2(pooled_m[i][j] / pooled_u[i][j]), signs[i][j]),
                sum(level_pairs[i][k][j] for k in range(contexts)),
            )
            for j, label in enumerate(c.levels)
        ]
        for i, c in enumerate(comparisons)
    }
    context_levels: dict[str, dict[str, list[LevelWeight]]] = {}
    if rule is not None:
        for i, c in enumerate(comparisons):
            if not split[i]:
                continue
            context_levels[c.name] = {
                rule.names[k]: [
                    LevelWeight(
                        label,
                        m[i][k][j],
                        u[i][k][j],
                        _signed(math.log2(m[i][k][j] / u[i][k][j]), signs[i][j]),
                        level_pairs[i][k][j],
                    )
                    for j, label in enumerate(c.levels)
                ]
                for k in range(contexts)
            }
    return TieModel(
        comparisons=tuple(c.name for c in comparisons),
        prior=prior,
        levels=levels,
        context_levels=context_levels,
        rule=rule,
        iterations=iterations,
        converged=converged,
        pairs=total,
        labelled_ties=sum(count for _, label, count, _ in rows if label is True),
        labelled_non_ties=sum(count for _, label, count, _ in rows if label is False),
    )


@dataclass(frozen=True)
class _Table:
    """The grouped (pattern, label, count, context) rows as arrays, built once per fit.

    Why arrays: the E-step runs a hundred times over tens of thousands of
    distinct patterns; gathered and summed by numpy it costs a few
    milliseconds, in a Python loop most of the training time.
    """

    levels: np.ndarray  # (rows, comparisons) level index, -1 where nothing was compared
    context: np.ndarray  # (rows,)
    count: np.ndarray  # (rows,)
    label: np.ndarray  # (rows,) 1.0 tie, 0.0 non-tie, nan unknown

    @classmethod
    def of(cls, rows: Sequence[tuple[Pattern, bool | None, int, int]], width: int) -> _Table:
        levels = np.array([pattern for pattern, _, _, _ in rows], dtype=np.int64).reshape(len(rows), width)
        return cls(
            levels=levels,
            context=np.array([context for *_, context in rows], dtype=np.int64),
            count=np.array([count for _, _, count, _ in rows], dtype=np.float64),
            label=np.array(
                [np.nan if label is None else float(label) for _, label, _, _ in rows], dtype=np.float64
            ),
        )


def _expect(
    table: _Table,
    m: list[list[list[float]]],
    u: list[list[list[float]]],
    prior: float,
    sizes: Sequence[int],
    contexts: int,
    after: Sequence[bool],
    signs: Sequence[Sequence[int]],
) -> tuple[list[list[list[float]]], list[list[list[float]]], float]:
    """E-step: each pair's probability of being a tie (clamped where known), summed per comparison, context and level.

    Comparisons learnt after EM take no part in the probabilities, but their
    levels are counted like the others.  A level with a fixed sign weighs
    with its learnt size but never in the forbidden direction, in the
    E-step as in scoring: otherwise EM would go on crediting relatives'
    pairs as ties through it and learn the rest of the model from them.
    """
    log_odds = np.full(len(table.count), math.log(prior / (1 - prior)))
    for i, size in enumerate(sizes):
        if after[i]:
            continue
        ratio = np.log(np.asarray(m[i], dtype=np.float64)) - np.log(np.asarray(u[i], dtype=np.float64))
        sign = np.asarray(signs[i], dtype=np.float64).reshape(1, size)
        ratio = np.where(sign < 0, np.minimum(ratio, 0.0), np.where(sign > 0, np.maximum(ratio, 0.0), ratio))
        levels = table.levels[:, i]
        present = levels >= 0
        log_odds[present] += ratio[table.context[present], levels[present]]
    with np.errstate(over="ignore"):
        responsibility = 1.0 / (1.0 + np.exp(-np.clip(log_odds, -700.0, 700.0)))
    known = ~np.isnan(table.label)
    responsibility[known] = table.label[known]
    tie_weight = responsibility * table.count
    non_tie_weight = (1.0 - responsibility) * table.count
    m_counts: list[list[list[float]]] = []
    u_counts: list[list[list[float]]] = []
    for i, size in enumerate(sizes):
        levels = table.levels[:, i]
        present = levels >= 0
        at = (table.context[present], levels[present])
        m_i = np.zeros((contexts, size))
        u_i = np.zeros((contexts, size))
        np.add.at(m_i, at, tie_weight[present])
        np.add.at(u_i, at, non_tie_weight[present])
        m_counts.append(m_i.tolist())
        u_counts.append(u_i.tolist())
    return m_counts, u_counts, float(tie_weight.sum())


def _signed(weight: float, sign: int) -> float:
    """A learnt weight kept on the side the domain fixes: at most 0 for sign -1, at least 0 for +1."""
    if sign < 0:
        return min(weight, 0.0)
    if sign > 0:
        return max(weight, 0.0)
    return weight


def _leaning_counts(leaning: Sequence[int], pseudo_count: float, sign: int) -> list[float]:
    """Dirichlet pseudo-counts for one class: ``pseudo_count`` per level in all, tilted by the leanings.

    Only the direction is given (towards the levels that point to a tie for
    m, away from them for u), and the total is one pair per level: with
    thousands of pairs it is noise, with a handful (a test, a first small
    delivery) it keeps the model pointing the right way instead of nowhere.
    """
    tilted = [math.exp(sign * lean) for lean in leaning]
    total = sum(tilted)
    return [pseudo_count * len(leaning) * t / total for t in tilted]


def _estimate_pooled(
    counts: list[list[list[float]]], prior: list[list[float]], floor: float
) -> list[list[float]]:
    """Per comparison, the level distribution over all contexts together (with its Dirichlet prior, floored)."""
    pooled = []
    for per_context, pseudo in zip(counts, prior, strict=True):
        summed = [sum(values) + p for values, p in zip(zip(*per_context, strict=True), pseudo, strict=True)]
        pooled.append(_floored(_normalised(summed), floor))
    return pooled


def _estimate(
    counts: list[list[list[float]]],
    split: list[bool],
    prior: list[list[float]],
    strength: float,
    floor: float,
) -> list[list[list[float]]]:
    """Per comparison and context, the level distribution: pooled, or shrunk towards the pooled one."""
    pooled = _estimate_pooled(counts, prior, floor)
    out = []
    for i, per_context in enumerate(counts):
        if not split[i]:
            out.append([pooled[i] for _ in per_context])
            continue
        out.append(
            [
                _floored(
                    _normalised([c + strength * p for c, p in zip(values, pooled[i], strict=True)]), floor
                )
                for values in per_context
            ]
        )
    return out


def _start(
    comparisons: Sequence[Comparison],
    rows: Sequence[tuple[Pattern, bool | None, int, int]],
    pseudo_count: float,
    floor: float,
    min_labelled: int,
) -> tuple[list[list[float]], list[list[float]]]:
    """Where EM starts: m from the pairs known to be ties, u from the unlabelled pairs, when there are enough.

    Most candidate pairs are not ties, so the unlabelled pairs are a fair
    first guess at u, and the DNA inclusions a fair first guess at m.  With
    fewer than ``min_labelled`` known ties, the declared leanings set the
    direction instead (m tilted towards levels that point to a tie, u away).
    """
    labelled = sum(count for _, label, count, _ in rows if label is True)
    if labelled < min_labelled:
        m = [_normalised([math.exp(lean) for lean in c.leaning]) for c in comparisons]
        u = [_normalised([math.exp(-lean) for lean in c.leaning]) for c in comparisons]
        return m, u
    m_counts = [[pseudo_count * math.exp(lean) for lean in c.leaning] for c in comparisons]
    u_counts = [[pseudo_count * math.exp(-lean) for lean in c.leaning] for c in comparisons]
    for pattern, label, count, _ in rows:
        target = m_counts if label is True else u_counts if label is None else None
        if target is None:
            continue
        for i, level in enumerate(pattern):
            if level >= 0:
                target[i][level] += count
    return (
        [_floored(_normalised(row), floor) for row in m_counts],
        [_floored(_normalised(row), floor) for row in u_counts],
    )


def _normalised(values: Sequence[float]) -> list[float]:
    total = sum(values)
    return [v / total for v in values] if total > 0 else [1.0 / len(values)] * len(values)


def _floored(values: list[float], floor: float) -> list[float]:
    return _normalised([max(v, floor) for v in values])
