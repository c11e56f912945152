"""Family ties on hand-built records: each test is one situation a caseworker would recognise.

The records are written the way the feed readers normalise them (FIELDS.md),
and persons are given directly (``person_of``), so each test exercises the
tie model alone.  A handful of pairs is far too few to learn weights from, so
these runs lean on the model's weak direction-only prior; what they check is
the logic around it: candidates, DNA, decisions, constraints, labels,
evidence and flags.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from reunify.linkage.person_records import LinkRecord
from reunify.linkage.ties import (
    CANDIDATE,
    CONFIRMED,
    PROBABLE,
    REJECTED,
    Tie,
    TieDecisions,
    TieResult,
    TieSettings,
    link_ties,
)
from reunify.linkage.ties_features import match_name
from reunify.linkage.ties_people import NameForm, NameSets
from reunify.names import parse_free_name, parse_name

# --------------------------------------------------------------------------- record builders


def _name(first: str, last: str) -> dict[str, Any]:
    parsed = parse_name(first, last)
    return {
        "raw": parsed.raw,
        "given": list(parsed.given),
        "surnames": list(parsed.surnames),
        "tokens": list(parsed.tokens),
        "order_certain": parsed.order_certain,
    }


def _free(text: str) -> dict[str, Any]:
    parsed = parse_free_name(text)
    return {
        "raw": parsed.raw,
        "given": list(parsed.given),
        "surnames": list(parsed.surnames),
        "tokens": list(parsed.tokens),
        "order_certain": parsed.order_certain,
    }


def cbp(
    record_id: str,
    first: str,
    last: str,
    dob: str,
    sex: str,
    event: str,
    *,
    group: str | None = None,
    relationship: str | None = None,
    child: bool = False,
    remarks: str | None = None,
    transferred_to: str | None = None,
    separation_reason: str | None = None,
) -> LinkRecord:
    fields = {
        "record_id": record_id,
        "remarks": remarks,
        "transferred_to": transferred_to,
        "transferred_at": "2018-05-04T10:00:00-06:00" if transferred_to else None,
        "separation_reason": separation_reason,
        "event_id": event,
        "name": _name(first, last),
        "dob": dob,
        "dob_estimated": False,
        "sex": sex,
        "country": "GT",
        "citizenship": "GT",
        "apprehended_at": "2018-05-03T04:12:00-06:00",
        "family_group_id": group,
        "relationship": relationship,
        "classification": "FMUA" if group else ("UAC" if child else "SA"),
        "role_hint": "child" if child else "adult",
    }
    return LinkRecord(f"cbp_apprehensions:{record_id}", "cbp_apprehensions", fields)


def orr(
    record_id: str,
    uac_id: str,
    first: str,
    last: str,
    dob: str,
    sex: str,
    *,
    stated_parents: list[tuple[str, str]] | None = None,
    event: str | None = None,
) -> LinkRecord:
    fields = {
        "record_id": record_id,
        "uac_id": uac_id,
        "name": _name(first, last),
        "dob": dob,
        "dob_estimated": False,
        "sex": sex,
        "country": "GT",
        "languages": ["SPANISH"],
        "referred_at": "2018-05-06T10:00:00+00:00",
        "event_id": event,
        "apprehension_event_id": event,
        "stated_parents": [
            {"name": _free(text), "relationship": role, "location": "detained", "phone": None}
            for text, role in (stated_parents or [])
        ]
        or None,
        "role_hint": "child",
    }
    return LinkRecord(f"orr_referrals:{record_id}", "orr_referrals", fields)


def ice(
    record_id: str,
    first: str,
    last: str,
    dob: str,
    sex: str,
    *,
    stated_children: list[tuple[str, int | None]] | None = None,
) -> LinkRecord:
    fields = {
        "record_id": record_id,
        "name": _name(first, last),
        "dob": dob,
        "dob_estimated": False,
        "sex": sex,
        "country": "GT",
        "country_of_birth": "GT",
        "book_in_at": "2018-05-10T12:00:00+00:00",
        "facility_code": "PIC",
        "stated_children": [
            {"name": _free(text), "age": age, "raw": f"{text}|{age if age is not None else ''}"}
            for text, age in (stated_children or [])
        ]
        or None,
        "event_id": None,
        "role_hint": "adult",
    }
    return LinkRecord(f"ice_detentions:{record_id}", "ice_detentions", fields)


def usms(record_id: str, name: str, dob: str, sex: str, *, event: str | None = None) -> LinkRecord:
    last, _, first = name.partition(", ")
    fields = {
        "record_id": record_id,
        "name": _name(first, last) | {"raw": name},
        "dob": dob,
        "dob_estimated": False,
        "sex": sex,
        "arrest_event_id": event,
        "event_id": event,
        "booked_at": "2018-05-04T10:15:00-06:00",
        "role_hint": "adult",
    }
    return LinkRecord(f"usms_custody:{record_id}", "usms_custody", fields)


def dna(record_id: str, child_uac_id: str, adult_name: str, result: str) -> LinkRecord:
    fields = {
        "record_id": record_id,
        "child_uac_id": child_uac_id,
        "adult_name": _free(adult_name),
        "name": _free(adult_name),
        "collected_at": "2018-07-10",
        "reported_at": "2018-07-14",
        "result": result,
        "role_hint": "adult",
    }
    return LinkRecord(f"dna_results:{record_id}", "dna_results", fields)


def run(
    records: list[LinkRecord],
    persons: dict[str, str],
    decisions: TieDecisions | None = None,
    settings: TieSettings | None = None,
) -> TieResult:
    person_of = {record.record_key: persons[record.record_key.split(":", 1)[1]] for record in records}
    return link_ties(records, person_of, decisions=decisions, settings=settings)


def tie(result: TieResult, parent: str, child: str) -> Tie | None:
    return next((t for t in result.ties if t.parent == parent and t.child == child), None)


# --------------------------------------------------------------------------- a family unit


def family_unit() -> tuple[list[LinkRecord], dict[str, str]]:
    """A mother and her daughter apprehended together as one family unit."""
    records = [
        cbp(
            "E3-1-01",
            "MARIA ELENA",
            "LOPEZ GARCIA",
            "1985-03-02",
            "F",
            "EPT-18-000001",
            group="FG-1",
            relationship="HEAD",
        ),
        cbp(
            "E3-1-02",
            "ANA",
            "PEREZ LOPEZ",
            "2011-06-15",
            "F",
            "EPT-18-000001",
            group="FG-1",
            relationship="CHILD",
            child=True,
        ),
    ]
    return records, {"E3-1-01": "mother", "E3-1-02": "daughter"}


def test_mother_and_child_in_one_family_unit_are_a_probable_mother_tie() -> None:
    records, persons = family_unit()
    result = run(records, persons)

    found = tie(result, "mother", "daughter")
    assert found is not None
    assert found.status == PROBABLE
    assert found.relationship == "MOTHER"
    assert found.probability >= 0.9
    kinds = {e.kind for e in found.evidence}
    assert {"prior", "together", "surnames", "age_gap", "origin"} <= kinds
    together = next(e for e in found.evidence if e.kind == "together")
    assert "FG-1" in together.text and together.weight > 0
    assert set(together.record_keys) == {"cbp_apprehensions:E3-1-01", "cbp_apprehensions:E3-1-02"}
    # the lines of a tie add up to its match weight (within rounding)
    match_weight = math.log2(found.model_probability / (1 - found.model_probability))
    assert sum(e.weight for e in found.evidence) == pytest.approx(match_weight, abs=0.05)
    assert tie(result, "daughter", "mother") is None
    assert result.counts["ties_probable"] == 1


def test_dna_inclusion_confirms_a_tie_with_no_other_evidence() -> None:
    records = [
        orr("ORR-R-1", "UAC-18-000001", "Kevin", "Xol", "2012-01-20", "M"),
        dna("DNA-000001", "UAC-18-000001", "Rosa Maria Choc", "INCLUSION"),
    ]
    result = run(records, {"ORR-R-1": "kevin", "DNA-000001": "rosa"})

    found = tie(result, "rosa", "kevin")
    assert found is not None
    assert found.status == CONFIRMED
    assert found.probability == 1.0
    assert found.found_by == ("dna",)
    evidence = next(e for e in found.evidence if e.kind == "dna")
    assert "INCLUSION" in evidence.text
    assert "dna_results:DNA-000001" in evidence.record_keys
    assert found.relationship == "PARENT"  # the DNA kit does not say the adult's sex


def test_dna_exclusion_rejects_the_tie_and_flags_the_adult_who_presented_as_parent() -> None:
    records, persons = family_unit()
    records.append(
        orr("ORR-R-2", "UAC-18-000002", "Ana", "Pérez López", "2011-06-15", "F", event="EPT-18-000001")
    )
    records.append(dna("DNA-000002", "UAC-18-000002", "Maria Elena Lopez", "EXCLUSION"))
    persons |= {"ORR-R-2": "daughter", "DNA-000002": "mother"}
    result = run(records, persons)

    found = tie(result, "mother", "daughter")
    assert found is not None
    assert found.status == REJECTED
    assert found.probability == 0.0
    flags = [f for f in result.flags if f.kind == "DNA_EXCLUSION"]
    assert len(flags) == 1
    assert flags[0].person == "mother" and flags[0].other == "daughter"
    assert "presented as parent, DNA EXCLUSION" in flags[0].text
    assert "FG-1" in flags[0].text
    assert "dna_results:DNA-000002" in flags[0].record_keys


def test_a_rejected_decision_never_returns() -> None:
    records, persons = family_unit()
    decisions = TieDecisions(rejected=(("mother", "daughter"),))
    for _ in range(2):  # a rebuild applies the decision again
        result = run(records, persons, decisions)
        found = tie(result, "mother", "daughter")
        assert found is not None
        assert found.status == REJECTED
        assert found.probability == 0.0
        assert any(e.kind == "decision" for e in found.evidence)
        assert not [t for t in result.ties if t.status in (CONFIRMED, PROBABLE, CANDIDATE)]


def test_a_confirmed_decision_is_confirmed_even_without_evidence() -> None:
    records, persons = family_unit()
    records.append(cbp("E3-9-01", "PEDRO", "TUM", "1970-01-05", "M", "EPT-18-000999"))
    persons["E3-9-01"] = "stranger"
    result = run(records, persons, TieDecisions(confirmed=(("stranger", "daughter"),)))

    found = tie(result, "stranger", "daughter")
    assert found is not None and found.status == CONFIRMED
    assert found.relationship == "FATHER"
    assert "decision" in found.found_by


def test_a_decision_both_ways_is_refused() -> None:
    with pytest.raises(ValueError, match="both confirmed and rejected"):
        TieDecisions(confirmed=(("a", "b"),), rejected=(("a", "b"),))


def test_two_candidate_mothers_only_one_is_asserted() -> None:
    event = "RGV-18-000007"
    records = [
        cbp("E3-7-01", "JUANA", "TZUL CAAL", "1984-02-11", "F", event, group="FG-7", relationship="HEAD"),
        cbp("E3-7-02", "MARTA", "TZUL CAAL", "1986-09-30", "F", event, group="FG-7", relationship="SPOUSE"),
        cbp(
            "E3-7-03",
            "LUCIA",
            "POP TZUL",
            "2010-04-04",
            "F",
            event,
            group="FG-7",
            relationship="CHILD",
            child=True,
        ),
    ]
    result = run(records, {"E3-7-01": "juana", "E3-7-02": "marta", "E3-7-03": "lucia"})

    ties = [t for t in result.ties if t.child == "lucia"]
    asserted = [t for t in ties if t.status in (CONFIRMED, PROBABLE)]
    assert len(asserted) == 1
    assert asserted[0].relationship == "MOTHER"
    others = [t for t in ties if t not in asserted]
    assert all(t.status == CANDIDATE for t in others)
    assert any(e.kind == "constraint" for t in others for e in t.evidence)


def test_a_parent_younger_than_the_child_is_never_a_tie() -> None:
    event = "TCA-18-000003"
    records = [
        cbp("E3-3-01", "JOSE", "CHOC", "2009-08-01", "M", event, group="FG-3", relationship="HEAD"),
        cbp(
            "E3-3-02",
            "MIGUEL",
            "CHOC",
            "2006-02-01",
            "M",
            event,
            group="FG-3",
            relationship="CHILD",
            child=True,
        ),
    ]
    result = run(records, {"E3-3-01": "younger", "E3-3-02": "older"})

    assert result.ties == []
    assert tie(result, "younger", "older") is None


def test_a_separated_father_and_child_link_through_what_each_said() -> None:
    """Father prosecuted (USMS, then ICE), child in ORR: different records, different events, names only."""
    records = [
        usms("USMS-2018-1", "RAMIREZ CRUZ, JOSE LUIS", "1982-11-30", "M", event="YUM-18-000100"),
        ice(
            "EARM-1", "JOSE LUIS", "RAMIREZ CRUZ", "1982-11-30", "M", stated_children=[("WILMER RAMIREZ", 9)]
        ),
        orr(
            "ORR-R-5",
            "UAC-18-000005",
            "Wílmer",
            "Ramírez Ajú",
            "2009-01-14",
            "M",
            stated_parents=[("José Luis Ramírez", "FATHER"), ("Marta Ajú", "MOTHER")],
            event="YUM-18-000200",
        ),
        # another man and another boy with unrelated names, so the look-ups have something to pass over
        ice("EARM-2", "PEDRO", "GOMEZ SOTO", "1979-05-05", "M", stated_children=[("LUIS GOMEZ", 7)]),
        orr("ORR-R-6", "UAC-18-000006", "Luis", "Gómez Xol", "2011-03-03", "M"),
    ]
    persons = {
        "USMS-2018-1": "jose",
        "EARM-1": "jose",
        "ORR-R-5": "wilmer",
        "EARM-2": "pedro",
        "ORR-R-6": "luis",
    }
    result = run(records, persons)

    found = tie(result, "jose", "wilmer")
    assert found is not None
    assert found.status in (PROBABLE, CONFIRMED)
    assert found.relationship == "FATHER"
    assert {"stated_child", "stated_parent"} <= set(found.found_by)
    by_kind = {e.kind: e for e in found.evidence}
    assert by_kind["named_by_parent"].weight > 0 and "age 9" in by_kind["named_by_parent"].text
    assert by_kind["named_by_child"].weight > 0 and "FATHER" in by_kind["named_by_child"].text
    assert by_kind["together"].weight < 0  # different events: against, and outweighed
    other = tie(result, "jose", "luis")
    assert other is None or other.status not in (PROBABLE, CONFIRMED)


def _match(stated: str, first: str, last: str) -> str | None:
    form = NameForm.from_field(_free(stated), "orr_referrals:k")
    assert form is not None
    return match_name(form, NameSets.of([_form(first, last)]))


def test_stated_names_match_through_spelling_order_and_typing_errors() -> None:
    assert _match("Marta Ajú", "JOSE", "RAMIREZ") is None
    assert _match("José Luis Ramírez", "JOSE LUIS", "RAMIREZ CRUZ") == "full"
    assert _match("José Ramírez Cruz", "JOSE LUIS", "RAMIREZ") == "most"  # CRUZ never recorded
    assert _match("Lopez Maria", "MARIA", "LOPEZ") == "full"  # surname first
    assert _match("Greson", "GERSON", "PEREZ") == "given only"  # two letters exchanged
    assert _match("Juan Carlos", "JUAN CARLOS", "TUM") == "given only"
    assert _match("Pedro Tum", "JUAN", "TUM") == "surname"


def _form(first: str, last: str) -> NameForm:
    form = NameForm.from_field(_name(first, last), "k")
    assert form is not None
    return form


def test_thresholds_are_checked() -> None:
    with pytest.raises(ValueError):
        TieSettings(review_threshold=0.95, probable_threshold=0.9)


def test_decisions_naming_unknown_persons_are_counted_not_applied() -> None:
    records, persons = family_unit()
    result = run(records, persons, TieDecisions(rejected=(("ghost", "daughter"),)))
    assert result.counts["decisions_unknown_persons"] == 1
    assert tie(result, "mother", "daughter").status == PROBABLE


# --------------------------------------------------------------------------- who is not the parent
#
# Relatives travel with children, adults present children as their own, and a
# child's parent often crossed on its own.  Each situation below is built by
# hand in a small population around an ordinary family (which gives the model
# its bearings) and checked twice: the tie, and the separation it leads to.


def _town() -> tuple[list[LinkRecord], dict[str, str]]:
    """Three ordinary families apprehended as units, each a mother or father with a child, all separated."""
    records: list[LinkRecord] = []
    persons: dict[str, str] = {}
    for n, (first, last, sex, child_first, child_last) in enumerate(
        (
            ("MARIA ELENA", "LOPEZ GARCIA", "F", "ANA", "PEREZ LOPEZ"),
            ("JOSE LUIS", "CHOC TZUL", "M", "KEVIN", "CHOC XOL"),
            ("ROSA", "MENDEZ ORTIZ", "F", "BRAYAN", "RAMOS MENDEZ"),
        ),
        start=1,
    ):
        event, group = f"EPT-18-00010{n}", f"FG-10{n}"
        records += [
            cbp(f"E3-10{n}-01", first, last, "1984-03-02", sex, event, group=group,
                relationship="HEAD", transferred_to="USMS"),
            cbp(f"E3-10{n}-02", child_first, child_last, "2010-06-15", "M" if n > 1 else "F", event,
                group=group, relationship="CHILD", child=True, transferred_to="ORR"),
        ]  # fmt: skip
        persons |= {f"E3-10{n}-01": f"parent-{n}", f"E3-10{n}-02": f"child-{n}"}
    return records, persons


def _separations(records: list[LinkRecord], persons: dict[str, str], result: TieResult) -> set[tuple[str, str]]:
    from reunify.custody.separations import detect_separations

    by_person: dict[str, list[LinkRecord]] = {}
    for record in records:
        by_person.setdefault(persons[record.record_key.split(":", 1)[1]], []).append(record)
    found = detect_separations(by_person, [(t.parent, t.child, t.status) for t in result.ties])
    return {(s.child_person, s.parent_person) for s in found}


def _not_asserted_and_flagged(result: TieResult, adult: str, child: str, quoted: str) -> Tie | None:
    found = tie(result, adult, child)
    assert found is None or found.status in (CANDIDATE, REJECTED), found
    if found is not None and found.status == CANDIDATE:
        flags = [f for f in result.flags if f.kind == "POSSIBLE_RELATIVE" and f.person == adult]
        assert flags and flags[0].other == child
        assert flags[0].text.startswith("possible relative, not parent: ")
        assert quoted in flags[0].text
        against = [e for e in found.evidence if e.weight < 0 and e.kind == "declared_relation"]
        assert against or "years older" in quoted
    return found


def test_the_town_families_are_ties_and_separations() -> None:
    records, persons = _town()
    result = run(records, persons)
    for n in (1, 2, 3):
        found = tie(result, f"parent-{n}", f"child-{n}")
        assert found is not None and found.status == PROBABLE
    assert _separations(records, persons, result) == {(f"child-{n}", f"parent-{n}") for n in (1, 2, 3)}


@pytest.mark.parametrize(
    ("remark", "on_adult"),
    [
        ("TRAVELING WITH NIECE, NOT PARENT", True),
        ("CLAIMS TO BE OLDER SISTER", True),
        ("VIAJA CON SU TIA", False),
        ("AUNT OF UAC, NOT LEGAL GUARDIAN", False),
    ],
)
def test_an_aunt_the_remarks_name_is_not_asserted_nor_separated(remark: str, on_adult: bool) -> None:
    records, persons = _town()
    records += [
        cbp("E3-200-01", "ELENA", "PEREZ MORALES", "1986-01-10", "F", "EPT-18-000200", group="FG-200",
            relationship="HEAD", transferred_to="ICE", remarks=remark if on_adult else None),
        cbp("E3-200-02", "SOFIA", "PEREZ LOPEZ", "2011-04-02", "F", "EPT-18-000200", group="FG-200",
            relationship="CHILD", child=True, transferred_to="ORR", remarks=None if on_adult else remark),
    ]  # fmt: skip
    persons |= {"E3-200-01": "aunt", "E3-200-02": "niece"}
    result = run(records, persons)

    found = _not_asserted_and_flagged(result, "aunt", "niece", remark)
    assert found is not None and found.status == CANDIDATE  # she presented as the head: a person must look
    assert ("niece", "aunt") not in _separations(records, persons, result)


def test_a_remark_on_the_childs_row_is_not_held_against_the_father_who_travelled_too() -> None:
    records, persons = _town()
    records += [
        cbp("E3-300-01", "PEDRO", "XOL CAAL", "1980-02-01", "M", "EPT-18-000300", group="FG-300",
            relationship="HEAD", transferred_to="USMS"),
        cbp("E3-300-02", "JUANA", "CAAL POP", "1952-07-07", "F", "EPT-18-000300", group="FG-300",
            relationship="OTHER", transferred_to="ICE"),
        cbp("E3-300-03", "MARCOS", "XOL CHOC", "2009-09-09", "M", "EPT-18-000300", group="FG-300",
            relationship="CHILD", child=True, transferred_to="ORR", remarks="TRAVELING WITH FATHER AND GRANDMOTHER"),
    ]  # fmt: skip
    persons |= {"E3-300-01": "father", "E3-300-02": "grandmother", "E3-300-03": "marcos"}
    result = run(records, persons)

    father = tie(result, "father", "marcos")
    assert father is not None and father.status == PROBABLE
    assert not [e for e in father.evidence if e.kind == "declared_relation"]
    _not_asserted_and_flagged(result, "grandmother", "marcos", "GRANDMOTHER")
    separations = _separations(records, persons, result)
    assert ("marcos", "father") in separations and ("marcos", "grandmother") not in separations


def test_a_child_who_names_the_adult_as_other_is_no_support_for_the_tie() -> None:
    records, persons = _town()
    records += [
        cbp("E3-400-01", "JUAN CARLOS", "RAMOS DIAZ", "1979-05-05", "M", "EPT-18-000400", group="FG-400",
            relationship="HEAD", transferred_to="USMS"),
        cbp("E3-400-02", "LUIS", "RAMOS SOTO", "2008-08-08", "M", "EPT-18-000400", group="FG-400",
            relationship="CHILD", child=True, transferred_to="ORR"),
        orr("ORR-R-400", "UAC-18-000400", "Luis", "Ramos Soto", "2008-08-08", "M", event="EPT-18-000400",
            stated_parents=[("Juan Carlos Ramos", "OTHER"), ("Mario Ramos Soto", "FATHER")]),
    ]  # fmt: skip
    persons |= {"E3-400-01": "uncle", "E3-400-02": "luis", "ORR-R-400": "luis"}
    result = run(records, persons)

    found = _not_asserted_and_flagged(result, "uncle", "luis", "JUAN CARLOS RAMOS")
    assert found is not None
    named = [e for e in found.evidence if e.kind == "named_by_child"]
    assert named and named[0].weight <= 0  # the child named another man as its father
    declared = [e for e in found.evidence if e.kind == "declared_relation"]
    assert declared and declared[0].weight <= 0 and "OTHER" in declared[0].text
    assert ("luis", "uncle") not in _separations(records, persons, result)


def test_an_older_sister_nine_years_older_is_never_asserted() -> None:
    records, persons = _town()
    records += [
        cbp("E3-500-01", "KARLA", "MEJIA CRUZ", "2000-03-03", "F", "EPT-18-000500", group="FG-500",
            relationship="HEAD", transferred_to="ICE"),
        cbp("E3-500-02", "DANIEL", "MEJIA CRUZ", "2009-01-20", "M", "EPT-18-000500", group="FG-500",
            relationship="CHILD", child=True, transferred_to="ORR"),
    ]  # fmt: skip
    persons |= {"E3-500-01": "sister", "E3-500-02": "daniel"}
    result = run(records, persons)

    found = _not_asserted_and_flagged(result, "sister", "daniel", "years older")
    assert found is not None and found.status == CANDIDATE
    gap = next(e for e in found.evidence if e.kind == "age_gap")
    assert gap.weight <= 0
    assert ("daniel", "sister") not in _separations(records, persons, result)


def test_a_false_parent_excluded_by_dna_is_rejected_and_not_separated() -> None:
    records, persons = _town()
    records += [
        cbp("E3-600-01", "RAUL", "GOMEZ", "1975-11-11", "M", "EPT-18-000600", group="FG-600",
            relationship="HEAD", transferred_to="USMS"),
        cbp("E3-600-02", "EMILY", "CASTRO PINEDA", "2012-12-12", "F", "EPT-18-000600", group="FG-600",
            relationship="CHILD", child=True, transferred_to="ORR"),
        orr("ORR-R-600", "UAC-18-000600", "Emily", "Castro Pineda", "2012-12-12", "F", event="EPT-18-000600",
            stated_parents=[("Raul Gomez", "FATHER")]),
        dna("DNA-000600", "UAC-18-000600", "Raul Gomez", "EXCLUSION"),
    ]  # fmt: skip
    persons |= {"E3-600-01": "raul", "E3-600-02": "emily", "ORR-R-600": "emily", "DNA-000600": "raul"}
    result = run(records, persons)

    found = tie(result, "raul", "emily")
    assert found is not None and found.status == REJECTED
    assert any(f.kind == "DNA_EXCLUSION" for f in result.flags)
    assert ("emily", "raul") not in _separations(records, persons, result)


def test_a_lone_childs_parent_who_crossed_apart_is_proposed_and_not_separated() -> None:
    records, persons = _town()
    records += [
        # the mother crossed alone months earlier and is held by ICE
        cbp("E3-700-01", "GLENDA MARISOL", "AGUILAR PAZ", "1988-04-04", "F", "TUC-18-000700",
            transferred_to="ICE"),
        ice("EARM-700", "GLENDA MARISOL", "AGUILAR PAZ", "1988-04-04", "F",
            stated_children=[("YOSELIN AGUILAR", 9)]),
        # her daughter came later, alone
        cbp("E3-701-01", "YOSELIN", "AGUILAR", "2009-02-14", "F", "EPT-18-000701", child=True,
            transferred_to="ORR"),
        orr("ORR-R-701", "UAC-18-000701", "Yoselin", "Aguilar", "2009-02-14", "F", event="EPT-18-000701",
            stated_parents=[("Glenda Aguilar Paz", "MOTHER")]),
    ]  # fmt: skip
    persons |= {"E3-700-01": "glenda", "EARM-700": "glenda", "E3-701-01": "yoselin", "ORR-R-701": "yoselin"}
    result = run(records, persons)

    found = tie(result, "glenda", "yoselin")
    assert found is not None, "the pair must at least be proposed"
    assert {"stated_parent", "stated_child"} <= set(found.found_by)
    named = next(e for e in found.evidence if e.kind == "named_by_child")
    assert named.weight > 0 and "one of several" not in named.text
    assert found.status in (PROBABLE, CANDIDATE)
    assert ("yoselin", "glenda") not in _separations(records, persons, result)  # never apprehended together


def test_a_child_who_names_only_its_mother_is_no_evidence_against_its_father() -> None:
    records, persons = _town()
    records += [
        cbp("E3-800-01", "MARIO", "CRUZ LOPEZ", "1981-01-01", "M", "EPT-18-000800", group="FG-800",
            relationship="HEAD", transferred_to="USMS"),
        cbp("E3-800-02", "IRMA", "DIAZ PEREZ", "1985-02-02", "F", "EPT-18-000800", group="FG-800",
            relationship="SPOUSE", transferred_to="USMS"),
        cbp("E3-800-03", "OSCAR", "CRUZ DIAZ", "2010-03-03", "M", "EPT-18-000800", group="FG-800",
            relationship="CHILD", child=True, transferred_to="ORR"),
        orr("ORR-R-800", "UAC-18-000800", "Oscar", "Cruz Díaz", "2010-03-03", "M", event="EPT-18-000800",
            stated_parents=[("Irma Diaz", "MOTHER")]),
    ]  # fmt: skip
    persons |= {"E3-800-01": "mario", "E3-800-02": "irma", "E3-800-03": "oscar", "ORR-R-800": "oscar"}
    result = run(records, persons)

    father = tie(result, "mario", "oscar")
    assert father is not None and father.status == PROBABLE
    assert not [e for e in father.evidence if e.kind == "named_by_child"]
    assert {("oscar", "mario"), ("oscar", "irma")} <= _separations(records, persons, result)


def test_a_hand_over_on_the_day_the_adult_left_custody_weighs_for_the_tie() -> None:
    records, persons = _town()
    child_referral = orr("ORR-R-900", "UAC-18-000900", "Nelson", "Ortiz Lara", "2011-05-05", "M",
                         event="EPT-18-000900")  # fmt: skip
    child_referral.fields["placements"] = [
        {
            "program": "SOUTHWEST KEY",
            "admitted_at": "2018-05-06T10:00:00+00:00",
            "discharged_at": "2018-07-12T16:00:00+00:00",
            "discharge_type": "REUNIFIED_WITH_PARENT",
        }
    ]
    stay = ice("EARM-900", "RAMON", "ORTIZ PAZ", "1982-02-02", "M")
    stay.fields.update({"book_out_at": "2018-07-12T15:30:00+00:00", "book_out_reason": "RELEASED"})
    records += [
        cbp("E3-900-01", "RAMON", "ORTIZ PAZ", "1982-02-02", "M", "EPT-18-000900", transferred_to="USMS",
            remarks=None),
        cbp("E3-900-02", "NELSON", "ORTIZ LARA", "2011-05-05", "M", "EPT-18-000900", child=True,
            transferred_to="ORR", remarks="SEPARATED FROM FATHER DUE TO 1325 PROSECUTION"),
        child_referral,
        stay,
    ]  # fmt: skip
    persons |= {"E3-900-01": "ramon", "EARM-900": "ramon", "E3-900-02": "nelson", "ORR-R-900": "nelson"}
    result = run(records, persons)

    found = tie(result, "ramon", "nelson")
    assert found is not None and found.status == PROBABLE
    handed = next(e for e in found.evidence if e.kind == "handed_back")
    assert handed.weight > 0 and set(handed.record_keys) == {"orr_referrals:ORR-R-900", "ice_detentions:EARM-900"}
    said = next(e for e in found.evidence if e.kind == "separation_said")
    assert said.weight > 0 and "its father" in said.text
    assert ("nelson", "ramon") in _separations(records, persons, result)
