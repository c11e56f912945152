"""Real-world phenomena the linkage gets wrong, each at a configurable rate, with a true truth.

Every check reads the written files (deliveries and truth), never the
generator's internal state: relatives who are not parents, fraudulent units,
lone children whose parent is elsewhere in the feeds, a child naming one of
two parents, broken Border Patrol rows of separated families, free-text
names, ORR estimated birth dates, Mayan spellings, other name pools and
country mixes.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from reunify.synth import SynthConfig, generate_scenario
from reunify.synth.config import COUNTRY_ORDER, KIND_SHARE_FIELDS
from reunify.synth.people import People, Person, Scribe
from reunify.synth.pools import (
    ALT_FEMALE_GIVEN,
    ALT_MALE_GIVEN,
    ALT_MAYAN_SURNAMES,
    ALT_SURNAMES,
    COUNTRIES,
    FEMALE_GIVEN,
    MALE_GIVEN,
    MAYAN_SURNAMES,
    SPANISH_SURNAMES,
    mayan_spellings,
    plain_upper,
)

from .feedcheck import newest_versions, read_scenario

CBP, USMS, ICE, ORR = "cbp_apprehensions", "usms_custody", "ice_detentions", "orr_referrals"


# ---------------------------------------------------------------------- helpers
def _only(kind: str, **overrides: Any) -> SynthConfig:
    """A configuration with a single scenario kind."""
    data: dict[str, Any] = {name: 0.0 for name in KIND_SHARE_FIELDS}
    data[f"share_{kind}"] = 1.0
    data.update(overrides)
    return SynthConfig.from_mapping(data)


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


class Written:
    """A generated scenario as the files say it: newest well-formed rows per person."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.rows = read_scenario(out)
        self.newest = newest_versions(self.rows)
        self.persons = _csv(out / "truth" / "persons.csv")
        self.ties = {
            (t["parent_person_id"], t["child_person_id"]) for t in _csv(out / "truth" / "relationships.csv")
        }
        self.separations = {
            (s["child_person_id"], s["parent_person_id"]) for s in _csv(out / "truth" / "separations.csv")
        }
        self.person_of = {p["record_key"]: p["person_id"] for p in self.persons}
        self.malformed = {p["record_key"] for p in self.persons if p["malformed"] == "Y"}
        self.rows_of: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for p in self.persons:
            if p["malformed"] == "N":
                feed, record_id = p["record_key"].split(":", 1)
                self.rows_of[(p["person_id"], feed)].append(self.newest[feed][record_id])

    def events(self) -> dict[str, list[tuple[str, dict[str, Any]]]]:
        """Well-formed CBP rows by event: (person_id, row)."""
        out: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        for record_id, row in self.newest[CBP].items():
            key = f"{CBP}:{record_id}"
            if key not in self.malformed:
                out[row["event_id"]].append((self.person_of[key], row))
        return out

    def names(self, person: str) -> set[str]:
        """Every name word the person's CBP, ICE and USMS rows carry (uppercase)."""
        words: set[str] = set()
        for row in self.rows_of[(person, CBP)] + self.rows_of[(person, ICE)]:
            words |= set(f"{row['first_name']} {row['last_name']}".split())
        for row in self.rows_of[(person, USMS)]:
            words |= set(row["name"].replace(",", " ").split())
        return words


def _age(row: dict[str, Any]) -> int:
    born = dt.date.fromisoformat(row["dob"])
    seen = dt.date.fromisoformat(row["apprehended_at"][:10])
    return (seen - born).days // 365


def _rule_breakers(out: Path) -> tuple[dict, dict]:
    declared = {
        (b["file"], int(b["line"])): {int(b["rule"])} for b in _csv(out / "truth" / "broken_rows.csv")
    }
    found = {
        (name, row.line): row.rules for name, rows in read_scenario(out).items() for row in rows if row.rules
    }
    return declared, found


# ---------------------------------------------------------------------- relative units
RELATIVE_RATES = {
    "relative_group_rate": 0.5,
    "relative_head_rate": 0.3,
    "relative_remark_rate": 0.5,
    "relative_stated_other_rate": 0.5,
    "relative_stated_real_parent_rate": 0.4,
    "relative_released_together_rate": 0.0,
    "stated_parents_rate": 1.0,
}


@pytest.fixture(scope="module")
def relatives(tmp_path_factory: pytest.TempPathFactory) -> Written:
    """300 relative units, no real parent in the feeds, nothing released together."""
    out = tmp_path_factory.mktemp("relatives")
    config = _only("relative_unit", relative_parent_in_feeds_rate=0.0, broken_rate=0.0, **RELATIVE_RATES)
    generate_scenario(out, 300, 41, config)
    return Written(out)


def _units(written: Written) -> list[tuple[list, list]]:
    """(adult rows, child rows) of each event that has a child."""
    units = []
    for members in written.events().values():
        kids = [(p, r) for p, r in members if r["classification"] == "UAC" or _age(r) < 18]
        adults = [(p, r) for p, r in members if (p, r) not in kids]
        if kids and adults:
            units.append((adults, kids))
    return units


def test_relative_units_have_no_tie_and_no_separation(relatives: Written) -> None:
    assert relatives.ties == set()  # no real parent appears; the relative is not one
    assert relatives.separations == set()
    assert len(_units(relatives)) > 250


def test_relative_units_carry_signals_at_the_configured_rates(relatives: Written) -> None:
    units = _units(relatives)
    roles = Counter(adults[0][1]["relationship"] for adults, _ in units)
    share_other = roles["OTHER"] / len(units)
    share_head = roles["HEAD"] / len(units)
    assert abs(share_other - 0.5 * 0.7 * 0.95) < 0.09, roles  # group x OTHER x filled in
    assert abs(share_head - 0.5 * 0.3 * 0.95) < 0.07, roles
    remarked = [u for u in units if any(r["remarks"] for _, r in u[0] + u[1])]
    assert abs(len(remarked) / len(units) - 0.5) < 0.1
    remarks = [r["remarks"] for adults, kids in remarked for _, r in adults + kids if r["remarks"]]
    assert len(set(remarks)) > 30  # no single fixed string carries the signal
    assert any(text.startswith(("VIAJA", "NO ES SU", "ABUELA", "TIA", "TIO", "DICE")) for text in remarks)
    assert all(text == plain_upper(text) for text in remarks)
    # the child names the adult as OTHER, its real parents, or nobody
    said_other = said_parent = silent = 0
    other_named: Counter = Counter()
    kids_seen = 0
    for adults, kids in units:
        words = relatives.names(adults[0][0])
        for child, _ in kids:
            for referral in relatives.rows_of[(child, ORR)]:
                kids_seen += 1
                stated = referral.get("stated_parents") or []
                other = [s for s in stated if s.get("relationship") == "OTHER"]
                said_other += bool(other)
                said_parent += any(s.get("relationship") in ("MOTHER", "FATHER", "PARENT") for s in stated)
                for item in other:  # OTHER is the adult travelling with the child
                    if item.get("name"):
                        other_named[plain_upper(item["name"]).split()[0] in words] += 1
    assert abs(said_other / kids_seen - 0.5) < 0.1
    assert other_named[True] > 0.9 * sum(other_named.values())  # by the adult's name (typos aside)
    assert abs(said_parent / kids_seen - 0.4) < 0.1
    # and some units say nothing at all
    for adults, kids in units:
        rows = [r for _, r in adults + kids]
        stated = [
            s
            for child, _ in kids
            for ref in relatives.rows_of[(child, ORR)]
            for s in ref.get("stated_parents") or []
        ]
        if (
            adults[0][1]["relationship"] != "OTHER"
            and not any(r["remarks"] for r in rows)
            and not any(s.get("relationship") == "OTHER" for s in stated)
        ):
            silent += 1
    assert silent > 0.05 * len(units)


def test_relatives_have_kinship_true_ages_and_surnames(tmp_path: Path) -> None:
    config = _only("relative_unit", noise=0.0, broken_rate=0.0, relative_parent_in_feeds_rate=0.0)
    generate_scenario(tmp_path, 250, 43, config)
    written = Written(tmp_path)
    sharing = 0
    units = _units(written)
    for adults, kids in units:
        adult = adults[0][1]
        oldest = max(_age(r) for _, r in kids)
        assert _age(adult) >= 18
        assert _age(adult) >= oldest + 3  # adult siblings 4+ years older, the rest 10+ (a day's slack)
        child_surnames = set(kids[0][1]["last_name"].split())
        sharing += bool(child_surnames & set(adult["last_name"].split()))
    # paternal and maternal aunts and uncles, siblings, grandfathers share one; grandmothers and
    # some cousins share none
    assert 0.55 < sharing / len(units) < 0.95


def test_relative_units_with_a_parent_elsewhere(tmp_path: Path) -> None:
    config = _only("relative_unit", relative_parent_in_feeds_rate=1.0, broken_rate=0.0)
    generate_scenario(tmp_path, 200, 44, config)
    written = Written(tmp_path)
    assert written.ties and not written.separations
    for parent, child in written.ties:  # the parent crossed apart (or was already here)
        parent_events = {r["event_id"] for r in written.rows_of[(parent, CBP)]}
        assert not parent_events & {r["event_id"] for r in written.rows_of[(child, CBP)]}


@pytest.fixture(scope="module")
def with_parent(tmp_path_factory: pytest.TempPathFactory) -> Written:
    """Ordinary families, each with an extra adult relative."""
    out = tmp_path_factory.mktemp("with_parent")
    shares = {"share_separated": 0.5, "share_released_together": 0.5}
    config = SynthConfig.from_mapping(
        {
            **{name: 0.0 for name in KIND_SHARE_FIELDS},
            **shares,
            "relative_with_parent_rate": 1.0,
            "broken_rate": 0.0,
            "noise": 0.0,
        }
    )
    generate_scenario(out, 250, 45, config)
    return Written(out)


def test_extra_relatives_get_no_tie_to_the_children_and_no_separation(with_parent: Written) -> None:
    ties, separations = with_parent.ties, with_parent.separations
    assert {(p, c) for c, p in separations} <= ties
    extra = 0
    families = 0
    adult_ties = 0
    for members in with_parent.events().values():
        kids = {p for p, r in members if _age(r) < 18}
        adults = {p: r for p, r in members if _age(r) >= 18}
        if not kids:
            continue
        families += 1
        parents = {a for a in adults if any((a, k) in ties for k in kids)}
        others = set(adults) - parents
        extra += bool(others)
        for other in others:
            assert adults[other]["relationship"] in ("SPOUSE", "OTHER", "")
            assert not any((k, other) in separations for k in kids)
            # a grandmother is a parent's parent, an adult sibling a parent's child
            adult_ties += any((other, p) in ties or (p, other) in ties for p in parents)
    assert families > 200
    assert extra / families > 0.85
    assert adult_ties > 0.3 * extra


# ---------------------------------------------------------------------- fraudulent units
def test_fraudulent_units_mostly_look_genuine(tmp_path: Path) -> None:
    config = _only("false_parent", stated_parents_rate=1.0, broken_rate=0.0)
    assert SynthConfig().false_parent_dna_rate == 0.3
    generate_scenario(tmp_path, 300, 46, config)
    written = Written(tmp_path)
    assert not written.ties and not written.separations
    units = _units(written)
    plain = 0
    flagged = 0
    for adults, kids in units:
        adult = adults[0][1]
        rows = [r for _, r in adults + kids]
        contrary = any(
            r.get("separation_reason") == "FRAUD_SUSPECTED" or "PARENT" in r["remarks"] for r in rows
        )
        contrary = contrary or any("NO ES SU" in r["remarks"] or "FRAUD" in r["remarks"] for r in rows)
        flagged += contrary
        stated = [
            s
            for child, _ in kids
            for ref in written.rows_of[(child, ORR)]
            for s in ref["stated_parents"] or []
        ]
        genuine_said = all(s.get("relationship") in ("MOTHER", "FATHER", "PARENT") for s in stated)
        plain += adult["relationship"] in ("HEAD", "") and not contrary and genuine_said
    assert plain / len(units) > 0.55
    assert 0.1 < flagged / len(units) < 0.5
    results = Counter(r["result"] for r in written.newest["dna_results"].values())
    assert set(results) <= {"EXCLUSION"} and results["EXCLUSION"] > 0


# ---------------------------------------------------------------------- lone children
def test_lone_children_with_a_parent_in_the_feeds(tmp_path: Path) -> None:
    config = _only(
        "uac_alone", lone_child_parent_in_feeds=1.0, stated_parents_rate=1.0, noise=0.0, broken_rate=0.0
    )
    generate_scenario(tmp_path, 250, 47, config)
    written = Written(tmp_path)
    assert not written.separations
    assert len(written.ties) > 250
    named = partial = no_cbp = said_children = 0
    for parent, child in written.ties:
        parent_events = {r["event_id"] for r in written.rows_of[(parent, CBP)]}
        child_events = {r["event_id"] for r in written.rows_of[(child, CBP)]}
        assert not parent_events & child_events  # never apprehended together
        no_cbp += not parent_events
        words = written.names(parent)
        for referral in written.rows_of[(child, ORR)]:
            for item in referral["stated_parents"] or []:
                name = item.get("name")
                if not name:
                    continue
                said = set(plain_upper(name).split())
                if said <= words:
                    named += 1
                    partial += len(said) < len(words)
                    assert item.get("relationship") in ("MOTHER", "FATHER", "PARENT", None)
        given = written.rows_of[(child, ORR)][0]["first_name"].split()[0].upper()
        for stay in written.rows_of[(parent, ICE)]:
            said_children += given in plain_upper(stay["stated_children"])
    assert named > 0.8 * len(written.ties)
    assert partial > 0.3 * named
    assert no_cbp > 0.2 * len(written.ties)  # already in the country
    assert said_children > 0


def test_lone_child_parent_rate_is_respected(tmp_path: Path) -> None:
    config = _only("uac_alone", lone_child_parent_in_feeds=0.3, broken_rate=0.0)
    summary = generate_scenario(tmp_path, 400, 48, config)
    with_parent = len({child for _, child in Written(tmp_path).ties})
    children = len(Written(tmp_path).newest[ORR])
    assert summary.separations == 0
    assert 0.2 < with_parent / children < 0.4


# ---------------------------------------------------------------------- one parent named
def test_a_child_names_one_of_two_parents(tmp_path: Path) -> None:
    config = _only(
        "separated", two_parent_separated_rate=1.0, one_parent_named_rate=0.5, stated_parents_rate=1.0,
        broken_rate=0.0,
    )  # fmt: skip
    generate_scenario(tmp_path, 200, 49, config)
    written = Written(tmp_path)
    counts = Counter(len(r["stated_parents"] or []) for r in written.newest[ORR].values())
    assert set(counts) <= {1, 2}
    share = counts[1] / (counts[1] + counts[2])
    assert abs(share - 0.5) < 0.1
    assert written.separations  # the truth is unchanged: both parents stay separated from the child
    per_child = Counter(child for child, _ in written.separations)
    assert max(per_child.values()) == 2


# ---------------------------------------------------------------------- broken protected CBP rows
def test_broken_cbp_rows_keep_a_separation_only_when_another_row_names_the_event(tmp_path: Path) -> None:
    config = _only("separated", broken_protected_cbp_rate=0.3, broken_rate=0.0)
    generate_scenario(tmp_path, 300, 50, config)
    written = Written(tmp_path)
    events: dict[str, set[str]] = defaultdict(set)  # evidenced by a well-formed row, per person
    for (person, feed), rows in written.rows_of.items():
        column = {CBP: "event_id", USMS: "arrest_event_id", ORR: "apprehension_event_id"}.get(feed)
        for row in rows if column else ():
            if row.get(column):
                events[person].add(row[column])
    expected = {
        (child, parent)
        for parent, child in written.ties
        if written.rows_of[(child, ORR)] and events[child] & events[parent]
    }
    assert written.separations == expected
    broken_cbp = {written.person_of[k] for k in written.malformed if k.startswith(CBP)}
    kept = {pair for pair in expected if set(pair) & broken_cbp}
    dropped = {(c, p) for p, c in written.ties if (c, p) not in expected and {c, p} & broken_cbp}
    assert kept and dropped  # both cases occur
    assert len({k for k in written.malformed if k.startswith(CBP)}) > 50


def test_no_protected_cbp_row_breaks_by_default(tmp_path: Path) -> None:
    assert SynthConfig().broken_protected_cbp_rate == 0.0
    generate_scenario(tmp_path, 150, 51, _only("separated", broken_rate=0.0))
    assert not [p for p in _csv(tmp_path / "truth" / "persons.csv") if p["malformed"] == "Y"]


# ---------------------------------------------------------------------- every phenomenon, well-formed
def test_every_phenomenon_breaks_only_the_declared_rows(tmp_path: Path) -> None:
    config = SynthConfig.from_mapping(
        {
            "share_relative_unit": 0.3, "relative_with_parent_rate": 0.3, "lone_child_parent_in_feeds": 0.5,
            "one_parent_named_rate": 0.5, "broken_protected_cbp_rate": 0.05, "broken_rate": 0.02,
            "free_text_typo": 0.3, "name_pool": "alt", "noise": 2.0,
        }
    )  # fmt: skip
    generate_scenario(tmp_path, 300, 52, config)
    declared, found = _rule_breakers(tmp_path)
    assert found == declared
    written = Written(tmp_path)
    assert written.separations <= {(c, p) for p, c in written.ties}


# ---------------------------------------------------------------------- persons phenomena
def _person(
    surnames: tuple[str, ...] = ("López", "García"), given: tuple[str, ...] = ("José", "Luis")
) -> Person:
    return Person(
        "P1", "M", given, surnames, dt.date(2008, 5, 17), "GT", ("Spanish",), "201400001", None, None, False
    )


def _scribe(**overrides: Any) -> Scribe:
    config = SynthConfig.from_mapping({"noise": 0.0}).effective()
    for name, value in overrides.items():
        setattr(config, name, value)
    rng = random.Random(3)
    return Scribe(rng, config, People(rng, config))


def test_free_text_names_carry_one_surname_and_typos() -> None:
    scribe = _scribe(free_text_one_surname=1.0)
    names = [scribe.free_name(_person(), subject=True) for _ in range(200)]
    assert all(sum(s in n for s in ("López", "García")) == 1 for n in names)
    assert all(scribe.free_name(_person()).count(" ") >= 2 for _ in range(50))  # not a subject: kept
    typos = _scribe(free_text_typo=1.0)
    real = {"José", "Luis", "López", "García"}
    typed = [typos.free_name(_person(), subject=True) for _ in range(100)]
    assert sum(1 for name in typed if not set(name.split()) <= real) > 90


def test_free_text_birth_dates_blank_at_their_rate(tmp_path: Path) -> None:
    config = _only(
        "separated", free_text_dob_blank=0.5, court_finding_rate=0.5, ngo_locate_rate=1.0, broken_rate=0.0
    )
    generate_scenario(tmp_path, 250, 53, config)
    written = Written(tmp_path)
    dobs = [r["parent_dob"] for r in written.newest["ngo_locates"].values()]
    dobs += [r["subject_dob"] for r in written.newest["court_findings"].values()]
    assert len(dobs) > 80
    assert abs(sum(1 for d in dobs if not d) / len(dobs) - 0.5) < 0.12


def test_given_and_family_names_swap_in_orr() -> None:
    assert SynthConfig().swap_given_family_orr == 0.02
    first, last = _scribe(swap_given_family_orr=1.0).orr_name(_person())
    assert (first, last) == ("López García", "José Luis")
    assert _scribe().orr_name(_person()) == ("José Luis", "López García")


def test_estimated_orr_birth_dates_are_january_first_of_a_year_that_can_be_off() -> None:
    scribe = _scribe(dob_estimated=1.0)
    years = Counter()
    for _ in range(300):
        written, estimated = scribe.dob(_person(), dt.date(2018, 6, 1), child=True)
        assert estimated and (written.month, written.day) == (1, 1)
        years[written.year - 2008] += 1
    assert set(years) == {-1, 0, 1}


def test_mayan_surnames_are_written_several_ways() -> None:
    assert {"XOC", "CHOOC"} <= set(mayan_spellings("CHOC"))
    assert "TZUUL" in mayan_spellings("TZUL")
    assert "COJ" in mayan_spellings("KOJ") and "KOJ" in mayan_spellings("COJ")
    scribe = _scribe(mayan_variant=1.0)
    assert len({scribe.mayan_variant("CHOC") for _ in range(100)}) >= 4


def test_one_mayan_person_takes_several_spellings_across_feeds(tmp_path: Path) -> None:
    config = _only(
        "separated", country_weights=[1, 0, 0, 0, 0, 0], mayan_share_guatemala=1.0, mayan_variant=0.5,
        broken_rate=0.0,
    )  # fmt: skip
    generate_scenario(tmp_path, 150, 54, config)
    written = Written(tmp_path)
    spellings: dict[str, set[str]] = defaultdict(set)
    for (person, feed), rows in written.rows_of.items():
        for row in rows:
            if feed in (CBP, ICE):
                spellings[person].add(row["last_name"].split()[0] if row["last_name"] else "")
            elif feed == ORR:
                spellings[person].add(plain_upper(row["last_name"]).split()[0] if row["last_name"] else "")
    assert sum(1 for s in spellings.values() if len(s) >= 3) > 10


# ---------------------------------------------------------------------- populations
def _words(pool: Any) -> set[str]:
    return {w for name in pool.items for w in plain_upper(name).split()}


def test_the_alt_name_pool_is_disjoint_from_the_default() -> None:
    default_given, alt_given = (
        _words(MALE_GIVEN) | _words(FEMALE_GIVEN),
        _words(ALT_MALE_GIVEN) | _words(ALT_FEMALE_GIVEN),
    )
    default_surnames = _words(SPANISH_SURNAMES) | _words(MAYAN_SURNAMES)
    alt_surnames = _words(ALT_SURNAMES) | _words(ALT_MAYAN_SURNAMES)
    particles = {"DE", "LA", "DEL", "LOS", "O"}
    assert not (default_given & alt_given)
    assert not ((default_surnames & alt_surnames) - particles)
    assert len(alt_given) > 150 and len(alt_surnames) > 150


def test_alt_pool_and_country_weights(tmp_path: Path) -> None:
    config = SynthConfig.from_mapping(
        {"name_pool": "alt", "country_weights": [0, 1, 0, 0, 0, 0], "noise": 0.0, "broken_rate": 0.0}
    )
    assert config.to_dict()["name_pool"] == "alt"
    generate_scenario(tmp_path, 150, 55, config)
    written = Written(tmp_path)
    alt_given = _words(ALT_MALE_GIVEN) | _words(ALT_FEMALE_GIVEN)
    alt_surnames = _words(ALT_SURNAMES) | _words(ALT_MAYAN_SURNAMES)
    rows = list(written.newest[CBP].values())
    assert {r["citizenship"] for r in rows} == {"HONDURAS"}
    for row in rows:
        assert set(row["first_name"].split()) <= alt_given, row["first_name"]
        assert set(row["last_name"].split()) <= alt_surnames | {"DE", "LA", "DEL", "O"}, row["last_name"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name_pool": "mine"}, "name_pool must be one of"),
        ({"name_pool": 1}, "must be a string"),
        ({"country_weights": [1, 2]}, "country_weights needs 6"),
        ({"share_relative_unit": 2}, "between 0 and 1"),
    ],
)
def test_new_fields_are_checked(data: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SynthConfig.from_mapping(data)


def test_new_fields_are_settable_by_name() -> None:
    names = {
        "share_relative_unit": 0.04, "relative_with_parent_rate": 0.03, "false_parent_dna_rate": 0.3,
        "lone_child_parent_in_feeds": 0.15, "one_parent_named_rate": 0.3, "broken_protected_cbp_rate": 0.0,
        "free_text_one_surname": 0.3, "free_text_dob_blank": 0.4, "free_text_typo": 0.08,
        "swap_given_family_orr": 0.02,
    }  # fmt: skip
    defaults = SynthConfig()
    for name, value in names.items():
        assert getattr(defaults, name) == value, name
        assert getattr(SynthConfig.from_mapping({name: 0.5}), name) == 0.5
    assert defaults.name_pool == "default"
    assert tuple(COUNTRIES) == COUNTRY_ORDER  # country_weights follows pools.COUNTRIES
    assert defaults.country_weights == (42.0, 33.0, 12.0, 8.0, 3.0, 2.0)
