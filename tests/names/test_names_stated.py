"""ICE stated_children and ORR stated_parents."""

from __future__ import annotations

import pytest

from reunify.names import (
    NormalisationError,
    StatedChild,
    StatedParent,
    parse_free_name,
    parse_stated_children,
    parse_stated_parents,
)

# ------------------------------------------------------------ stated_children


def test_stated_children_feeds_example() -> None:
    children = parse_stated_children("JUAN CARLOS LOPEZ|6;MARIA LOPEZ|9")
    assert children == [
        StatedChild(name=parse_free_name("JUAN CARLOS LOPEZ"), age=6, raw="JUAN CARLOS LOPEZ|6"),
        StatedChild(name=parse_free_name("MARIA LOPEZ"), age=9, raw="MARIA LOPEZ|9"),
    ]
    assert children[0].name.given == ("JUAN", "CARLOS")
    assert children[0].name.surnames == ("LOPEZ",)
    assert children[1].name.given == ("MARIA",)
    assert children[1].name.surnames == ("LOPEZ",)


def test_stated_children_blank_age_and_missing_bar() -> None:
    children = parse_stated_children("MARIA|;JOSE LOPEZ")
    assert [(child.name.tokens, child.age, child.raw) for child in children] == [
        (("MARIA",), None, "MARIA|"),
        (("JOSE", "LOPEZ"), None, "JOSE LOPEZ"),
    ]


def test_stated_children_tolerates_spaces_and_empty_items() -> None:
    children = parse_stated_children(" a|3;;b|4; ")
    assert [(child.name.tokens, child.age, child.raw) for child in children] == [
        (("A",), 3, "a|3"),
        (("B",), 4, "b|4"),
    ]
    spaced = parse_stated_children("JUAN LOPEZ | 6 ; MARIA | 0")
    assert [(child.name.tokens, child.age) for child in spaced] == [
        (("JUAN", "LOPEZ"), 6),
        (("MARIA",), 0),
    ]


def test_stated_children_age_only_is_kept() -> None:
    (child,) = parse_stated_children("|7")
    assert (child.name.tokens, child.age, child.raw) == ((), 7, "|7")


def test_stated_children_lone_bar_is_empty() -> None:
    assert parse_stated_children("|;;|") == []


def test_stated_children_keeps_accents_in_raw() -> None:
    (child,) = parse_stated_children("José Tzoc Chavajay|12")
    assert child.raw == "José Tzoc Chavajay|12"
    assert child.name.raw == "José Tzoc Chavajay"
    assert child.name.surnames == ("TZOC", "CHAVAJAY")


@pytest.mark.parametrize("blank", [None, "", "  ", ";", " ; ; "])
def test_stated_children_blank(blank: str | None) -> None:
    assert parse_stated_children(blank) == []


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            "JUAN|6;MARIA|nine",
            "stated child 'MARIA|nine': age 'nine' is not a whole number from 0 to 120",
        ),
        ("JUAN|121", "stated child 'JUAN|121': age '121' is not a whole number from 0 to 120"),
        ("JUAN|-1", "stated child 'JUAN|-1': age '-1' is not a whole number from 0 to 120"),
        ("JUAN|6.5", "stated child 'JUAN|6.5': age '6.5' is not a whole number from 0 to 120"),
        ("JUAN|1000", "stated child 'JUAN|1000': age '1000' is not a whole number from 0 to 120"),
        ("JUAN|6|7", "stated child 'JUAN|6|7' has more than one '|'; expected NAME|AGE"),
    ],
)
def test_stated_children_errors(raw: str, message: str) -> None:
    with pytest.raises(NormalisationError) as caught:
        parse_stated_children(raw)
    assert str(caught.value) == message


def test_stated_children_age_bounds() -> None:
    assert [child.age for child in parse_stated_children("A|0;B|120")] == [0, 120]


# ------------------------------------------------------------ stated_parents


def test_stated_parents_full_item() -> None:
    parents = parse_stated_parents(
        [
            {
                "name": "María López García",
                "relationship": "MOTHER",
                "location": "detained",
                "phone": "+50255512345",
            }
        ]
    )
    assert parents == [
        StatedParent(
            name=parse_free_name("María López García"),
            relationship="MOTHER",
            location="detained",
            phone="+50255512345",
        )
    ]
    assert parents[0].name.given == ("MARIA",)
    assert parents[0].name.surnames == ("LOPEZ", "GARCIA")


def test_stated_parents_missing_and_null_keys() -> None:
    parents = parse_stated_parents(
        [{}, {"name": None, "relationship": None, "location": None, "phone": None}]
    )
    empty = StatedParent(name=parse_free_name(None), relationship=None, location=None, phone=None)
    assert parents == [empty, empty]


def test_stated_parents_every_code() -> None:
    parents = parse_stated_parents(
        [{"relationship": code} for code in ("MOTHER", "FATHER", "PARENT", "OTHER")]
    )
    assert [parent.relationship for parent in parents] == ["MOTHER", "FATHER", "PARENT", "OTHER"]


def test_stated_parents_blank_strings_are_unknown() -> None:
    (parent,) = parse_stated_parents([{"name": "", "relationship": "", "location": "  ", "phone": ""}])
    assert parent == StatedParent(name=parse_free_name(None), relationship=None, location=None, phone=None)


def test_stated_parents_keeps_non_text_values_as_text() -> None:
    (parent,) = parse_stated_parents([{"name": "JOSE LOPEZ", "phone": 50255512345, "extra": 1}])
    assert parent.phone == "50255512345"
    assert parent.name.tokens == ("JOSE", "LOPEZ")


def test_stated_parents_nan_is_unknown() -> None:
    (parent,) = parse_stated_parents([{"name": float("nan"), "location": float("nan")}])
    assert parent.name == parse_free_name(None)
    assert parent.location is None


def test_stated_parents_none_and_empty_list() -> None:
    assert parse_stated_parents(None) == []
    assert parse_stated_parents([]) == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("MOTHER", "stated_parents is str 'MOTHER'; expected a list of objects"),
        ({"name": "X"}, "stated_parents is dict {'name': 'X'}; expected a list of objects"),
        (
            ["JOSE"],
            "stated_parents item 1 is str 'JOSE'; "
            "expected an object with name, relationship, location, phone",
        ),
        (
            [{}, None],
            "stated_parents item 2 is NoneType None; "
            "expected an object with name, relationship, location, phone",
        ),
        (
            [{"relationship": "mother"}],
            "stated_parents item 1: relationship 'mother' is not one of MOTHER, FATHER, PARENT, OTHER",
        ),
        (
            [{"relationship": "AUNT"}],
            "stated_parents item 1: relationship 'AUNT' is not one of MOTHER, FATHER, PARENT, OTHER",
        ),
        (
            [{"relationship": 1}],
            "stated_parents item 1: relationship 1 is not one of MOTHER, FATHER, PARENT, OTHER",
        ),
    ],
)
def test_stated_parents_errors(value: object, message: str) -> None:
    with pytest.raises(NormalisationError) as caught:
        parse_stated_parents(value)
    assert str(caught.value) == message
