"""Person linkage: which records are the same person, why, and how sure.

``link_persons(records)`` builds one feature row per record
(:mod:`.person_records`), trains a Splink 5 model on DuckDB in process with
comparisons made for this population (:mod:`.person_model`), scores the
candidate pairs that the blocking keys produce, and clusters them without
chaining strangers together (:mod:`.clustering`), applying human decisions on
every run.  ``explain_pair`` turns a pair's comparison levels and weights into
sentences a reviewer can check against the records.

Why every parameter is trained on the data at hand: u (how often two
different people agree by chance) is estimated by random sampling, m (how
often one person's records agree) by expectation maximisation on two
blocking rules, and the prior from deterministic rules.  Nothing is tuned to a
scenario.  Two generic safeguards keep a finite training sample from
producing absolute certainty: a level never seen among matches keeps a small
m (``m_floor``), and a level never seen among random pairs gets the
rule-of-three bound for u instead of Splink's default.

What makes it fit this population (person_model.py): given names and up to
two surnames compared as sets with a missing second name tolerated, swapped
given/family fields, phonetic keys for accents, particles and Mayan
transcriptions, dates of birth with levels for estimates, day/month swaps and
year slips, identifiers, co-apprehension, and the relatives a record names
(the child an NGO locate or a DNA kit is about stands beside the parent in
the parent's own records).  Term frequencies weigh names by how common they
are.  Blocking keys are capped so the number of pairs stays near-linear.

Why the clustering is not connected components (clustering.py): a family
shares an event, surnames, a country and sometimes a birthday (twins), so
some pairs of different family members score high; connected components
would chain a family into one person.  Candidate groups are split again by
strong pairs plus average linkage, never across a cannot-link; then the
free-text records (DNA kits, court findings, NGO locates) are weighed
against every person they were compared with, and join, or leave, by the
posterior of the persons taken as exclusive hypotheses
(``_attach_sparse_units``).

Hard constraints come from the feed contract (FEEDS.md), not from a
generator, and are applied as logic: two ``cbp_apprehensions`` rows of one
event are two people, and so are two referrals from one event under two
case ids; a child and an adult born twelve or more years apart
are two people; the parent a DNA kit, a court finding or an NGO locate is
about is nobody born too recently to be a parent at that record's date.
(Two rows of one feed with one record id cannot occur: the
feature table refuses a record key given twice.)  A human must-link outranks
them all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from . import person_model as pm
from .clustering import Pair, attach_sparse, components, ordered, refine_component
from .person_records import (
    PARENT_FEEDS,
    ExtraField,
    FeatureTable,
    LinkRecord,
    NameRoles,
    build_feature_table,
    feature_row,
    feature_schema,
    feature_table_from_arrow,
    quiet_collector,
)

__all__ = [
    "ContributionLine",
    "LinkRecord",
    "PersonDecisions",
    "PersonLinkResult",
    "PersonLinkSettings",
    "PersonModel",
    "explain_pair",
    "link_persons",
]

Progress = Callable[[str, int, int], None]


# --------------------------------------------------------------------------- public types


logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PersonLinkSettings:
    """How a run links; the defaults are meant for the feeds of FEEDS.md at any size.

    Thresholds are match probabilities.  ``link_threshold`` decides which
    edges form candidate groups, ``strong_threshold`` which pairs join records
    inside a group by themselves (counting their worst disagreeing comparison
    twice, so twins who share everything but a given name never qualify), and
    ``merge_threshold`` the average probability at which two groups inside one
    are merged (clustering.py).
    ``pair_floor`` is the lowest probability kept in ``PersonLinkResult.pairs``
    (and the weight assumed for a pair inside a group that was never scored);
    ``linkage_clip`` bounds each pair's weight in the average (clustering.py).
    ``review_floor`` is the lowest probability of the pair that puts a
    record left alone in the review queue beside its best partner
    (``_review``): a little below the merge threshold, because such a record
    is more often a missed match than its pair alone says.
    ``attach_threshold`` is the probability at which a small person made
    only of free-text records joins the person its pooled evidence singles
    out (``_attach_sparse_units``): above the merge threshold, because such a
    unit has no date of birth to contradict a namesake, and a wrong move
    costs every pair between the unit and that person (odds of two to one).
    ``max_block`` caps identifier and name-with-date blocks and
    ``max_name_block`` name-only blocks (see person_model.BlockingKey);
    ``within_feed`` False compares only records of different feeds (a
    link-only job such as FEBRL4).  ``deterministic_recall`` is the share of
    true pairs the deterministic rules are assumed to find, for the prior.
    ``keep_candidates`` keeps every blocked pair in the result, to measure
    what blocking lets through (a benchmark needs it, a rebuild does not).
    """

    link_threshold: float = 0.5
    merge_threshold: float = 0.5
    strong_threshold: float = 0.9999
    pair_floor: float = 0.01
    review_floor: float = 0.4
    attach_threshold: float = 0.67
    max_block: int = 200
    max_name_block: int = 100
    max_rescore_component: int = 60
    linkage_clip: float = 10.0
    within_feed: bool = True
    deterministic_recall: float = 0.8
    u_max_pairs: float = 2e6
    em_max_pairs: float = 1e6
    m_floor: float = 1e-3
    seed: int = 20180405
    extra_fields: tuple[ExtraField, ...] = ()
    threads: int | None = None
    memory_limit: str | None = "5GB"
    keep_candidates: bool = False


@dataclass(frozen=True)
class PersonDecisions:
    """Human decisions about pairs of record keys, applied on every run.

    A must-link pair always ends in one person (with everything linked to
    either side); a cannot-link pair never does.  A pair may not be both, and
    a cannot-link between records that must-links join (directly or through
    others) is refused when the run applies them: the decision log must be
    made consistent first, the pipeline will not guess which decision wins.
    """

    must_link: tuple[tuple[str, str], ...] = ()
    cannot_link: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        must = tuple(sorted({tuple(sorted(pair)) for pair in self.must_link}))
        cannot = tuple(sorted({tuple(sorted(pair)) for pair in self.cannot_link}))
        both = set(must) & set(cannot)
        if both:
            raise ValueError(f"pairs decided both must-link and cannot-link: {sorted(both)[:5]}")
        object.__setattr__(self, "must_link", must)
        object.__setattr__(self, "cannot_link", cannot)


@dataclass(frozen=True)
class PersonModel:
    """A trained person model: what any score can be traced back to.

    ``settings`` is Splink's settings JSON with the trained m and u
    probabilities and the prior; ``version`` a hash of it, stored with every
    run.  ``term_frequencies`` holds, per term-frequency column, the value
    frequencies of the run's data (column ``value``, ``tf``), and
    ``name_roles`` the given/surname roles of name words (NameRoles), so a
    pair can be re-scored and explained later exactly as it was in the run.
    """

    settings: dict[str, Any]
    term_frequencies: dict[str, pa.Table]
    extra_fields: tuple[ExtraField, ...] = ()
    name_roles: pa.Table | None = None

    @property
    def version(self) -> str:
        canonical = json.dumps(self.settings, sort_keys=True, default=str).encode("utf-8")
        return hashlib.sha256(canonical).hexdigest()[:16]

    @property
    def prior(self) -> float:
        return float(self.settings["probability_two_random_records_match"])

    def settings_json(self) -> str:
        """The Splink settings as JSON text, to store with the run."""
        return json.dumps(self.settings, sort_keys=True, indent=1, default=str)

    def level_weights(self) -> dict[str, list[tuple[str, float | None]]]:
        """Comparison -> [(level label, match weight)], for documentation and charts."""
        result: dict[str, list[tuple[str, float | None]]] = {}
        for comparison in self.settings["comparisons"]:
            levels = []
            for level in comparison["comparison_levels"]:
                if level.get("is_null_level"):
                    levels.append((level.get("label_for_charts", ""), 0.0))
                    continue
                m, u = level.get("m_probability"), level.get("u_probability")
                weight = (
                    math.log2(m / u) if isinstance(m, float) and isinstance(u, float) and m and u else None
                )
                levels.append((level.get("label_for_charts", ""), weight))
            result[comparison["output_column_name"]] = levels
        return result


@dataclass(frozen=True)
class ContributionLine:
    """One comparison's part in a pair's score, in plain words.

    ``weight`` is the comparison's match weight (log2 Bayes factor, term
    frequency adjustment included); the lines of a pair, prior included, add
    up to its match weight.
    """

    comparison: str
    label: str
    weight: float
    text: str


@dataclass
class PersonLinkResult:
    """What a linkage run produced.

    ``clusters`` maps every record key to its cluster id (the smallest record
    key of the cluster: deterministic, to be mapped to stable person ids by the
    application).  ``pairs`` holds every scored pair at or above the floor:
    ``record_key_l``, ``record_key_r``, ``match_weight``, ``match_probability``,
    per comparison its level label ``level_<comparison>`` and contribution
    ``mw_<comparison>``, ``constrained`` (the feed contract forbids the
    pair), ``linked`` (ended in one cluster) and ``found_by`` (blocking key or
    ``component`` for pairs scored inside a candidate group).
    ``review_candidates`` are the pairs a reviewer should decide (``_review``:
    each record left alone beside its best partner), none settled by a
    decision.  ``features`` is the feature table, kept for explanations
    (``unique_id`` is the row's position).  ``candidates``, when asked for,
    holds every blocked pair as (``unique_id_l``, ``unique_id_r``, ``found_by``).
    """

    clusters: dict[str, str]
    pairs: pa.Table
    review_candidates: pa.Table
    model: PersonModel
    counts: dict[str, int]
    blocking: list[dict[str, Any]]
    timings: dict[str, float]
    features: pa.Table = field(repr=False)
    candidates: pa.Table | None = field(default=None, repr=False)
    feature_rows: dict[str, int] | None = field(default=None, repr=False, compare=False)

    def members(self) -> dict[str, list[str]]:
        """Cluster id -> its record keys, sorted."""
        groups: dict[str, list[str]] = defaultdict(list)
        for key, cluster in self.clusters.items():
            groups[cluster].append(key)
        return {cluster: sorted(keys) for cluster, keys in groups.items()}


# --------------------------------------------------------------------------- DuckDB session


def _run(connection: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    """Execute one statement and drain its result (DuckDB 2 keeps a result open until it is read)."""
    return connection.execute(sql).fetchall()


def _arrow(connection: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    return connection.sql(sql).to_arrow_table()


def _connect(settings: PersonLinkSettings) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(":memory:")
    if settings.threads:
        _run(connection, f"SET threads = {int(settings.threads)}")
    if settings.memory_limit:
        _run(connection, f"SET memory_limit = '{settings.memory_limit}'")
    _run(connection, "SET preserve_insertion_order = false")
    _run(connection, "SET enable_progress_bar = false")
    return connection


def _linker(db_api: Any, features: Any, model_settings: Mapping[str, Any]) -> Any:
    from splink import Linker

    # log_level None: Splink leaves logging alone, the application configures it.
    return Linker(features, dict(model_settings), log_level=None, validate_settings=False)


# --------------------------------------------------------------------------- training


def _is_probability(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 1


def _regularise(model_settings: dict[str, Any], m_floor: float, u_floor: float) -> dict[str, Any]:
    """Floor m and u so that a finite training sample never yields certainty (see the module doc).

    Within each comparison the non-null levels' m (and u) are floored and
    renormalised to sum to 1 (a level whose value is fixed keeps it, and the
    others share what is left).  A u that sampling never observed gets
    ``u_floor`` (about three in the number of sampled pairs: the rule of three).
    Every parameter is rounded to six significant digits: DuckDB sums in
    parallel, so the last digits of a trained value differ from run to run,
    and the model version (a hash of the settings) must not.
    """
    settings = json.loads(json.dumps(model_settings, default=str))
    for comparison in settings["comparisons"]:
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        for name, floor in (("m_probability", m_floor), ("u_probability", u_floor)):
            fixed_flag = "fix_m_probability" if name == "m_probability" else "fix_u_probability"
            free = [level for level in levels if not level.get(fixed_flag)]
            # A fixed level (person_model._neutral) keeps its value; the others share the rest.
            rest = 1.0 - sum(float(level[name]) for level in levels if level.get(fixed_flag))
            values = [level.get(name) for level in free]
            values = [max(float(v), floor) if _is_probability(v) else floor for v in values]
            total = sum(values)
            for level, value in zip(free, values, strict=True):
                level[name] = _significant(rest * value / total)
    # Splink names each linker with a random uid; the stored model is named by its version instead.
    settings.pop("linker_uid", None)
    prior = settings.get("probability_two_random_records_match")
    if _is_probability(prior):
        settings["probability_two_random_records_match"] = _significant(float(prior))
    return settings


def _significant(value: float, digits: int = 6) -> float:
    return float(f"{value:.{digits - 1}e}")


def _rules(rules: Iterable[str], within_feed: bool) -> list[str]:
    return [rule if within_feed else f"({rule}) AND l.feed <> r.feed" for rule in rules]


def _train(db_api: Any, features: Any, settings: PersonLinkSettings) -> dict[str, Any]:
    """Train the model: prior from deterministic rules, u by sampling, m by EM; returns the settings JSON."""
    base = pm.settings_dict(settings.extra_fields)
    linker = _linker(db_api, features, base)
    training = linker.training
    training.estimate_probability_two_random_records_match(
        _rules(pm.DETERMINISTIC_RULES, settings.within_feed), recall=settings.deterministic_recall
    )
    training.estimate_u_using_random_sampling(max_pairs=settings.u_max_pairs, seed=settings.seed)
    passes = 0
    for rule in _rules(pm.EM_BLOCKING_RULES, settings.within_feed):
        try:
            training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True, max_pairs=settings.em_max_pairs
            )
            passes += 1
        except ValueError as exc:
            # On a small delivery EM can drive a level's m to exactly 0 (the level is never seen among
            # the pairs it takes for matches); Splink 5 refuses such a value mid-pass.  The other
            # passes still train that comparison, and the floors below keep every level finite.
            if "below the minimum allowed" not in str(exc):
                raise
            logger.warning("EM pass on %s skipped: %s", rule, str(exc).split(".")[0])
    if not passes:
        raise ValueError(
            "the person model could not be trained: every EM pass failed on these records "
            "(too few records to learn from; link them with a stored model)"
        )
    trained = linker.misc.save_model_to_json()
    return _regularise(trained, settings.m_floor, 3.0 / settings.u_max_pairs)


def _term_frequency_columns(model_settings: Mapping[str, Any]) -> list[str]:
    columns: list[str] = []
    for comparison in model_settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            column = level.get("tf_adjustment_column")
            if column and column not in columns:
                columns.append(column)
    return columns


def _term_frequencies(
    connection: duckdb.DuckDBPyConnection, table: str, model_settings: Mapping[str, Any]
) -> dict[str, pa.Table]:
    """Value frequencies of every term-frequency column, computed as Splink computes them."""
    result = {}
    for column in _term_frequency_columns(model_settings):
        result[column] = _arrow(
            connection,
            f"SELECT {column} AS value, count(*)::DOUBLE / (SELECT count({column}) FROM {table}) AS tf "
            f"FROM {table} WHERE {column} IS NOT NULL GROUP BY {column} ORDER BY {column}",
        )
    return result


# --------------------------------------------------------------------------- blocking and scoring


def _block(
    connection: duckdb.DuckDBPyConnection,
    table: str,
    settings: PersonLinkSettings,
    touched_table: str | None = None,
) -> tuple[str, list[dict[str, Any]]]:
    """Create table ``blocked_pairs`` (join_key_l, join_key_r, match_key) from the blocking keys.

    Each pair is kept once and credited to the first key family (in
    person_model.blocking_keys order) that finds it; the statistics say how
    many pairs each family found first.  With ``touched_table`` (a table of
    ``unique_id`` s) only the pairs with at least one of those records are
    kept: an incremental run scores nothing else.  The block caps still count
    every record, so a touched record meets exactly the records a full run
    would pair it with.
    """
    _run(connection, f"CREATE OR REPLACE TABLE f AS SELECT * FROM {table}")
    for sql in pm.token_tables_sql():
        _run(connection, sql)
    keys = pm.blocking_keys(settings.extra_fields, settings.max_block, settings.max_name_block)
    parts = []
    for number, key in enumerate(keys):
        _run(connection, f"CREATE OR REPLACE TABLE block_keys_{number} AS {pm.kept_keys_sql(key)}")
        pairs = pm.key_pairs_sql(f"block_keys_{number}", key, settings.within_feed, number)
        if touched_table is not None:
            _run(
                connection,
                f"CREATE OR REPLACE TABLE block_keys_{number} AS "
                f"SELECT b.*, b.unique_id IN (SELECT unique_id FROM {touched_table}) AS touched "
                f"FROM block_keys_{number} b WHERE b.k IN (SELECT DISTINCT t.k FROM block_keys_{number} t "
                f"SEMI JOIN {touched_table} USING (unique_id))",
            )
            pairs = f"{pairs} AND (a.touched OR b.touched)"
        parts.append(pairs)
    names = ", ".join(f"'{key.name}'" for key in keys)
    _run(
        connection,
        "CREATE OR REPLACE TABLE blocked_pairs AS "
        f"SELECT l AS join_key_l, r AS join_key_r, [{names}][min(rank) + 1] AS match_key "
        f"FROM ({' UNION ALL '.join(parts)}) GROUP BY l, r",
    )
    first = dict(_run(connection, "SELECT match_key, count(*) FROM blocked_pairs GROUP BY match_key"))
    stats = [
        {"key": key.name, "description": key.description, "pairs_found_first": int(first.get(key.name, 0))}
        for key in keys
    ]
    for number in range(len(keys)):
        _run(connection, f"DROP TABLE block_keys_{number}")
    _run(connection, "DROP TABLE token_pairs")
    _run(connection, "DROP TABLE tokens")
    return "blocked_pairs", stats


def _comparison_names(model_settings: Mapping[str, Any]) -> list[str]:
    return [comparison["output_column_name"] for comparison in model_settings["comparisons"]]


def _score(
    connection: duckdb.DuckDBPyConnection,
    linker: Any,
    db_api: Any,
    pairs_table: str,
    model_settings: Mapping[str, Any],
    floor: float | None,
) -> pa.Table:
    """Score the pairs of ``pairs_table`` with the trained model: ids, weights, levels, constraint flag."""
    registered = db_api.register(pairs_table, table_name=f"{pairs_table}_{time.monotonic_ns()}")
    linker.table_management.register_blocked_pairs_for_predict(registered)
    predictions = linker.inference.predict(threshold_match_probability=floor, warning_mode="never")
    columns = ["p.unique_id_l", "p.unique_id_r", "p.match_weight", "p.match_probability", "p.match_key"]
    cached = {
        column for (column, *_rest) in connection.execute(f"DESCRIBE {predictions.physical_name}").fetchall()
    }
    contributions = []
    for name in _comparison_names(model_settings):
        columns.append(f"p.gamma_{name}")
        adjustment = f" + coalesce(p.mw_tf_adj_{name}, 0)" if f"mw_tf_adj_{name}" in cached else ""
        contributions.append(f"p.mw_{name}{adjustment}")
        columns.append(f"{contributions[-1]} AS mw_{name}")
    columns.append(f"least({', '.join(contributions)}) AS lowest_mw")
    sql = (
        f"SELECT {', '.join(columns)}, {pm.constraint_sql('fl', 'fr')} AS constrained "
        f"FROM {predictions.physical_name} p "
        "JOIN f fl ON fl.unique_id = p.unique_id_l JOIN f fr ON fr.unique_id = p.unique_id_r"
    )
    table = _arrow(connection, sql)
    predictions.drop_table_from_database_and_remove_from_cache()
    return table


# --------------------------------------------------------------------------- constraints in Python


@dataclass
class _ConstraintColumns:
    """The feature columns the feed-contract constraints read, as Python lists indexed by unique_id."""

    one_per_event: list[bool]
    event_id: list[str | None]
    role: list[str | None]
    month_of_birth: list[int | None]
    born_by: list[int | None]
    free_text: list[bool]
    referral_case: list[str | None]

    @classmethod
    def from_table(cls, table: pa.Table) -> _ConstraintColumns:
        years = table.column("dob_y").to_pylist()
        months = table.column("dob_m").to_pylist()
        return cls(
            one_per_event=table.column("one_per_event").to_pylist(),
            event_id=table.column("event_id").to_pylist(),
            role=table.column("role").to_pylist(),
            month_of_birth=[
                y * 12 + m if y is not None and m is not None else None
                for y, m in zip(years, months, strict=True)
            ],
            born_by=table.column("born_by").to_pylist(),
            free_text=[feed in PARENT_FEEDS for feed in table.column("feed").to_pylist()],
            referral_case=[
                case if feed == pm.ONE_REFERRAL_PER_CHILD_PER_EVENT_FEED else None
                for feed, case in zip(
                    table.column("feed").to_pylist(), table.column("uac_id").to_pylist(), strict=True
                )
            ],
        )

    def violated(self, a: int, b: int) -> bool:
        """Python twin of person_model.constraint_sql (tests check they agree)."""
        if (
            self.one_per_event[a]
            and self.one_per_event[b]
            and self.event_id[a] is not None
            and self.event_id[a] == self.event_id[b]
        ):
            return True
        case_a, case_b = self.referral_case[a], self.referral_case[b]
        if (
            case_a is not None
            and case_b is not None
            and case_a != case_b
            and self.event_id[a] is not None
            and self.event_id[a] == self.event_id[b]
        ):
            return True  # two case ids referred from one apprehension: two children
        for older, younger in ((a, b), (b, a)):
            bound, month = self.born_by[older], self.month_of_birth[younger]
            if bound is not None and month is not None and bound < month:
                return True
        roles = (self.role[a], self.role[b])
        if roles in (("child", "adult"), ("adult", "child")):
            ma, mb = self.month_of_birth[a], self.month_of_birth[b]
            if ma is not None and mb is not None and abs(ma - mb) >= pm.CHILD_ADULT_MIN_GAP_YEARS * 12:
                return True
        return False


# --------------------------------------------------------------------------- the run


def _features(records: Iterable[LinkRecord] | pa.Table, extra_fields: Sequence[ExtraField]) -> FeatureTable:
    if isinstance(records, pa.Table):
        return feature_table_from_arrow(records, extra_fields)
    return build_feature_table(records, extra_fields)


def _decision_pairs(pairs: Iterable[tuple[str, str]], index: Mapping[str, int]) -> tuple[list[Pair], int]:
    known: list[Pair] = []
    unknown = 0
    for a, b in pairs:
        if a in index and b in index and a != b:
            known.append(ordered(index[a], index[b]))
        else:
            unknown += 1
    return known, unknown


def _check_decisions(size: int, must: Sequence[Pair], cannot: Sequence[Pair], keys: Sequence[str]) -> None:
    from .clustering import DisjointSet

    sets = DisjointSet(size)
    for a, b in must:
        sets.union(a, b)
    conflicts = [(keys[a], keys[b]) for a, b in cannot if sets.find(a) == sets.find(b)]
    if conflicts:
        raise ValueError(
            "cannot-link decisions between records that must-link decisions join: "
            + ", ".join(f"{a} / {b}" for a, b in conflicts[:5])
        )


def link_persons(
    records: Iterable[LinkRecord] | pa.Table,
    decisions: PersonDecisions | None = None,
    settings: PersonLinkSettings | None = None,
    progress: Progress | None = None,
    *,
    model: PersonModel | None = None,
) -> PersonLinkResult:
    """Decide which records are the same person (see the module doc for the method).

    ``records`` are ``LinkRecord`` s or an Arrow table (see
    ``person_records.feature_table_from_arrow``).  ``progress(stage, done,
    total)`` is called at each stage.  Decisions naming unknown record keys
    are counted and otherwise ignored (the record may have been withdrawn).
    ``model`` applies a stored model instead of training one (its m and u
    and prior; term frequencies come from the records at hand), so that
    applying new decisions, or re-linking the same data, keeps the model
    version every score is traced to.
    """
    settings = settings or PersonLinkSettings()
    if model is not None and tuple(model.extra_fields) != tuple(settings.extra_fields):
        settings = replace(settings, extra_fields=tuple(model.extra_fields))
    decisions = decisions or PersonDecisions()
    timings: dict[str, float] = {}
    stages = ("features", "training", "blocking", "scoring", "clustering", "result")
    clock = time.perf_counter()

    def stage(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        if timings or name != stages[0]:
            previous = stages[stages.index(name) - 1]
            timings[previous] = round(now - clock, 3)
        clock = now
        if progress is not None:
            progress(name, stages.index(name), len(stages))

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

    connection = _connect(settings)
    try:
        from splink import DuckDBAPI

        db_api = DuckDBAPI(connection)
        registered = db_api.register(features.table, table_name="person_features")

        stage("training")
        if model is not None:
            model_settings = json.loads(json.dumps(model.settings, default=str))
        elif size >= 2:
            model_settings = _train(db_api, registered, settings)
        else:
            model_settings = _regularise(
                pm.settings_dict(settings.extra_fields), settings.m_floor, settings.m_floor
            )
        model = PersonModel(
            settings=model_settings,
            term_frequencies=_term_frequencies(connection, registered.physical_name, model_settings),
            extra_fields=tuple(settings.extra_fields),
            name_roles=features.roles.as_table(),
        )

        stage("blocking")
        linker = _linker(db_api, registered, model_settings)
        pairs_table, blocking = _block(connection, registered.physical_name, settings)
        counts["blocked_pairs"] = _run(connection, f"SELECT count(*) FROM {pairs_table}")[0][0]
        candidates = None
        if settings.keep_candidates:
            candidates = _arrow(
                connection,
                f"SELECT join_key_l AS unique_id_l, join_key_r AS unique_id_r, match_key AS found_by FROM {pairs_table}",
            )

        stage("scoring")
        scored = _score(connection, linker, db_api, pairs_table, model_settings, settings.pair_floor)
        counts["scored_pairs"] = scored.num_rows

        stage("clustering")
        with quiet_collector():
            constraints = _ConstraintColumns.from_table(features.table)
            clusters, rescored = _cluster(
                connection,
                linker,
                db_api,
                model_settings,
                scored,
                size,
                must,
                cannot,
                constraints,
                settings,
                counts,
            )
    finally:
        connection.close()

    stage("result")
    if rescored is not None and rescored.num_rows:
        scored = pa.concat_tables([scored, rescored.cast(scored.schema)])
    with quiet_collector():
        cluster_ids = [keys[root] for root in clusters]
        result_clusters = {key: cluster_ids[position] for position, key in enumerate(keys)}
        pairs = _pairs_table(scored, keys, clusters, model_settings)
    review = _review(pairs, settings, decisions)
    counts["pairs"] = pairs.num_rows
    counts["clusters"] = len(set(clusters))
    counts["multi_record_clusters"] = sum(1 for _, n in _sizes(clusters).items() if n > 1)
    counts["review_candidates"] = review.num_rows
    timings["result"] = round(time.perf_counter() - clock, 3)
    return PersonLinkResult(
        clusters=result_clusters,
        pairs=pairs,
        review_candidates=review,
        model=model,
        counts=counts,
        blocking=blocking,
        timings=timings,
        features=features.table,
        candidates=candidates,
    )


def _sizes(clusters: Sequence[int]) -> dict[int, int]:
    sizes: dict[int, int] = defaultdict(int)
    for root in clusters:
        sizes[root] += 1
    return sizes


def _cluster(
    connection: duckdb.DuckDBPyConnection,
    linker: Any,
    db_api: Any,
    model_settings: Mapping[str, Any],
    scored: pa.Table,
    size: int,
    must: Sequence[Pair],
    cannot: Sequence[Pair],
    constraints: _ConstraintColumns,
    settings: PersonLinkSettings,
    counts: dict[str, int],
    keep: Callable[[list[int]], list[list[int]] | None] | None = None,
) -> tuple[list[int], pa.Table | None]:
    """Cluster assignment (unique_id -> smallest unique_id of its cluster) and the pairs scored inside groups.

    ``keep(members)``, when given, may return the persons a candidate group
    already had (an incremental run: nothing in the group changed), and the
    group is then neither re-scored nor refined again.
    """
    human_cannot = set(cannot)
    strong = scored.filter(
        pc.and_(
            pc.greater_equal(scored["match_probability"], settings.link_threshold),
            pc.invert(scored["constrained"]),
        )
    )
    edges = zip(strong["unique_id_l"].to_pylist(), strong["unique_id_r"].to_pylist(), strict=True)
    edges = [(a, b) for a, b in edges if (a, b) not in human_cannot]
    groups = components(size, edges, must)
    counts["candidate_groups"] = len(groups)
    kept: dict[int, list[list[int]]] = {}
    if keep is not None:
        for number, members in enumerate(groups):
            persons = keep(members)
            if persons is not None:
                kept[number] = persons
        counts["candidate_groups_kept"] = len(kept)
    counts["candidate_groups_clustered"] = len(groups) - len(kept)

    weight: dict[Pair, float] = dict(
        zip(
            zip(scored["unique_id_l"].to_pylist(), scored["unique_id_r"].to_pylist(), strict=True),
            scored["match_weight"].to_pylist(),
            strict=True,
        )
    )
    # Each pair's per-comparison contributions, looked up only for the records
    # that refinement leaves alone (clustering.attach_lone).
    evidence = _Contributions([name for name in scored.column_names if name.startswith("mw_")])
    evidence.add(scored)
    # Score every pair inside a candidate group that has no weight yet (not
    # blocked, or below the floor), so that average linkage sees each pair's
    # own evidence rather than a guess.
    missing: list[Pair] = []
    for number, members in enumerate(groups):
        if number not in kept and 2 < len(members) <= settings.max_rescore_component:
            for position, a in enumerate(members):
                for b in members[position + 1 :]:
                    if (a, b) not in weight:
                        missing.append((a, b))
    rescored: pa.Table | None = None
    if missing:
        candidates = pa.table(
            {
                "join_key_l": pa.array([a for a, _ in missing], pa.int64()),
                "join_key_r": pa.array([b for _, b in missing], pa.int64()),
                "match_key": pa.array(["component"] * len(missing), pa.string()),
            }
        )
        connection.register("group_pairs_arrow", candidates)
        _run(connection, "CREATE OR REPLACE TABLE group_pairs AS SELECT * FROM group_pairs_arrow")
        connection.unregister("group_pairs_arrow")
        rescored = _score(connection, linker, db_api, "group_pairs", model_settings, None)
        counts["group_pairs_scored"] = rescored.num_rows
        for a, b, value in zip(
            rescored["unique_id_l"].to_pylist(),
            rescored["unique_id_r"].to_pylist(),
            rescored["match_weight"].to_pylist(),
            strict=True,
        ):
            weight[(a, b)] = value
        evidence.add(rescored)
        rescored = rescored.filter(pc.greater_equal(rescored["match_probability"], settings.pair_floor))

    strong_weight = _logit2(settings.strong_threshold)
    strong_pairs = {
        pair
        for pair, value, lowest in zip(
            zip(scored["unique_id_l"].to_pylist(), scored["unique_id_r"].to_pylist(), strict=True),
            scored["match_weight"].to_pylist(),
            scored["lowest_mw"].to_pylist(),
            strict=True,
        )
        if value + min(0.0, lowest) >= strong_weight
    }

    def forbidden(a: int, b: int) -> bool:
        return (a, b) in human_cannot or constraints.violated(a, b)

    merge_weight = _logit2(settings.merge_threshold)
    missing_weight = _logit2(settings.pair_floor)
    prior_weight = _logit2(float(model_settings["probability_two_random_records_match"]))
    assignment = list(range(size))
    group_of = {member: number for number, members in enumerate(groups) for member in members}
    local_weights: list[dict[Pair, float]] = [{} for _ in groups]
    for pair, value in weight.items():
        number = group_of.get(pair[0])
        if number is not None and group_of.get(pair[1]) == number:
            local_weights[number][pair] = value
    local_must: list[list[Pair]] = [[] for _ in groups]
    for pair in must:
        if pair[0] in group_of:
            local_must[group_of[pair[0]]].append(pair)
    splits = 0
    for number, members in enumerate(groups):
        if number in kept:
            persons = kept[number]
            splits += len(persons) - 1
            for person in persons:
                for member in person:
                    assignment[member] = person[0]
            continue
        local = local_weights[number]
        persons = refine_component(
            members,
            local,
            forbidden,
            local_must[number],
            merge_weight=merge_weight,
            strong=[pair for pair in local if pair in strong_pairs],
            missing_weight=missing_weight,
            clip=settings.linkage_clip,
            evidence=evidence if evidence.names else None,
            prior_weight=prior_weight,
        )
        splits += len(persons) - 1
        for person in persons:
            root = person[0]
            for member in person:
                assignment[member] = root
    counts["groups_split"] = splits
    if evidence.names:
        attached = _attach_sparse_units(
            connection, linker, db_api, model_settings, scored, assignment, evidence,
            forbidden, constraints, must, settings, prior_weight, merge_weight,
            _logit2(settings.attach_threshold), counts,
        )  # fmt: skip
        if attached is not None and attached.num_rows:
            rescored = (
                attached if rescored is None else pa.concat_tables([rescored, attached.cast(rescored.schema)])
            )
    return assignment, rescored


#: Largest unit of free-text records that attach_sparse moves as one.
MAX_SPARSE_UNIT = 3


def _attach_sparse_units(
    connection: duckdb.DuckDBPyConnection,
    linker: Any,
    db_api: Any,
    model_settings: Mapping[str, Any],
    scored: pa.Table,
    assignment: list[int],
    evidence: _Contributions,
    forbidden: Callable[[int, int], bool],
    constraints: _ConstraintColumns,
    must: Sequence[Pair],
    settings: PersonLinkSettings,
    prior_weight: float,
    merge_weight: float,
    attach_weight: float,
    counts: dict[str, int],
) -> pa.Table | None:
    """Move each small person made of free-text records only onto the person its pooled evidence singles out.

    Why (clustering.attach_sparse): the free-text feeds' records (PARENT_FEEDS)
    carry a name, perhaps with one surname only and no date of birth, and
    their context (A-number, the child they are about), so they seldom clear
    the link threshold alone, and a parent's kit and locate may form a
    person of their own.  Only such units move, only onto persons holding a
    record of another feed, so two such persons are never joined and
    nothing chains.  The free-text records that clustering put in a person
    are weighed the same way against that person and the others they were
    compared with, and leave it when another fits as well (never to join
    another: clustering.attach_sparse).  The pairs
    between a unit and its candidates that blocking did not produce are
    scored here (found by ``attach``); ``assignment`` is updated in place
    and those pairs, at or above the floor, are returned.
    """
    members: dict[int, list[int]] = defaultdict(list)
    for record, root in enumerate(assignment):
        members[root].append(record)
    # Each person's records of other feeds (its core, what a unit is weighed against) and its free text.
    core = {root: [m for m in group if not constraints.free_text[m]] for root, group in members.items()}
    units: list[list[int]] = []
    home_roots: list[int | None] = []
    decided = {record for pair in must for record in pair}  # a human placed these: they stay
    for root, group in members.items():
        unit = [m for m in group if constraints.free_text[m]]
        if unit and len(unit) <= MAX_SPARSE_UNIT and not decided.intersection(unit):
            units.append(unit)
            home_roots.append(root if core[root] else None)
    unit_of = {record: position for position, unit in enumerate(units) for record in unit}
    targets: dict[int, set[int]] = defaultdict(set)
    for position, root in enumerate(home_roots):
        if root is not None:
            targets[position].add(root)
    for a, b in zip(scored["unique_id_l"].to_pylist(), scored["unique_id_r"].to_pylist(), strict=True):
        for record, other in ((a, b), (b, a)):
            if record in unit_of and core[assignment[other]]:
                targets[unit_of[record]].add(assignment[other])
    if not targets:
        return None
    roots_of = {position: sorted(roots) for position, roots in targets.items()}
    candidates = {position: [core[root] for root in roots] for position, roots in roots_of.items()}
    homes = {
        position: roots_of[position].index(root)
        for position, root in enumerate(home_roots)
        if root is not None and position in roots_of
    }
    missing = sorted(
        {
            ordered(record, member)
            for position, persons in candidates.items()
            for person in persons
            for record in units[position]
            for member in person
            if ordered(record, member) not in evidence
        }
    )
    rescored: pa.Table | None = None
    if missing:
        table = pa.table(
            {
                "join_key_l": pa.array([a for a, _ in missing], pa.int64()),
                "join_key_r": pa.array([b for _, b in missing], pa.int64()),
                "match_key": pa.array(["attach"] * len(missing), pa.string()),
            }
        )
        connection.register("attach_pairs_arrow", table)
        _run(connection, "CREATE OR REPLACE TABLE attach_pairs AS SELECT * FROM attach_pairs_arrow")
        connection.unregister("attach_pairs_arrow")
        rescored = _score(connection, linker, db_api, "attach_pairs", model_settings, None)
        evidence.add(rescored)
        counts["attach_pairs_scored"] = rescored.num_rows
        rescored = rescored.filter(pc.greater_equal(rescored["match_probability"], settings.pair_floor))
    moves = attach_sparse(
        units,
        candidates,
        evidence,
        forbidden,
        prior_weight=prior_weight,
        merge_weight=attach_weight,
        homes=homes,
        keep_weight=merge_weight,
    )
    # Every decision was taken against the persons as clustering left them; apply them together.
    groups = {root: set(group) for root, group in members.items()}
    alone: list[set[int]] = []
    for position, target in moves:
        unit = units[position]
        groups[assignment[unit[0]]].difference_update(unit)
        if target < 0:
            alone.append(set(unit))
        else:
            groups[roots_of[position][target]].update(unit)
    for group in [*groups.values(), *alone]:
        if group:
            root = min(group)
            for record in group:
                assignment[record] = root
    counts["sparse_units_moved"] = sum(1 for _, target in moves if target >= 0)
    counts["sparse_units_detached"] = sum(1 for _, target in moves if target < 0)
    return rescored


class _Contributions(Mapping[Pair, tuple[float, ...]]):
    """Ordered pair -> its per-comparison contributions (``mw_`` columns), read from scored tables on demand.

    Why lazy: only the records refinement leaves alone need them, a few
    thousand pairs of the hundreds of thousands scored, and holding every
    contribution as Python floats would cost more memory than the scoring.
    """

    def __init__(self, names: Sequence[str]) -> None:
        self.names = list(names)
        self._columns: list[list[pa.Array]] = []
        self._rows: dict[Pair, tuple[int, int]] = {}

    def add(self, table: pa.Table) -> None:
        """Index a scored table by its (``unique_id_l``, ``unique_id_r``); a later table's row wins."""
        if not self.names or any(name not in table.column_names for name in self.names):
            return
        source = len(self._columns)
        self._columns.append([pc.fill_null(table[name], 0.0).combine_chunks() for name in self.names])
        pairs = zip(table["unique_id_l"].to_pylist(), table["unique_id_r"].to_pylist(), strict=True)
        for row, pair in enumerate(pairs):
            self._rows[pair] = (source, row)

    def __getitem__(self, pair: Pair) -> tuple[float, ...]:
        source, row = self._rows[pair]
        return tuple(column[row].as_py() for column in self._columns[source])

    def __contains__(self, pair: object) -> bool:
        return pair in self._rows

    def __iter__(self) -> Iterator[Pair]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


def _logit2(probability: float) -> float:
    """Match weight (log2 odds) of a probability, bounded away from 0 and 1."""
    probability = min(max(probability, 1e-12), 1 - 1e-12)
    return math.log2(probability / (1 - probability))


# --------------------------------------------------------------------------- result tables


def _level_labels(model_settings: Mapping[str, Any]) -> dict[str, dict[int, str]]:
    """Comparison -> gamma value -> level label (Splink numbers levels from the else level up, null = -1)."""
    labels: dict[str, dict[int, str]] = {}
    for comparison in model_settings["comparisons"]:
        levels = comparison["comparison_levels"]
        mapping: dict[int, str] = {}
        value = len([level for level in levels if not level.get("is_null_level")]) - 1
        for level in levels:
            if level.get("is_null_level"):
                mapping[-1] = level.get("label_for_charts", "missing")
            else:
                mapping[value] = level.get("label_for_charts", "")
                value -= 1
        labels[comparison["output_column_name"]] = mapping
    return labels


def _pairs_table(
    scored: pa.Table, keys: Sequence[str], clusters: Sequence[int], model_settings: Mapping[str, Any]
) -> pa.Table:
    left = scored["unique_id_l"].to_pylist()
    right = scored["unique_id_r"].to_pylist()
    columns: dict[str, Any] = {
        "record_key_l": pa.array([keys[a] for a in left], pa.string()),
        "record_key_r": pa.array([keys[b] for b in right], pa.string()),
        "match_weight": scored["match_weight"],
        "match_probability": scored["match_probability"],
    }
    for name, mapping in _level_labels(model_settings).items():
        gammas = scored[f"gamma_{name}"].to_pylist()
        columns[f"level_{name}"] = pa.array(
            [mapping.get(g, "") for g in gammas], pa.string()
        ).dictionary_encode()
        columns[f"mw_{name}"] = scored[f"mw_{name}"]
    columns["constrained"] = scored["constrained"]
    columns["linked"] = pa.array(
        [clusters[a] == clusters[b] for a, b in zip(left, right, strict=True)], pa.bool_()
    )
    columns["found_by"] = scored["match_key"].cast(pa.string()).dictionary_encode()
    table = pa.table(columns)
    return table.sort_by([("record_key_l", "ascending"), ("record_key_r", "ascending")])


def _review(pairs: pa.Table, settings: PersonLinkSettings, decisions: PersonDecisions) -> pa.Table:
    """The pairs a reviewer should decide: each record left alone beside its best partner, likeliest first.

    Why records rather than a band of pair probabilities: what clustering
    gets wrong is mostly a record left on its own although it matched one
    of its person's records fairly well (a sparse record whose person's
    other records disagree in spelling or carry a second A-number, or a
    record that two namesakes both fit).  One row per such record, with the
    partner of its best undecided, unconstrained pair at or above
    ``review_floor``, is a queue where most rows are a real error; a pair
    band mostly repeats pairs whose records are rightly together (their
    person's other records vouch for them) or rightly apart.  A record
    counts as left alone when none of its pairs is linked (joining a person
    takes at least one pair above the floor).  A decided pair is never shown
    again; the record's next best partner is, if it reaches the floor.
    """
    decided = set(decisions.must_link) | set(decisions.cannot_link)
    left = pairs["record_key_l"].to_pylist()
    right = pairs["record_key_r"].to_pylist()
    probability = pairs["match_probability"].to_pylist()
    linked = pairs["linked"].to_pylist()
    joined = {key for a, b, is_linked in zip(left, right, linked, strict=True) if is_linked for key in (a, b)}
    best: dict[str, int] = {}
    for row, (a, b, p, is_constrained) in enumerate(
        zip(left, right, probability, pairs["constrained"].to_pylist(), strict=True)
    ):
        if p < settings.review_floor or is_constrained or (a, b) in decided:
            continue
        for key in (a, b):
            if key not in joined and (key not in best or p > probability[best[key]]):
                best[key] = row
    rows = sorted(set(best.values()), key=lambda row: (-probability[row], left[row], right[row]))
    return pairs.take(pa.array(rows, pa.int64()))


# --------------------------------------------------------------------------- explanations

_COMPARISON_TITLES = {
    "given_names": "given names",
    "surnames": "surnames",
    "dob": "date of birth",
    "a_number": "A-number",
    "fin": "FIN",
    "uac_id": "ORR case id",
    "event_id": "apprehension event",
    "sex": "sex",
    "country": "country",
    "handover": "Border Patrol to ORR handover",
}


def _title(name: str) -> str:
    if name in _COMPARISON_TITLES:
        return _COMPARISON_TITLES[name]
    return name.removeprefix("x_").replace("_", " ")


def _words(row: Mapping[str, Any], *columns: str) -> str | None:
    words = [row.get(column) for column in columns if row.get(column)]
    return " ".join(words) if words else None


def _value(name: str, row: Mapping[str, Any]) -> str | None:
    if name == "given_names":
        return _words(row, "g1", "g2")
    if name == "surnames":
        return _words(row, "s1", "s2")
    if name == "dob":
        dob = row.get("dob")
        return f"{dob} (estimated)" if dob and row.get("dob_est") else dob
    if name == "handover":
        day = row.get("handover_day")
        if day is None:
            return None
        on = dt.date(1970, 1, 1) + dt.timedelta(days=int(day))
        return f"{row.get('handover_office') or 'unknown station'} {on.isoformat()}"
    value = row.get(name)
    return None if value is None else str(value)


def _sentence(name: str, label: str, weight: float, left: Mapping[str, Any], right: Mapping[str, Any]) -> str:
    title = _title(name)
    a, b = _value(name, left), _value(name, right)
    if a is None or b is None:
        shown = a or b
        return f"{title}: not known on one side{f' ({shown})' if shown else ''} ({weight:+.1f})"
    if a == b and label in (pm.SAME, pm.SAME_GIVEN, pm.SAME_SURNAMES, pm.DOB_SAME):
        return f"{title}: both {a} ({weight:+.1f})"
    if a == b:
        return f"{title}: both {a}, {label} ({weight:+.1f})"
    return f"{title}: {a} / {b}, {label} ({weight:+.1f})"


def _feature_dict(source: PersonLinkResult | PersonModel, record: LinkRecord | str) -> dict[str, Any]:
    model = source.model if isinstance(source, PersonLinkResult) else source
    if isinstance(record, LinkRecord):
        roles = NameRoles.from_table(model.name_roles) if model.name_roles is not None else None
        return feature_row(record, model.extra_fields, roles)
    if not isinstance(source, PersonLinkResult):
        raise TypeError("a record key can only be explained with a PersonLinkResult; pass a LinkRecord")
    if source.feature_rows is None:
        # Explaining a run's review queue looks up hundreds of records: index the keys once.
        keys = source.features.column("record_key").to_pylist()
        source.feature_rows = {key: position for position, key in enumerate(keys)}
    position = source.feature_rows.get(record)
    if position is None:
        raise KeyError(f"record {record!r} was not part of this linkage run")
    return source.features.slice(position, 1).to_pylist()[0]


def explain_pair(
    result_or_model: PersonLinkResult | PersonModel,
    record_a: LinkRecord | str,
    record_b: LinkRecord | str,
) -> list[ContributionLine]:
    """Each comparison's contribution to a pair's score, in plain words, prior first.

    Why re-score rather than look the pair up: a pair below the floor or never
    blocked can be asked about too, and the answer is the same model with the
    same term frequencies as the run, so a decision can be explained from the
    stored model alone.  Records are ``LinkRecord`` s, or record keys of the
    run when a ``PersonLinkResult`` is given.
    """
    return explain_pairs(result_or_model, [record_a, record_b], [(0, 1)])[0]


def explain_pairs(
    result_or_model: PersonLinkResult | PersonModel,
    records: Sequence[LinkRecord | str],
    pairs: Sequence[tuple[int, int]],
) -> list[list[ContributionLine]]:
    """:func:`explain_pair` for many pairs of ``records`` (indexes into it) in one scoring session.

    Why: opening a DuckDB session and a Splink linker costs far more than
    scoring; a person page explains every pair of a person's records, so
    they are scored together.
    """
    model = result_or_model.model if isinstance(result_or_model, PersonLinkResult) else result_or_model
    rows = [_feature_dict(result_or_model, record) for record in records]
    if not pairs:
        return []
    scored = score_feature_pairs(model, rows, pairs)
    prior = math.log2(model.prior / (1 - model.prior))
    labels = _level_labels(model.settings)
    names = _comparison_names(model.settings)
    explained = []
    for (a, b), one in zip(pairs, scored, strict=True):
        lines = [
            ContributionLine(
                "prior",
                "two records taken at random",
                prior,
                f"starting point: two records taken at random ({prior:+.1f})",
            )
        ]
        for name in names:
            label = labels[name].get(one[f"gamma_{name}"], "")
            weight = float(one[f"mw_{name}"])
            lines.append(
                ContributionLine(
                    _title(name), label, weight, _sentence(name, label, weight, rows[a], rows[b])
                )
            )
        explained.append(lines)
    return explained


def score_feature_pair(
    model: PersonModel, left: Mapping[str, Any], right: Mapping[str, Any]
) -> dict[str, Any]:
    """Score one pair of feature rows with a stored model: gamma_*, mw_* (tf included), match weight."""
    return score_feature_pairs(model, [left, right], [(0, 1)])[0]


def score_feature_pairs(
    model: PersonModel, rows: Sequence[Mapping[str, Any]], pairs: Sequence[tuple[int, int]]
) -> list[dict[str, Any]]:
    """Score pairs of feature rows (indexes into ``rows``) with a stored model, in ``pairs`` order."""
    from splink import DuckDBAPI

    schema = feature_schema(model.extra_fields)
    table_rows = []
    for position, row in enumerate(rows):
        values = {name: row.get(name) for name in schema.names}
        values["unique_id"] = position
        table_rows.append(values)
    table = pa.Table.from_pylist(table_rows, schema=schema)
    connection = duckdb.connect(":memory:")
    try:
        db_api = DuckDBAPI(connection)
        registered = db_api.register(table, table_name="explained_records")
        linker = _linker(db_api, registered, model.settings)
        for column, frequencies in model.term_frequencies.items():
            wanted = {str(row.get(column)) for row in rows if row.get(column) is not None}
            subset = frequencies.filter(
                pc.is_in(frequencies["value"].cast(pa.string()), pa.array(sorted(wanted), pa.string()))
            )
            lookup = pa.table({column: subset["value"], f"tf_{column}": subset["tf"]})
            tf_frame = db_api.register(lookup, table_name=f"tf_lookup_{column}")
            linker.table_management.register_term_frequency_lookup(tf_frame, column)
        _run(connection, f"CREATE TABLE f AS SELECT * FROM {registered.physical_name}")
        wanted_pairs = pa.table(
            {
                "join_key_l": pa.array([a for a, _ in pairs], pa.int64()),
                "join_key_r": pa.array([b for _, b in pairs], pa.int64()),
                "match_key": pa.array(["explain"] * len(pairs), pa.string()),
            }
        )
        connection.register("explain_pairs_arrow", wanted_pairs)
        _run(connection, "CREATE TABLE explain_pairs AS SELECT * FROM explain_pairs_arrow")
        connection.unregister("explain_pairs_arrow")
        scored = _score(connection, linker, db_api, "explain_pairs", model.settings, None).to_pylist()
    finally:
        connection.close()
    by_pair = {}
    for row in scored:
        by_pair[(row["unique_id_l"], row["unique_id_r"])] = by_pair[
            (row["unique_id_r"], row["unique_id_l"])
        ] = row
    return [by_pair[pair] for pair in pairs]


def explain_scored_pair(result: PersonLinkResult, row: Mapping[str, Any]) -> list[ContributionLine]:
    """The explanation of a pair the run already scored (a row of ``pairs`` or ``review_candidates``).

    Why beside :func:`explain_pair`: that one re-scores through a DuckDB
    session, about half a second a pair; a run's review queue holds hundreds of
    pairs whose levels and weights are already in the row, so reading them is
    enough and gives the same figures.
    """
    model = result.model
    left = _feature_dict(result, row["record_key_l"])
    right = _feature_dict(result, row["record_key_r"])
    prior = math.log2(model.prior / (1 - model.prior))
    lines = [
        ContributionLine(
            "prior",
            "two records taken at random",
            prior,
            f"starting point: two records taken at random ({prior:+.1f})",
        )
    ]
    for name in _comparison_names(model.settings):
        label = str(row.get(f"level_{name}") or "")
        weight = float(row.get(f"mw_{name}") or 0.0)
        lines.append(
            ContributionLine(_title(name), label, weight, _sentence(name, label, weight, left, right))
        )
    return lines
