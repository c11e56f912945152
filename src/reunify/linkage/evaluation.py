"""Compare the project's exports with a scenario's truth, as EXPORTS.md counts it.

Why pure functions over plain mappings and rows: the same metrics serve the
test suite, the benchmarks and a command, on scenarios of half a million
records, and must not depend on a database, Django or a data-frame library.
Every score is a dataclass whose ``as_dict()`` is JSON-serialisable, so a run
can be stored and compared with the next one.

Conventions, everywhere in this module:

- A ratio whose denominator is zero is ``None`` ("undefined"), never 0 or 1:
  the precision of an empty prediction set, or the recall against an empty
  truth, says nothing, and a 1.0 there would hide a pipeline that produced
  nothing.  An F1 is ``None`` when either of its parts is.
- A metric whose export file is absent is reported as not available
  (``{"available": False, "missing": [...]}``), never as zero.
- Project persons are compared with truth persons through
  :func:`person_mapping`: each project person stands for the truth person
  holding most of its records.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

#: The export files evaluate_folder() understands, by the name used in ``exports``.
EXPORT_NAMES: tuple[str, ...] = ("persons", "relationships", "separations", "quarantine")

ASSERTED_STATUSES: frozenset[str] = frozenset({"CONFIRMED", "PROBABLE"})
TIE_STATUSES: frozenset[str] = frozenset({"CONFIRMED", "PROBABLE", "CANDIDATE", "REJECTED"})
#: A label that says "a parent" without saying which: neither right nor wrong.
UNSPECIFIED_LABEL = "PARENT"

PersonPair = tuple[str, str]


# --------------------------------------------------------------------------- small arithmetic


def _ratio(numerator: int | float, denominator: int | float) -> float | None:
    """``numerator / denominator``, or None when the denominator is zero (undefined, not perfect)."""
    if not denominator:
        return None
    return numerator / denominator


def _f1(precision: float | None, recall: float | None) -> float | None:
    """Harmonic mean; None when a part is undefined, 0.0 when both parts are zero."""
    if precision is None or recall is None:
        return None
    if precision + recall == 0:
        return 0.0
    return 2 * precision * recall / (precision + recall)


def _pairs(size: int) -> int:
    """Number of unordered pairs among ``size`` items: how a cluster counts without listing its pairs."""
    return size * (size - 1) // 2


# --------------------------------------------------------------------------- reading files


@contextmanager
def _csv_table(path: Path, required: Sequence[str]) -> Iterator[tuple[dict[str, int], Iterator[list[str]]]]:
    """Open a CSV file, check its header has ``required`` columns, and give (column index, data rows).

    ``utf-8-sig`` because FEEDS.md allows a byte-order mark in CSV files and a
    tool writing the exports or the truth may add one too.  The header is
    checked before any row is read, so a wrong file fails even when it has no
    data rows.  Blank lines carry no row and are skipped.
    """
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise ValueError(f"{path}: empty file, expected a header row")
        index = {name.strip(): position for position, name in enumerate(header)}
        missing = [column for column in required if column not in index]
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
        yield index, (row for row in reader if row)


def _cell(row: Sequence[str], position: int) -> str:
    """A stripped field; a short row's missing trailing field is blank ("not known")."""
    return row[position].strip() if position < len(row) else ""


def read_rows(path: Path, required: Sequence[str]) -> list[dict[str, str]]:
    """Every row of a CSV file as a dict of stripped strings, checking that ``required`` columns exist.

    Short rows are padded with blanks rather than rejected: a missing trailing
    field is "not known", which the metrics then count as wrong where it matters.
    """
    with _csv_table(path, required) as (index, rows):
        return [{name: _cell(row, position) for name, position in index.items()} for row in rows]


def read_persons_export(path: Path) -> dict[str, str]:
    """record_key -> project person id from ``persons.csv`` (EXPORTS.md).

    A record key exported twice with two different person ids breaks the
    export's contract (one row per ingested record) and makes every person
    metric meaningless, so it raises instead of picking one.
    """
    persons: dict[str, str] = {}
    with _csv_table(path, ["record_key", "person_id"]) as (index, rows):
        key_at, person_at = index["record_key"], index["person_id"]
        for row in rows:
            record_key, person_id = _cell(row, key_at), _cell(row, person_at)
            known = persons.setdefault(record_key, person_id)
            if known != person_id:
                raise ValueError(
                    f"{path}: record key {record_key!r} is exported with two person ids"
                    f" ({known!r}, {person_id!r})"
                )
    return persons


@dataclass(frozen=True)
class Truth:
    """What a scenario generator wrote into ``truth/`` (EXPORTS.md).

    ``persons`` maps every record key, well-formed or not, to its real person.
    A key is in ``malformed`` when some row written under it was broken on
    purpose and in ``wellformed`` when some row under it was not; a key can be
    in both (a correction delivered broken), which is why they are two sets
    and not one flag.  ``broken_lines`` maps (file name, physical line) to the
    record key of a broken row, read from ``truth/broken_rows.csv`` when the
    generator wrote one; it lets a quarantine row named ``<file>:<line>``
    (no record id could be read) be matched to its record key.
    """

    persons: dict[str, str]
    malformed: frozenset[str]
    wellformed: frozenset[str]
    relationships: list[dict[str, str]]
    separations: list[dict[str, str]]
    broken_lines: dict[tuple[str, int], str]

    @property
    def wellformed_persons(self) -> dict[str, str]:
        """record_key -> person id for the keys that count in the person metrics."""
        return {key: self.persons[key] for key in self.wellformed}


def _truth_dir(folder: Path) -> Path:
    """Accept the truth folder itself or the scenario folder that holds ``truth/``."""
    folder = Path(folder)
    if not (folder / "persons.csv").exists() and (folder / "truth" / "persons.csv").exists():
        return folder / "truth"
    return folder


def read_truth(folder: Path) -> Truth:
    """Read ``persons.csv``, ``relationships.csv`` and ``separations.csv`` of a truth folder.

    ``folder`` may be the ``truth/`` folder or the scenario folder beside it.
    Unknown ``malformed`` values and a record key given two person ids raise:
    they are generator bugs that would silently bend every figure.
    """
    folder = _truth_dir(folder)
    persons_path = folder / "persons.csv"
    persons: dict[str, str] = {}
    malformed: set[str] = set()
    wellformed: set[str] = set()
    with _csv_table(persons_path, ["record_key", "person_id", "malformed"]) as (index, rows):
        key_at, person_at, flag_at = index["record_key"], index["person_id"], index["malformed"]
        for row in rows:
            record_key, person_id = _cell(row, key_at), _cell(row, person_at)
            flag = _cell(row, flag_at).upper()
            if flag not in ("Y", "N"):
                raise ValueError(
                    f"{persons_path}: record key {record_key!r} has malformed={flag!r}, expected Y or N"
                )
            known = persons.setdefault(record_key, person_id)
            if known != person_id:
                raise ValueError(
                    f"{persons_path}: record key {record_key!r} belongs to two persons ({known!r}, {person_id!r})"
                )
            (malformed if flag == "Y" else wellformed).add(record_key)
    broken_lines: dict[tuple[str, int], str] = {}
    broken_path = folder / "broken_rows.csv"
    if broken_path.exists():
        for row in read_rows(broken_path, ["record_key", "file", "line"]):
            if row["line"].isdigit():
                broken_lines[(row["file"], int(row["line"]))] = row["record_key"]
    return Truth(
        persons=persons,
        malformed=frozenset(malformed),
        wellformed=frozenset(wellformed),
        relationships=read_rows(
            folder / "relationships.csv", ["parent_person_id", "child_person_id", "relationship"]
        ),
        separations=read_rows(
            folder / "separations.csv",
            [
                "child_person_id",
                "parent_person_id",
                "separated_at",
                "reunified_at",
                "outcome",
                "judicial_basis",
            ],
        ),
        broken_lines=broken_lines,
    )


# --------------------------------------------------------------------------- persons


@dataclass(frozen=True)
class PersonsScore:
    """Person linkage against the truth, over the record keys both sides know.

    ``records`` counts record keys well-formed in the truth and present in the
    export; only they take part.  ``records_missing`` are well-formed truth keys
    the export lacks, ``records_extra`` exported keys that are not well-formed
    truth keys: both are shown because a linkage that drops records would
    otherwise look better.  Pairs are unordered pairs of record keys placed in
    the same person; B-cubed averages, over records, the share of a record's
    cluster that is right (precision) and of its true person that was found
    (recall).
    """

    records: int
    records_missing: int
    records_extra: int
    truth_persons: int
    predicted_persons: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    pairwise_precision: float | None
    pairwise_recall: float | None
    pairwise_f1: float | None
    bcubed_precision: float | None
    bcubed_recall: float | None
    bcubed_f1: float | None

    def as_dict(self) -> dict[str, Any]:
        return {"available": True, **asdict(self)}


def _contingency(
    truth_persons: Mapping[str, str], predicted: Mapping[str, str], malformed: Collection[str]
) -> Counter[tuple[str, str]]:
    """(truth person, project person) -> records they share, over the keys that count."""
    table: Counter[tuple[str, str]] = Counter()
    for record_key, predicted_id in predicted.items():
        truth_id = truth_persons.get(record_key)
        if truth_id is not None and record_key not in malformed:
            table[(truth_id, predicted_id)] += 1
    return table


def evaluate_persons(
    truth_persons: Mapping[str, str],
    predicted: Mapping[str, str],
    *,
    malformed: Collection[str] = frozenset(),
) -> PersonsScore:
    """Pairwise and B-cubed scores of the project's persons against the truth.

    Both mappings go from record key to person id.  Only keys present in both
    and not in ``malformed`` count (pass ``Truth.wellformed_persons``, or all
    truth persons with ``malformed=truth.malformed - truth.wellformed``).
    Pairs are counted from the contingency table of cluster sizes, never
    enumerated: a cluster of n records holds n(n-1)/2 pairs, so 500k records
    take a second, whatever the cluster sizes.  Ratios with a zero denominator
    are None (e.g. precision when the project placed no two records together).
    """
    if not isinstance(malformed, (set, frozenset, dict)):
        malformed = frozenset(malformed)
    table = _contingency(truth_persons, predicted, malformed)
    truth_sizes: Counter[str] = Counter()
    predicted_sizes: Counter[str] = Counter()
    for (truth_id, predicted_id), shared in table.items():
        truth_sizes[truth_id] += shared
        predicted_sizes[predicted_id] += shared
    records = sum(table.values())

    correct_pairs = sum(_pairs(shared) for shared in table.values())
    true_pairs = sum(_pairs(size) for size in truth_sizes.values())
    predicted_pairs = sum(_pairs(size) for size in predicted_sizes.values())
    pairwise_precision = _ratio(correct_pairs, predicted_pairs)
    pairwise_recall = _ratio(correct_pairs, true_pairs)

    # B-cubed: each of the `shared` records of cell (t, p) scores shared/|p| and shared/|t|.
    bcubed_precision_sum = sum(shared * shared / predicted_sizes[p] for (_, p), shared in table.items())
    bcubed_recall_sum = sum(shared * shared / truth_sizes[t] for (t, _), shared in table.items())
    bcubed_precision = _ratio(bcubed_precision_sum, records)
    bcubed_recall = _ratio(bcubed_recall_sum, records)

    counted_truth = sum(1 for key in truth_persons if key not in malformed)
    return PersonsScore(
        records=records,
        records_missing=counted_truth - records,
        records_extra=len(predicted) - records,
        truth_persons=len(truth_sizes),
        predicted_persons=len(predicted_sizes),
        true_pairs=true_pairs,
        predicted_pairs=predicted_pairs,
        correct_pairs=correct_pairs,
        pairwise_precision=pairwise_precision,
        pairwise_recall=pairwise_recall,
        pairwise_f1=_f1(pairwise_precision, pairwise_recall),
        bcubed_precision=bcubed_precision,
        bcubed_recall=bcubed_recall,
        bcubed_f1=_f1(bcubed_precision, bcubed_recall),
    )


def person_mapping(
    truth_persons: Mapping[str, str],
    predicted: Mapping[str, str],
    *,
    malformed: Collection[str] = frozenset(),
) -> dict[str, str]:
    """Project person id -> the truth person holding most of its records (EXPORTS.md).

    Only records that count in :func:`evaluate_persons` vote.  A tie goes to
    the lexicographically smallest truth id, so that two runs on the same
    files always score the same.  A project person none of whose records is a
    well-formed truth record has no entry: ties and separations through it
    cannot be right.
    """
    if not isinstance(malformed, (set, frozenset, dict)):
        malformed = frozenset(malformed)
    best: dict[str, tuple[int, str]] = {}
    for (truth_id, predicted_id), shared in _contingency(truth_persons, predicted, malformed).items():
        current = best.get(predicted_id)
        if current is None or shared > current[0] or (shared == current[0] and truth_id < current[1]):
            best[predicted_id] = (shared, truth_id)
    return {predicted_id: truth_id for predicted_id, (_, truth_id) in best.items()}


def _mapped(mapping: Mapping[str, str], first: str, second: str) -> PersonPair | None:
    """Both project ids translated to truth ids, or None when either has no truth person."""
    first_truth, second_truth = mapping.get(first), mapping.get(second)
    if first_truth is None or second_truth is None:
        return None
    return first_truth, second_truth


# --------------------------------------------------------------------------- relationships


@dataclass(frozen=True)
class TiesScore:
    """Family ties (parent -> child) against the truth.

    Project ties are compared after mapping both persons to truth persons;
    ties that map to the same truth pair count once (a person split in two
    must not earn two hits), and an asserted tie through an unmapped person
    counts once per project pair, as wrong.  ``asserted`` means CONFIRMED or
    PROBABLE; ``candidate`` means any status except REJECTED.  Labels are
    scored on the correct asserted ties only: MOTHER/FATHER is right or wrong,
    PARENT is neither and is counted in ``label_unspecified``.
    """

    true_ties: int
    tie_rows: int
    asserted_rows: int
    asserted_unmapped_rows: int
    asserted_ties: int
    true_ties_found: int
    true_ties_found_as_candidate: int
    precision: float | None
    recall: float | None
    f1: float | None
    candidate_recall: float | None
    label_right: int
    label_wrong: int
    label_unspecified: int
    label_accuracy: float | None

    def as_dict(self) -> dict[str, Any]:
        return {"available": True, **asdict(self)}


def _upper(row: Mapping[str, str], column: str) -> str:
    return (row.get(column) or "").strip().upper()


def evaluate_relationships(
    truth_ties: Iterable[Mapping[str, str]],
    predicted_ties: Iterable[Mapping[str, str]],
    mapping: Mapping[str, str],
) -> TiesScore:
    """Precision, recall, candidate recall and label accuracy of the project's ties.

    Rows carry the columns of ``relationships.csv`` (truth and export).
    Precision = distinct asserted mapped pairs that are true ties / distinct
    asserted mapped pairs (None when nothing is asserted); recall = true ties
    matched by an asserted tie / true ties; candidate recall = true ties
    matched by a tie at any status but REJECTED / true ties.  A tie's
    direction matters: (parent, child) reversed is wrong.  An unknown status
    raises, since guessing whether it asserts would bend precision.

    A true pair reached by several asserted ties takes its label from them
    together: right when their MOTHER/FATHER labels are all the true one,
    wrong when any differs, unspecified when they are all PARENT.
    """
    truth_labels: dict[PersonPair, str] = {}
    for row in truth_ties:
        pair = (row["parent_person_id"].strip(), row["child_person_id"].strip())
        truth_labels.setdefault(pair, _upper(row, "relationship"))

    tie_rows = asserted_rows = asserted_unmapped_rows = 0
    asserted: set[PersonPair] = set()  # truth pairs the asserted ties map to
    asserted_unmapped: set[PersonPair] = set()  # project pairs of asserted ties that map nowhere
    candidate: set[PersonPair] = set()
    labels_of: defaultdict[PersonPair, set[str]] = defaultdict(set)
    for row in predicted_ties:
        tie_rows += 1
        status = _upper(row, "status")
        if status not in TIE_STATUSES:
            raise ValueError(
                f"tie {row.get('parent_person_id')}->{row.get('child_person_id')}: status {status!r}"
            )
        parent, child = row["parent_person_id"].strip(), row["child_person_id"].strip()
        pair = _mapped(mapping, parent, child)
        if status != "REJECTED" and pair is not None:
            candidate.add(pair)
        if status not in ASSERTED_STATUSES:
            continue
        asserted_rows += 1
        if pair is None:
            asserted_unmapped_rows += 1
            asserted_unmapped.add((parent, child))
            continue
        asserted.add(pair)
        labels_of[pair].add(_upper(row, "relationship"))

    found = asserted & truth_labels.keys()
    label_right = label_wrong = label_unspecified = 0
    for pair in found:
        specific = labels_of[pair] - {UNSPECIFIED_LABEL}
        if not specific:
            label_unspecified += 1
        elif specific == {truth_labels[pair]}:
            label_right += 1
        else:
            label_wrong += 1

    found_as_candidate = len(candidate & truth_labels.keys())
    asserted_ties = len(asserted) + len(asserted_unmapped)
    precision = _ratio(len(found), asserted_ties)
    recall = _ratio(len(found), len(truth_labels))
    return TiesScore(
        true_ties=len(truth_labels),
        tie_rows=tie_rows,
        asserted_rows=asserted_rows,
        asserted_unmapped_rows=asserted_unmapped_rows,
        asserted_ties=asserted_ties,
        true_ties_found=len(found),
        true_ties_found_as_candidate=found_as_candidate,
        precision=precision,
        recall=recall,
        f1=_f1(precision, recall),
        candidate_recall=_ratio(found_as_candidate, len(truth_labels)),
        label_right=label_right,
        label_wrong=label_wrong,
        label_unspecified=label_unspecified,
        label_accuracy=_ratio(label_right, label_right + label_wrong),
    )


# --------------------------------------------------------------------------- separations


@dataclass(frozen=True)
class SeparationsScore:
    """Separations (child, parent) against the truth, row by row as EXPORTS.md says.

    A row is right when its mapped (child, parent) is a true separation;
    precision is right rows / rows, recall is true separations reached by at
    least one right row / true separations.  ``duplicate_right_rows`` shows how
    many right rows repeat a true separation already reached (a split person
    can inflate row precision; the figure makes that visible).  The attribute
    figures are shares of the right rows: ``separated_at`` within one day,
    ``outcome`` and ``judicial_basis`` equal, and ``reunified_at`` equal among
    right rows whose truth has a reunification date; ``reunified_at_spurious``
    counts right rows with a date where the truth has none.
    """

    true_separations: int
    rows: int
    unmapped_rows: int
    right_rows: int
    duplicate_right_rows: int
    true_separations_found: int
    precision: float | None
    recall: float | None
    f1: float | None
    separated_at_within_one_day: int
    separated_at_within_one_day_share: float | None
    outcome_right: int
    outcome_accuracy: float | None
    judicial_basis_right: int
    judicial_basis_accuracy: float | None
    right_rows_truth_reunified: int
    reunified_at_exact: int
    reunified_at_exact_share: float | None
    reunified_at_spurious: int

    def as_dict(self) -> dict[str, Any]:
        return {"available": True, **asdict(self)}


def _date(text: str | None) -> dt.date | None:
    """A ``YYYY-MM-DD`` date, or None for a blank or unreadable one (which then never counts as right)."""
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def evaluate_separations(
    truth_seps: Iterable[Mapping[str, str]],
    predicted_seps: Iterable[Mapping[str, str]],
    mapping: Mapping[str, str],
) -> SeparationsScore:
    """Score the project's separations row by row, then their dates, outcome and legal basis.

    Rows carry the columns of ``separations.csv``.  Precision is None when the
    export has no row, recall None when the truth has no separation.  A blank
    or unreadable predicted date is wrong; ``reunified_at`` must be exactly
    the truth's date.
    """
    truth: dict[PersonPair, Mapping[str, str]] = {}
    for row in truth_seps:
        truth.setdefault((row["child_person_id"].strip(), row["parent_person_id"].strip()), row)

    rows = unmapped = right = within_day = outcome_right = basis_right = 0
    with_reunified = reunified_exact = reunified_spurious = 0
    reached: set[PersonPair] = set()
    duplicates = 0
    for row in predicted_seps:
        rows += 1
        pair = _mapped(mapping, row["child_person_id"].strip(), row["parent_person_id"].strip())
        if pair is None:
            unmapped += 1
            continue
        expected = truth.get(pair)
        if expected is None:
            continue
        right += 1
        if pair in reached:
            duplicates += 1
        reached.add(pair)
        truth_day, predicted_day = _date(expected["separated_at"]), _date(row.get("separated_at"))
        if truth_day is not None and predicted_day is not None and abs((truth_day - predicted_day).days) <= 1:
            within_day += 1
        outcome_right += _upper(row, "outcome") == _upper(expected, "outcome")
        basis_right += _upper(row, "judicial_basis") == _upper(expected, "judicial_basis")
        truth_reunified = _date(expected.get("reunified_at"))
        predicted_reunified = (row.get("reunified_at") or "").strip()
        if truth_reunified is not None:
            with_reunified += 1
            reunified_exact += _date(predicted_reunified) == truth_reunified
        elif predicted_reunified:
            reunified_spurious += 1

    precision = _ratio(right, rows)
    recall = _ratio(len(reached), len(truth))
    return SeparationsScore(
        true_separations=len(truth),
        rows=rows,
        unmapped_rows=unmapped,
        right_rows=right,
        duplicate_right_rows=duplicates,
        true_separations_found=len(reached),
        precision=precision,
        recall=recall,
        f1=_f1(precision, recall),
        separated_at_within_one_day=within_day,
        separated_at_within_one_day_share=_ratio(within_day, right),
        outcome_right=outcome_right,
        outcome_accuracy=_ratio(outcome_right, right),
        judicial_basis_right=basis_right,
        judicial_basis_accuracy=_ratio(basis_right, right),
        right_rows_truth_reunified=with_reunified,
        reunified_at_exact=reunified_exact,
        reunified_at_exact_share=_ratio(reunified_exact, with_reunified),
        reunified_at_spurious=reunified_spurious,
    )


# --------------------------------------------------------------------------- quarantine


@dataclass(frozen=True)
class QuarantineScore:
    """Quarantine against the rows broken on purpose.

    Counted by record key.  ``malformed_quarantined / malformed_records`` is
    the recall that must be 1; ``wellformed_lost`` (a well-formed key that is
    quarantined and absent from the persons export) must be 0, and is None
    when there is no persons export to tell.  ``wellformed_quarantined``
    counts keys never written broken that appear in the quarantine at all,
    lost or not.  ``malformed_exported`` counts keys only ever written broken
    that were ingested anyway; ``quarantine_rows_unknown`` counts quarantine
    rows that match no truth record key.
    """

    malformed_records: int
    malformed_quarantined: int
    malformed_missed: int
    malformed_recall: float | None
    malformed_exported: int | None
    wellformed_quarantined: int
    wellformed_lost: int | None
    quarantine_rows: int
    quarantine_rows_unknown: int

    def as_dict(self) -> dict[str, Any]:
        return {"available": True, **asdict(self)}


def _quarantined_key(
    row: Mapping[str, str], known: Collection[str], broken_lines: Mapping[tuple[str, int], str]
) -> str:
    """The record key a quarantine row stands for, resolving ``<file>:<line>`` through the truth when it can."""
    record_key = (row.get("record_key") or "").strip()
    if record_key in known:
        return record_key
    file_name, line = (row.get("file") or "").strip(), (row.get("line") or "").strip()
    if not (file_name and line.isdigit()):
        head, _, tail = record_key.rpartition(":")
        file_name, line = head, tail
    if line.isdigit():
        return broken_lines.get((file_name, int(line)), record_key)
    return record_key


def evaluate_quarantine(
    malformed_keys: Collection[str],
    wellformed_keys: Collection[str],
    quarantine_rows: Iterable[Mapping[str, str]],
    exported_person_keys: Collection[str] | None,
    *,
    broken_lines: Mapping[tuple[str, int], str] | None = None,
) -> QuarantineScore:
    """Were exactly the broken rows quarantined?

    ``malformed_keys`` and ``wellformed_keys`` come from the ``malformed``
    column of ``truth/persons.csv`` (``Truth.malformed`` and
    ``Truth.wellformed``; a key may be in both).  ``quarantine_rows`` carry
    ``record_key``, ``file`` and ``line`` of ``quarantine.csv``;
    ``exported_person_keys`` are the record keys of ``persons.csv``, or None
    when it is absent.  A well-formed key in the quarantine is lost only when
    the persons export lacks it: a broken correction of a good record is
    quarantined while the record itself lives on.
    """
    broken_lines = broken_lines or {}
    malformed = malformed_keys if isinstance(malformed_keys, (set, frozenset)) else set(malformed_keys)
    wellformed = wellformed_keys if isinstance(wellformed_keys, (set, frozenset)) else set(wellformed_keys)
    known = malformed | wellformed
    quarantined: set[str] = set()
    rows = unknown = 0
    for row in quarantine_rows:
        rows += 1
        key = _quarantined_key(row, known, broken_lines)
        if key in known:
            quarantined.add(key)
        else:
            unknown += 1

    malformed_quarantined = len(malformed & quarantined)
    lost: int | None = None
    exported_malformed: int | None = None
    if exported_person_keys is not None:
        exported = (
            exported_person_keys
            if isinstance(exported_person_keys, (set, frozenset, dict))
            else set(exported_person_keys)
        )
        lost = sum(1 for key in wellformed & quarantined if key not in exported)
        exported_malformed = sum(1 for key in malformed - wellformed if key in exported)
    return QuarantineScore(
        malformed_records=len(malformed),
        malformed_quarantined=malformed_quarantined,
        malformed_missed=len(malformed) - malformed_quarantined,
        malformed_recall=_ratio(malformed_quarantined, len(malformed)),
        malformed_exported=exported_malformed,
        wellformed_quarantined=len((wellformed - malformed) & quarantined),
        wellformed_lost=lost,
        quarantine_rows=rows,
        quarantine_rows_unknown=unknown,
    )


# --------------------------------------------------------------------------- whole folders


def find_exports(folder: Path) -> dict[str, Path]:
    """The export files present in ``folder`` under their EXPORTS.md names (``persons.csv``, ...)."""
    folder = Path(folder)
    return {name: folder / f"{name}.csv" for name in EXPORT_NAMES if (folder / f"{name}.csv").is_file()}


def _not_available(*missing: str) -> dict[str, Any]:
    return {"available": False, "missing": [f"{name}.csv" for name in missing]}


def evaluate_folder(truth_dir: Path, exports: Mapping[str, Path]) -> dict[str, Any]:
    """Every metric of EXPORTS.md for one scenario, as a JSON-serialisable dict.

    ``exports`` maps ``persons``, ``relationships``, ``separations`` and
    ``quarantine`` to the project's files; a name left out, or a path that
    does not exist, makes the metrics that need it "not available" (with the
    missing files named) rather than zero.  Ties and separations need the
    persons export as well, to map project persons to truth persons.
    """
    unknown = set(exports) - set(EXPORT_NAMES)
    if unknown:
        raise ValueError(f"unknown export name(s): {', '.join(sorted(unknown))}; expected {EXPORT_NAMES}")
    present = {
        name: Path(path) for name, path in exports.items() if path is not None and Path(path).is_file()
    }
    truth = read_truth(truth_dir)
    result: dict[str, Any] = {
        "truth": {
            "folder": str(_truth_dir(truth_dir)),
            "record_keys": len(truth.persons),
            "wellformed_record_keys": len(truth.wellformed),
            "malformed_record_keys": len(truth.malformed),
            "persons": len({truth.persons[key] for key in truth.wellformed}),
            "ties": len({(r["parent_person_id"], r["child_person_id"]) for r in truth.relationships}),
            "separations": len({(r["child_person_id"], r["parent_person_id"]) for r in truth.separations}),
        },
        "exports": {name: str(present[name]) if name in present else None for name in EXPORT_NAMES},
    }

    predicted: dict[str, str] | None = None
    mapping: dict[str, str] | None = None
    if "persons" in present:
        predicted = read_persons_export(present["persons"])
        truth_persons = truth.wellformed_persons
        result["persons"] = evaluate_persons(truth_persons, predicted).as_dict()
        mapping = person_mapping(truth_persons, predicted)
    else:
        result["persons"] = _not_available("persons")

    for name, evaluate, columns in (
        (
            "relationships",
            evaluate_relationships,
            ["parent_person_id", "child_person_id", "relationship", "status"],
        ),
        (
            "separations",
            evaluate_separations,
            [
                "child_person_id",
                "parent_person_id",
                "separated_at",
                "reunified_at",
                "outcome",
                "judicial_basis",
            ],
        ),
    ):
        missing = [n for n in ("persons", name) if n not in present]
        if missing:
            result[name] = _not_available(*missing)
            continue
        assert mapping is not None
        truth_rows = truth.relationships if name == "relationships" else truth.separations
        result[name] = evaluate(truth_rows, read_rows(present[name], columns), mapping).as_dict()

    if "quarantine" in present:
        score = evaluate_quarantine(
            truth.malformed,
            truth.wellformed,
            read_rows(present["quarantine"], ["record_key"]),
            predicted.keys() if predicted is not None else None,
            broken_lines=truth.broken_lines,
        )
        result["quarantine"] = score.as_dict()
        if predicted is None:
            result["quarantine"]["missing"] = ["persons.csv"]
    else:
        result["quarantine"] = _not_available("quarantine")
    return result


# --------------------------------------------------------------------------- report

#: Section -> (title, [(key, label)]) in print order: the label says what each figure counts.
REPORT_LAYOUT: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "truth": (
        "Truth",
        [
            ("record_keys", "record keys in truth/persons.csv"),
            ("wellformed_record_keys", "record keys written well-formed"),
            ("malformed_record_keys", "record keys written malformed"),
            ("persons", "real persons with a well-formed record"),
            ("ties", "true parent-child ties"),
            ("separations", "true separations (child, parent)"),
        ],
    ),
    "persons": (
        "Persons (record keys well-formed in truth and present in persons.csv)",
        [
            ("records", "records compared"),
            ("records_missing", "well-formed truth records absent from the export"),
            ("records_extra", "exported records that are not well-formed truth records"),
            ("truth_persons", "truth persons among compared records"),
            ("predicted_persons", "project persons among compared records"),
            ("true_pairs", "record pairs that are the same real person"),
            ("predicted_pairs", "record pairs placed in the same project person"),
            ("correct_pairs", "record pairs placed together and truly the same person"),
            ("pairwise_precision", "pairwise precision (correct / placed-together pairs)"),
            ("pairwise_recall", "pairwise recall (correct / true pairs)"),
            ("pairwise_f1", "pairwise F1"),
            ("bcubed_precision", "B-cubed precision (mean over records)"),
            ("bcubed_recall", "B-cubed recall (mean over records)"),
            ("bcubed_f1", "B-cubed F1"),
        ],
    ),
    "relationships": (
        "Relationships (asserted = CONFIRMED or PROBABLE; pairs mapped to truth persons)",
        [
            ("true_ties", "true ties"),
            ("tie_rows", "tie rows exported, any status"),
            ("asserted_rows", "asserted tie rows"),
            ("asserted_unmapped_rows", "asserted rows with a person mapped to no truth person"),
            ("asserted_ties", "distinct asserted ties after mapping"),
            ("true_ties_found", "true ties found by an asserted tie"),
            ("precision", "precision (true asserted ties / asserted ties)"),
            ("recall", "recall (true ties found asserted / true ties)"),
            ("f1", "F1"),
            ("true_ties_found_as_candidate", "true ties present at any status but REJECTED"),
            ("candidate_recall", "candidate recall (those / true ties)"),
            ("label_right", "correct ties labelled with the right MOTHER/FATHER"),
            ("label_wrong", "correct ties labelled with the wrong MOTHER/FATHER"),
            ("label_unspecified", "correct ties labelled only PARENT (not scored)"),
            ("label_accuracy", "label accuracy (right / (right + wrong))"),
        ],
    ),
    "separations": (
        "Separations (a row is right when its mapped child and parent are a true separation)",
        [
            ("true_separations", "true separations"),
            ("rows", "separation rows exported"),
            ("unmapped_rows", "rows with a person mapped to no truth person"),
            ("right_rows", "right rows"),
            ("duplicate_right_rows", "right rows repeating a separation already found"),
            ("true_separations_found", "true separations found by a right row"),
            ("precision", "precision (right rows / rows)"),
            ("recall", "recall (separations found / true separations)"),
            ("f1", "F1"),
            ("separated_at_within_one_day", "right rows with separated_at within one day"),
            ("separated_at_within_one_day_share", "share of right rows with separated_at within one day"),
            ("outcome_right", "right rows with the true outcome"),
            ("outcome_accuracy", "outcome accuracy on right rows"),
            ("judicial_basis_right", "right rows with the true judicial_basis"),
            ("judicial_basis_accuracy", "judicial_basis accuracy on right rows"),
            ("right_rows_truth_reunified", "right rows whose truth has a reunified_at"),
            ("reunified_at_exact", "of those, with exactly the true reunified_at"),
            ("reunified_at_exact_share", "share with exactly the true reunified_at"),
            ("reunified_at_spurious", "right rows with a reunified_at the truth lacks"),
        ],
    ),
    "quarantine": (
        "Quarantine (by record key)",
        [
            ("malformed_records", "record keys written malformed"),
            ("malformed_quarantined", "malformed record keys quarantined"),
            ("malformed_missed", "malformed record keys not quarantined"),
            ("malformed_recall", "quarantine recall (quarantined / malformed), must be 1"),
            ("malformed_exported", "malformed-only record keys found in persons.csv"),
            ("wellformed_quarantined", "never-malformed record keys in the quarantine"),
            ("wellformed_lost", "well-formed record keys lost (quarantined, not in persons.csv), must be 0"),
            ("quarantine_rows", "quarantine rows"),
            ("quarantine_rows_unknown", "quarantine rows matching no truth record key"),
        ],
    ),
}


def _figure(value: Any) -> str:
    if value is None:
        return "n/a (undefined)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def format_report(result: Mapping[str, Any]) -> str:
    """A plain-text table of an :func:`evaluate_folder` result, one labelled figure per line.

    Sections that were not available say which export file was missing, so
    a reader never mistakes an absent file for a zero score.
    """
    lines: list[str] = []
    for section, (title, items) in REPORT_LAYOUT.items():
        if section not in result:
            continue
        width = max(len(label) for _, label in items) + 2
        scores = result[section]
        if lines:
            lines.append("")
        lines.append(title)
        lines.append("-" * len(title))
        if scores.get("available") is False:
            lines.append(f"  not available: missing {', '.join(scores.get('missing', [])) or 'export'}")
            continue
        for key, label in items:
            if key in scores:
                lines.append(f"  {label:<{width}} {_figure(scores[key]):>16}")
        if section != "truth" and scores.get("missing"):
            lines.append(f"  (figures needing {', '.join(scores['missing'])} are n/a: file missing)")
    return "\n".join(lines) + "\n"
