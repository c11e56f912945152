"""Rule sets as versioned data files: reading, validating, choosing the version in force.

Why data and not code: a court modifies its orders (the Ms. L. class was
expanded nine months after it was certified), and a monitor must be able to
see exactly which text a figure was computed under.  Each file under
``reunify/rules/sets/`` (and under any extra folder a deployment adds) is one
version of one rule set::

    id = "ms-l-injunction"            # stable name of the rule set
    version = 1                       # a new text of the same rule set gets a higher version
    title = "..."
    in_force_from = 2018-06-26        # the version applies to evaluations as of this date on
    [source]                          # what the data encodes: court, case, date, citation and/or url
    [[rules]]                         # one table per rule, ``kind`` = class | deadline | prohibition

Validation is strict and precise: an unknown key, a missing one, a wrong type
or an unknown word names the file, the key path (``rules[2].anchor[0]``) and
what is wrong, so that a typo never silently turns a rule off.  The
vocabulary (rule kinds, anchors, events, outcomes) is the code's; the figures
and dates are the data's.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The folder of rule sets shipped with the package.
PACKAGED_DIR = Path(__file__).resolve().parent / "sets"

RULE_KINDS = ("class", "deadline", "prohibition")
APPLIES_TO = ("class_member", "separated")
#: Facts a deadline can run from; a date written in the file is a fixed anchor.
ANCHOR_FACTS = ("separated_at", "separated_instant")
#: What meets a deadline: the reunification, a logged contact, the refugee office's referral, the placement.
EVENTS = ("reunification", "contact", "notification", "transfer")
OUTCOMES = ("REUNIFIED", "PARENT_DECLINED", "PARENT_REMOVED", "RELEASED_TO_SPONSOR", "APART")
FINDINGS = ("UNFIT", "DANGER_TO_CHILD", "CRIMINAL_HISTORY", "COMMUNICABLE_DISEASE")
PROHIBITED = ("parent_removed_without_child",)
UNLESS = ("parent_declined_before",)
AGENCIES = ("CBP", "ICE", "USMS", "ORR")


class RuleSetError(ValueError):
    """A rule-set file that cannot be used, with where (file, key) and what is wrong."""

    def __init__(self, file: str, key: str, message: str) -> None:
        self.file, self.key, self.message = file, key, message
        where = f"{file}: {key}: " if key else f"{file}: "
        super().__init__(where + message)


@dataclass(frozen=True, slots=True)
class Source:
    """What a rule set encodes: the court (or legislature), the case, the date and where to read it."""

    court: str
    case: str
    date: dt.date
    citation: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A judicial finding about the parent that takes the pair out of the class, and its reason code."""

    finding: str
    reason: str


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of a rule set; which attributes matter depends on ``kind`` (see the module docstring)."""

    id: str
    kind: str
    title: str
    applies_to: str = "class_member"
    # class
    separating_agencies: tuple[str, ...] = ()
    parent_min_age: int | None = None
    child_max_age: int | None = None
    separated_on_or_after: dt.date | None = None
    separated_on_or_before: dt.date | None = None
    child_in_care_on_or_after: dt.date | None = None
    child_discharged_before: dt.date | None = None
    exclusions: tuple[Exclusion, ...] = ()
    # deadline
    group: str | None = None
    child_age_under: int | None = None
    child_age_at_least: int | None = None
    age_on: dt.date | None = None
    event: str | None = None
    contact_kinds: tuple[str, ...] = ()
    anchor: tuple[dt.date | str, ...] = ()
    days: int | None = None
    hours: int | None = None
    excused_by_outcomes: tuple[str, ...] = ()
    # prohibition
    forbids: str | None = None
    unless: str | None = None


@dataclass(frozen=True, slots=True)
class RuleSet:
    """One version of one rule set, as read from its file."""

    id: str
    version: int
    title: str
    in_force_from: dt.date
    source: Source
    rules: tuple[Rule, ...]
    path: str

    @property
    def label(self) -> str:
        """``id@version``, the way evaluations cite the rule set they used."""
        return f"{self.id}@{self.version}"


@dataclass(frozen=True)
class RuleBook:
    """Every loaded version of every rule set; ``in_force(date)`` picks the ones that govern a date."""

    rule_sets: tuple[RuleSet, ...]
    folders: tuple[str, ...] = field(default_factory=tuple)

    def in_force(self, on: dt.date) -> list[RuleSet]:
        """For each rule set id, the highest version in force on ``on`` (none if not yet in force)."""
        chosen: dict[str, RuleSet] = {}
        for rule_set in self.rule_sets:
            if rule_set.in_force_from > on:
                continue
            known = chosen.get(rule_set.id)
            if known is None or rule_set.version > known.version:
                chosen[rule_set.id] = rule_set
        return [chosen[key] for key in sorted(chosen)]

    def get(self, rule_set_id: str, version: int | None = None) -> RuleSet:
        """One rule set by id (the highest version unless ``version`` is given); KeyError when unknown."""
        matches = [
            r for r in self.rule_sets if r.id == rule_set_id and (version is None or r.version == version)
        ]
        if not matches:
            raise KeyError(f"no rule set {rule_set_id}" + (f" version {version}" if version else ""))
        return max(matches, key=lambda r: r.version)


# --------------------------------------------------------------------------- validation


class _Reader:
    """Typed access to one table of a file, collecting the keys it was asked about."""

    def __init__(self, file: str, table: dict[str, Any], prefix: str) -> None:
        self.file, self.table, self.prefix = file, table, prefix
        self.seen: set[str] = set()

    def _key(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def fail(self, key: str, message: str) -> RuleSetError:
        return RuleSetError(self.file, self._key(key), message)

    def get(self, key: str, kind: type | tuple[type, ...], required: bool = False, what: str = "") -> Any:
        self.seen.add(key)
        if key not in self.table:
            if required:
                raise self.fail(key, "is required but missing")
            return None
        value = self.table[key]
        # TOML booleans are ints in Python; a rule never wants a boolean where a number goes.
        if isinstance(value, bool) and kind is not bool:
            raise self.fail(key, f"must be {what or _type_name(kind)}, not a boolean")
        if kind is dt.date and isinstance(value, dt.datetime):
            raise self.fail(key, f"must be a date (YYYY-MM-DD without quotes), not the date-time {value}")
        if not isinstance(value, kind):
            raise self.fail(key, f"must be {what or _type_name(kind)}, not {type(value).__name__} {value!r}")
        return value

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.get(key, str, required)
        if value is not None and not value.strip():
            raise self.fail(key, "must not be empty")
        return value

    def word(self, key: str, allowed: Sequence[str], required: bool = False) -> str | None:
        value = self.text(key, required)
        if value is not None and value not in allowed:
            raise self.fail(key, f"{value!r} is not one of {', '.join(allowed)}")
        return value

    def words(self, key: str, allowed: Sequence[str] | None = None) -> tuple[str, ...]:
        value = self.get(key, list, what="a list of strings")
        if value is None:
            return ()
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.fail(f"{key}[{index}]", f"must be a non-empty string, not {item!r}")
            if allowed is not None and item not in allowed:
                raise self.fail(f"{key}[{index}]", f"{item!r} is not one of {', '.join(allowed)}")
        return tuple(value)

    def count(self, key: str, low: int, high: int, required: bool = False) -> int | None:
        value = self.get(key, int, required, what="a whole number")
        if value is not None and not low <= value <= high:
            raise self.fail(key, f"{value} is out of range ({low} to {high})")
        return value

    def date(self, key: str, required: bool = False) -> dt.date | None:
        return self.get(key, dt.date, required, what="a date (YYYY-MM-DD without quotes)")

    def finish(self) -> None:
        unknown = sorted(set(self.table) - self.seen)
        if unknown:
            raise self.fail(unknown[0], "is not a known key here" + _did_you_mean(unknown[0], self.seen))


def _type_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string", int: "a whole number", list: "a list", dict: "a table", dt.date: "a date"}
    if isinstance(kind, tuple):
        return " or ".join(names.get(k, k.__name__) for k in kind)
    return names.get(kind, kind.__name__)


def _did_you_mean(key: str, known: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, sorted(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _read_source(file: str, table: Any) -> Source:
    if not isinstance(table, dict):
        raise RuleSetError(file, "source", "must be a table ([source])")
    reader = _Reader(file, table, "source.")
    source = Source(
        court=reader.text("court", required=True) or "",
        case=reader.text("case", required=True) or "",
        date=reader.date("date", required=True),
        citation=reader.text("citation") or "",
        url=reader.text("url") or "",
    )
    reader.finish()
    if not (source.citation or source.url):
        raise RuleSetError(file, "source", "needs a citation or a url, so that a reader can check the text")
    return source


def _read_anchor(reader: _Reader) -> tuple[dt.date | str, ...]:
    values = reader.get("anchor", list, required=True, what="a list of dates and facts")
    if not values:
        raise reader.fail("anchor", "must name at least one date or fact")
    anchor: list[dt.date | str] = []
    for index, value in enumerate(values):
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date | str):
            raise reader.fail(f"anchor[{index}]", f"must be a date or one of {', '.join(ANCHOR_FACTS)}")
        if isinstance(value, str) and value not in ANCHOR_FACTS:
            raise reader.fail(f"anchor[{index}]", f"{value!r} is not one of {', '.join(ANCHOR_FACTS)}")
        anchor.append(value)
    return tuple(anchor)


def _read_rule(file: str, table: Any, index: int) -> Rule:
    prefix = f"rules[{index}]."
    if not isinstance(table, dict):
        raise RuleSetError(file, f"rules[{index}]", "must be a table ([[rules]])")
    reader = _Reader(file, table, prefix)
    rule_id = reader.text("id", required=True) or ""
    kind = reader.word("kind", RULE_KINDS, required=True)
    title = reader.text("title", required=True) or ""
    values: dict[str, Any] = {"id": rule_id, "kind": kind, "title": title}
    if kind == "class":
        values.update(
            separating_agencies=reader.words("separating_agencies", AGENCIES),
            parent_min_age=reader.count("parent_min_age", 0, 120),
            child_max_age=reader.count("child_max_age", 0, 120),
            separated_on_or_after=reader.date("separated_on_or_after"),
            separated_on_or_before=reader.date("separated_on_or_before"),
            child_in_care_on_or_after=reader.date("child_in_care_on_or_after"),
            child_discharged_before=reader.date("child_discharged_before"),
        )
        exclusions = reader.get("exclusions", list, what="a list of tables ([[rules.exclusions]])") or []
        parsed = []
        for number, item in enumerate(exclusions):
            if not isinstance(item, dict):
                raise reader.fail(f"exclusions[{number}]", "must be a table")
            sub = _Reader(file, item, f"{prefix}exclusions[{number}].")
            parsed.append(
                Exclusion(sub.word("finding", FINDINGS, True) or "", sub.text("reason", True) or "")
            )
            sub.finish()
        values["exclusions"] = tuple(parsed)
        after, before = values["separated_on_or_after"], values["separated_on_or_before"]
        if after and before and after > before:
            raise reader.fail("separated_on_or_before", f"{before} is before separated_on_or_after {after}")
    elif kind == "deadline":
        values.update(
            applies_to=reader.word("applies_to", APPLIES_TO, required=True),
            group=reader.text("group"),
            child_age_under=reader.count("child_age_under", 1, 120),
            child_age_at_least=reader.count("child_age_at_least", 0, 120),
            age_on=reader.date("age_on"),
            event=reader.word("event", EVENTS, required=True),
            contact_kinds=reader.words("contact_kinds"),
            anchor=_read_anchor(reader),
            days=reader.count("days", 0, 3650),
            hours=reader.count("hours", 0, 24 * 3650),
            excused_by_outcomes=reader.words("excused_by_outcomes", OUTCOMES),
        )
        if (values["days"] is None) == (values["hours"] is None):
            raise reader.fail("days", "give exactly one of days or hours")
        if values["hours"] is not None and any(isinstance(a, dt.date) for a in values["anchor"]):
            raise reader.fail(
                "anchor", "a deadline in hours needs instants: use separated_instant, not a date"
            )
        ages = values["child_age_under"] is not None or values["child_age_at_least"] is not None
        if ages and values["age_on"] is None:
            raise reader.fail("age_on", "is required when the rule depends on the child's age")
        if values["event"] == "contact" and not values["contact_kinds"]:
            raise reader.fail("contact_kinds", 'is required for a contact deadline (e.g. ["PHONE"])')
    else:
        values.update(
            applies_to=reader.word("applies_to", APPLIES_TO, required=True),
            forbids=reader.word("forbids", PROHIBITED, required=True),
            unless=reader.word("unless", UNLESS),
        )
    reader.finish()
    return Rule(**values)


def parse_rule_set(text: str, file: str = "<text>") -> RuleSet:
    """One rule set from TOML text; RuleSetError (with the key and what is wrong) when it is unusable."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleSetError(file, "", f"not valid TOML: {exc}") from exc
    reader = _Reader(file, data, "")
    rule_set_id = reader.text("id", required=True) or ""
    if not all(c.isalnum() or c in "-_." for c in rule_set_id):
        raise reader.fail("id", f"{rule_set_id!r} may hold only letters, digits, '-', '_' and '.'")
    version = reader.count("version", 1, 1_000_000, required=True)
    title = reader.text("title", required=True) or ""
    in_force_from = reader.date("in_force_from", required=True)
    reader.seen.add("source")
    if "source" not in data:
        raise reader.fail("source", "is required but missing ([source] with court, case, date, citation/url)")
    source = _read_source(file, data["source"])
    rules_data = reader.get("rules", list, required=True, what="a list of tables ([[rules]])")
    if not rules_data:
        raise reader.fail("rules", "must hold at least one rule")
    rules = [_read_rule(file, item, index) for index, item in enumerate(rules_data)]
    seen: dict[str, int] = {}
    for index, rule in enumerate(rules):
        if rule.id in seen:
            raise RuleSetError(
                file, f"rules[{index}].id", f"{rule.id!r} is already the id of rules[{seen[rule.id]}]"
            )
        seen[rule.id] = index
    reader.finish()
    assert version is not None and in_force_from is not None
    return RuleSet(rule_set_id, version, title, in_force_from, source, tuple(rules), file)


def rule_set_files(folders: Iterable[Path | str]) -> list[Path]:
    """The ``*.toml`` files of the folders (a file given directly counts too), in a stable order."""
    files: list[Path] = []
    for folder in folders:
        path = Path(folder)
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(sorted(path.glob("*.toml")))
        else:
            raise RuleSetError(str(path), "", "no such file or folder")
    return files


def check_rule_sets(paths: Iterable[Path | str]) -> tuple[list[RuleSet], list[RuleSetError]]:
    """Read every file, collecting all errors rather than stopping at the first (for ``rules check``)."""
    rule_sets: list[RuleSet] = []
    errors: list[RuleSetError] = []
    try:
        files = rule_set_files(paths)
    except RuleSetError as exc:
        return [], [exc]
    labels: dict[str, str] = {}
    for path in files:
        try:
            rule_set = parse_rule_set(path.read_text(encoding="utf-8"), str(path))
        except RuleSetError as exc:
            errors.append(exc)
            continue
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(RuleSetError(str(path), "", f"cannot be read: {exc}"))
            continue
        if rule_set.label in labels:
            errors.append(
                RuleSetError(
                    str(path),
                    "version",
                    f"{rule_set.label} is also defined in {labels[rule_set.label]}; give a changed text a new version",
                )
            )
            continue
        labels[rule_set.label] = str(path)
        rule_sets.append(rule_set)
    return rule_sets, errors


def load_rule_book(extra_folders: Iterable[Path | str] = (), include_packaged: bool = True) -> RuleBook:
    """The packaged rule sets plus those of ``extra_folders``; the first error found is raised."""
    folders = [*([PACKAGED_DIR] if include_packaged else []), *[Path(f) for f in extra_folders]]
    rule_sets, errors = check_rule_sets(folders)
    if errors:
        raise errors[0]
    ordered = sorted(rule_sets, key=lambda r: (r.id, r.version))
    return RuleBook(tuple(ordered), tuple(str(f) for f in folders))
