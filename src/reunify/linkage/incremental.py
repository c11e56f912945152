"""Incremental person linkage: re-link only what a new delivery (or a new decision) touched.

Why: tomorrow's delivery adds or corrects a few hundred records among
hundreds of thousands; re-training the model and re-scoring every pair for
that wastes minutes, and nothing the delivery did not touch can change
anyway.  A full run (:func:`reunify.linkage.persons.link_persons`) leaves two
tables behind, its feature table and its scored pairs (``PersonLinkResult
.pairs``); :func:`relink_persons` takes them with the run's model and the
persons it ended with, and does the same work as a full run with that model,
restricted to what changed:

1. **Features** are built for every current record, as a full run does,
   because a record's features depend on the others (name roles learned
   over all names, the relatives named in its apprehension event or ORR
   case).  A record is *touched* when its feature row is new or differs from
   the previous run's (so a parent whose child's referral arrived is touched
   too), or when the caller names it (a new decision).
2. **Blocking** uses the same keys and caps over every record, but keeps
   only pairs with a touched side (``_block(touched_table=...)``); only
   those are **scored**.  The previous run's pairs between two untouched
   records are kept with their stored scores.
3. **Clustering** is the same non-chaining algorithm (clustering.py) on the
   union: candidate groups are rebuilt over every edge (cheap, union-find),
   and a group is refined again only if it holds a touched record or is not
   exactly one of the previous run's groups; any other group keeps its
   persons as they were, without re-scoring or refining.

What can differ from a full run with the same model, and why it is small:
scores of untouched pairs are the stored ones, while a full run would
recompute the term frequencies over the grown population (a name seen a
little more often weighs a little less: hundredths of a bit); and a block
that grows past its cap in a full run stops pairing its old members, while
here their stored pairs remain (a delivery removes no evidence).  The
tests compare an incremental run with a full one on a scenario delivered in
two parts; ``reunify link --full`` recomputes everything.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .clustering import DisjointSet
from .person_records import LinkRecord, quiet_collector
from .persons import (
    PersonDecisions,
    PersonLinkResult,
    PersonLinkSettings,
    PersonModel,
    _block,
    _check_decisions,
    _cluster,
    _connect,
    _ConstraintColumns,
    _decision_pairs,
    _features,
    _linker,
    _pairs_table,
    _review,
    _run,
    _score,
    _sizes,
    _term_frequencies,
)

__all__ = ["PreviousLink", "load_link_state", "relink_persons", "save_link_state", "touched_records"]

Progress = Callable[[str, int, int], None]

FEATURES_FILE = "features.parquet"
PAIRS_FILE = "pairs.parquet"


@dataclass(frozen=True)
class PreviousLink:
    """What the last run left behind: its feature table, its scored pairs and each record's person.

    ``clusters`` maps record keys to any label shared by the records of one
    person (the application passes public person ids).
    """

    features: pa.Table
    pairs: pa.Table
    clusters: Mapping[str, str]


def save_link_state(folder: Path, result: PersonLinkResult) -> Path:
    """Write a run's feature table and scored pairs into ``folder``, for the next incremental run."""
    folder = Path(folder)
    staging = folder.with_name(f".{folder.name}.tmp")
    staging.mkdir(parents=True, exist_ok=True)
    pq.write_table(result.features, staging / FEATURES_FILE)
    pq.write_table(result.pairs, staging / PAIRS_FILE)
    staging.rename(folder)
    return folder


def load_link_state(folder: Path, clusters: Mapping[str, str]) -> PreviousLink | None:
    """The state :func:`save_link_state` wrote, or None when it is missing (then a full run is needed)."""
    folder = Path(folder)
    if not (folder / FEATURES_FILE).exists() or not (folder / PAIRS_FILE).exists():
        return None
    return PreviousLink(
        features=pq.read_table(folder / FEATURES_FILE),
        pairs=pq.read_table(folder / PAIRS_FILE),
        clusters=clusters,
    )


def touched_records(features: pa.Table, previous: pa.Table) -> list[str]:
    """Record keys whose feature row is new or differs from the previous run's, sorted."""
    columns = [name for name in features.column_names if name != "unique_id"]
    if set(columns) - set(previous.column_names):
        return sorted(features.column("record_key").to_pylist())
    selected = ", ".join(f'"{name}"' for name in columns)
    connection = duckdb.connect(":memory:")
    try:
        connection.register("current_features", features)
        connection.register("previous_features", previous)
        rows = connection.execute(
            f"SELECT record_key FROM (SELECT {selected} FROM current_features "
            f"EXCEPT SELECT {selected} FROM previous_features) ORDER BY record_key"
        ).fetchall()
    finally:
        connection.close()
    return [key for (key,) in rows]


class _Stages:
    """Seconds per stage, and the progress callback, as link_persons reports them."""

    def __init__(self, names: Sequence[str], progress: Progress | None) -> None:
        self.names = list(names)
        self.progress = progress
        self.timings: dict[str, float] = {}
        self.current: str | None = None
        self.clock = time.perf_counter()

    def __call__(self, name: str | None) -> None:
        now = time.perf_counter()
        if self.current is not None:
            self.timings[self.current] = round(now - self.clock, 3)
        self.current, self.clock = name, now
        if name is not None and self.progress is not None:
            self.progress(name, self.names.index(name), len(self.names))


def _previous_components(
    previous: PreviousLink, settings: PersonLinkSettings, decisions: PersonDecisions
) -> dict[str, str]:
    """Record key -> smallest key of its candidate group in the previous run, as _cluster formed it.

    Rebuilt from the stored pairs with today's decisions: a decision made
    since then touches its records, so their groups are refined again anyway.
    """
    keys = previous.features.column("record_key").to_pylist()
    index = {key: position for position, key in enumerate(sorted(keys))}
    ordered_keys = sorted(keys)
    pairs = previous.pairs
    edges = pairs.filter(
        pc.and_(
            pc.and_(
                pc.greater_equal(pairs["match_probability"], settings.link_threshold),
                pc.invert(pairs["constrained"]),
            ),
            pc.not_equal(pairs["found_by"].cast(pa.string()), "component"),
        )
    )
    cannot = set(decisions.cannot_link)
    sets = DisjointSet(len(ordered_keys))
    for a, b in zip(edges["record_key_l"].to_pylist(), edges["record_key_r"].to_pylist(), strict=True):
        if (a, b) not in cannot and a in index and b in index:
            sets.union(index[a], index[b])
    for a, b in decisions.must_link:
        if a in index and b in index:
            sets.union(index[a], index[b])
    return {key: ordered_keys[sets.find(position)] for position, key in enumerate(ordered_keys)}


def _cluster_columns(table: pa.Table) -> pa.Table:
    """The columns _cluster reads, from a table of scored pairs (``mw_`` ones for records left alone)."""
    contributions = sorted(name for name in table.column_names if name.startswith("mw_"))
    return table.select(
        [
            "unique_id_l",
            "unique_id_r",
            "match_weight",
            "match_probability",
            "lowest_mw",
            "constrained",
            *contributions,
        ]
    )


def _plain(table: pa.Table) -> pa.Table:
    """Dictionary columns decoded, so tables of two runs concatenate."""
    columns = []
    for column in table.columns:
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        columns.append(column)
    return pa.table(columns, names=table.column_names)


def relink_persons(
    records: Iterable[LinkRecord] | pa.Table,
    previous: PreviousLink,
    model: PersonModel,
    decisions: PersonDecisions | None = None,
    settings: PersonLinkSettings | None = None,
    progress: Progress | None = None,
    *,
    touched: Iterable[str] = (),
) -> PersonLinkResult:
    """Link the current records with ``model``, re-doing only what changed since ``previous``.

    ``touched`` names records to treat as changed although their features
    are not (the records of a decision made since the previous run).  The
    result has the same shape as :func:`link_persons`'s, with every record's
    cluster and every pair (kept or new), so it can be stored and used by the
    next run in the same way; ``counts`` add ``records_touched``,
    ``pairs_kept`` and ``candidate_groups_kept``.
    """
    settings = settings or PersonLinkSettings()
    if tuple(model.extra_fields) != tuple(settings.extra_fields):
        settings = replace(settings, extra_fields=tuple(model.extra_fields))
    decisions = decisions or PersonDecisions()
    stage = _Stages(("features", "changes", "blocking", "scoring", "clustering", "result"), progress)

    stage("features")
    features = _features(records, settings.extra_fields)
    keys = features.keys
    size = len(keys)
    index = {key: position for position, key in enumerate(keys)}
    must, unknown_must = _decision_pairs(decisions.must_link, index)
    cannot, unknown_cannot = _decision_pairs(decisions.cannot_link, index)
    _check_decisions(size, must, cannot, keys)
    counts: dict[str, int] = {
        "records": size,
        "decisions_must_link": len(must),
        "decisions_cannot_link": len(cannot),
        "decisions_unknown_records": unknown_must + unknown_cannot,
    }

    stage("changes")
    changed = set(touched_records(features.table, previous.features))
    changed |= {key for key in touched if key in index}
    touched_ids = sorted(index[key] for key in changed)
    counts["records_touched"] = len(touched_ids)
    counts["records_removed"] = len(set(previous.features.column("record_key").to_pylist()) - set(index))
    kept_pairs = _kept_pairs(previous.pairs, index, changed)
    kept_blocked = kept_pairs.filter(pc.not_equal(kept_pairs["found_by"], "component"))
    counts["pairs_kept"] = kept_pairs.num_rows

    connection = _connect(settings)
    try:
        from splink import DuckDBAPI

        db_api = DuckDBAPI(connection)
        registered = db_api.register(features.table, table_name="person_features")
        model_settings = json.loads(json.dumps(model.settings, default=str))
        model = PersonModel(
            settings=model_settings,
            term_frequencies=_term_frequencies(connection, registered.physical_name, model_settings),
            extra_fields=tuple(settings.extra_fields),
            name_roles=features.roles.as_table(),
        )

        stage("blocking")
        linker = _linker(db_api, registered, model_settings)
        connection.register("touched_arrow", pa.table({"unique_id": pa.array(touched_ids, pa.int64())}))
        _run(connection, "CREATE OR REPLACE TABLE touched_ids AS SELECT * FROM touched_arrow")
        connection.unregister("touched_arrow")
        pairs_table, blocking = _block(connection, registered.physical_name, settings, "touched_ids")
        counts["blocked_pairs"] = _run(connection, f"SELECT count(*) FROM {pairs_table}")[0][0]

        stage("scoring")
        scored = None
        if counts["blocked_pairs"]:
            scored = _score(connection, linker, db_api, pairs_table, model_settings, settings.pair_floor)
        counts["scored_pairs"] = scored.num_rows if scored is not None else 0

        stage("clustering")
        with quiet_collector():
            parts = [_cluster_columns(kept_blocked)]
            if scored is not None:
                parts.insert(0, _cluster_columns(scored).cast(parts[0].schema))
            cluster_input = pa.concat_tables(parts)
            keep = _Keeper(previous, settings, decisions, index, set(touched_ids), keys)
            clusters, rescored = _cluster(
                connection,
                linker,
                db_api,
                model_settings,
                cluster_input,
                size,
                must,
                cannot,
                _ConstraintColumns.from_table(features.table),
                settings,
                counts,
                keep=keep,
            )
    finally:
        connection.close()

    stage("result")
    with quiet_collector():
        new_parts = [table for table in (scored, rescored) if table is not None and table.num_rows]
        if new_parts:
            new_scored = pa.concat_tables(
                [new_parts[0], *(t.cast(new_parts[0].schema) for t in new_parts[1:])]
            )
            new_pairs = _plain(_pairs_table(new_scored, keys, clusters, model_settings))
        else:
            new_pairs = None
        # A pair scored inside a group (found_by "component") stays only while its group is kept as it was.
        in_kept_group = [
            found != "component" or (keep.kept_group.get(a, -1) == keep.kept_group.get(b, -2))
            for a, b, found in zip(
                kept_pairs["unique_id_l"].to_pylist(),
                kept_pairs["unique_id_r"].to_pylist(),
                kept_pairs["found_by"].to_pylist(),
                strict=True,
            )
        ]
        old_pairs = kept_pairs.filter(pa.array(in_kept_group, pa.bool_()))
        linked = pa.array(
            [
                clusters[a] == clusters[b]
                for a, b in zip(
                    old_pairs["unique_id_l"].to_pylist(), old_pairs["unique_id_r"].to_pylist(), strict=True
                )
            ],
            pa.bool_(),
        )
        old_pairs = old_pairs.set_column(old_pairs.schema.get_field_index("linked"), "linked", linked)
        old_pairs = old_pairs.drop_columns(["unique_id_l", "unique_id_r", "lowest_mw"])
        if new_pairs is not None:
            old_pairs = old_pairs.select(new_pairs.column_names).cast(new_pairs.schema)
            pairs = pa.concat_tables([new_pairs, old_pairs])
        else:
            pairs = old_pairs
        pairs = pairs.sort_by([("record_key_l", "ascending"), ("record_key_r", "ascending")])
        pairs = pa.table(
            [
                column.dictionary_encode() if name.startswith("level_") or name == "found_by" else column
                for name, column in zip(pairs.column_names, pairs.columns, strict=True)
            ],
            names=pairs.column_names,
        )
        cluster_ids = [keys[root] for root in clusters]
        result_clusters = {key: cluster_ids[position] for position, key in enumerate(keys)}
    review = _review(pairs, settings, decisions)
    counts["pairs"] = pairs.num_rows
    counts["clusters"] = len(set(clusters))
    counts["multi_record_clusters"] = sum(1 for _, n in _sizes(clusters).items() if n > 1)
    counts["review_candidates"] = review.num_rows
    stage(None)
    return PersonLinkResult(
        clusters=result_clusters,
        pairs=pairs,
        review_candidates=review,
        model=model,
        counts=counts,
        blocking=blocking,
        timings=stage.timings,
        features=features.table,
    )


def _kept_pairs(pairs: pa.Table, index: Mapping[str, int], changed: set[str]) -> pa.Table:
    """The previous run's pairs between two current, untouched records, with unique ids and lowest_mw.

    ``found_by`` is decoded to plain strings; the lowest contribution is
    recomputed from the ``mw_`` columns, as _score computes it.
    """
    pairs = _plain(pairs)
    left = pairs["record_key_l"].to_pylist()
    right = pairs["record_key_r"].to_pylist()
    keep = [
        a in index and b in index and a not in changed and b not in changed
        for a, b in zip(left, right, strict=True)
    ]
    mask = pa.array(keep, pa.bool_())
    pairs = pairs.filter(mask)
    left = [key for key, wanted in zip(left, keep, strict=True) if wanted]
    right = [key for key, wanted in zip(right, keep, strict=True) if wanted]
    pairs = pairs.append_column("unique_id_l", pa.array([index[k] for k in left], pa.int64()))
    pairs = pairs.append_column("unique_id_r", pa.array([index[k] for k in right], pa.int64()))
    contributions = [pairs[name] for name in pairs.column_names if name.startswith("mw_")]
    lowest = pc.min_element_wise(*contributions) if contributions else pa.nulls(pairs.num_rows, pa.float64())
    return pairs.append_column("lowest_mw", lowest)


class _Keeper:
    """Says whether a candidate group can keep the persons of the previous run (see the module doc).

    A group is kept when none of its records is touched and it is exactly
    one of the previous run's candidate groups: then every pair and
    constraint inside it is as before, and so is what clustering made of it.
    ``kept_group`` maps each record of a kept group to the group's number.
    """

    def __init__(
        self,
        previous: PreviousLink,
        settings: PersonLinkSettings,
        decisions: PersonDecisions,
        index: Mapping[str, int],
        touched: set[int],
        keys: Sequence[str],
    ) -> None:
        self.component = _previous_components(previous, settings, decisions)
        self.component_size: dict[str, int] = defaultdict(int)
        for root in self.component.values():
            self.component_size[root] += 1
        self.clusters = previous.clusters
        self.touched = touched
        self.keys = keys
        self.kept_group: dict[int, int] = {}
        self.groups_kept = 0

    def __call__(self, members: list[int]) -> list[list[int]] | None:
        if any(member in self.touched for member in members):
            return None
        roots = {self.component.get(self.keys[member]) for member in members}
        if len(roots) != 1 or None in roots:
            return None
        (root,) = roots
        if self.component_size[root] != len(members):
            return None
        persons: dict[str, list[int]] = defaultdict(list)
        for member in members:
            label = self.clusters.get(self.keys[member])
            if label is None:
                return None
            persons[label].append(member)
        self.groups_kept += 1
        for member in members:
            self.kept_group[member] = self.groups_kept
        return sorted((sorted(person) for person in persons.values()), key=lambda person: person[0])
