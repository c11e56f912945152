"""Personal names: two-field, LAST, FIRST and free-text forms; swaps."""

from __future__ import annotations

import dataclasses

import pytest

from reunify.names import (
    PersonName,
    name_tokens,
    names_swapped,
    parse_free_name,
    parse_last_comma_first,
    parse_name,
)

EMPTY = PersonName(raw="", given=(), surnames=(), tokens=(), order_certain=False)


# ------------------------------------------------------------ name_tokens


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        (None, ()),
        ("", ()),
        ("DE LA CRUZ", ("DELACRUZ",)),
        ("DELACRUZ", ("DELACRUZ",)),
        ("De la Cruz López", ("DELACRUZ", "LOPEZ")),
        ("DEL CID", ("DELCID",)),
        ("DE LEON", ("DELEON",)),
        ("DE LOS SANTOS", ("DELOSSANTOS",)),
        ("SAN JUAN", ("SANJUAN",)),
        ("SANTA CRUZ", ("SANTACRUZ",)),
        ("VAN DER BERG", ("VANDER", "BERG")),  # DER is not a particle
        ("DA SILVA", ("DASILVA",)),
        ("DI MARCO", ("DIMARCO",)),
        ("VON HAGEN", ("VONHAGEN",)),
        ("LAS CASAS", ("LASCASAS",)),
        ("MARIA DE LOS ANGELES", ("MARIA", "DELOSANGELES")),
        ("JOSE DE", ("JOSE", "DE")),  # a particle with nothing after it is a word
        ("LA", ("LA",)),
        ("LOPEZ Y GARCIA", ("LOPEZ", "GARCIA")),  # conjunction dropped
        ("GARCIA E IBARRA", ("GARCIA", "IBARRA")),
        ("JOSE E LOPEZ", ("JOSE", "E", "LOPEZ")),  # E before L: an initial, kept
        ("Y LOPEZ", ("Y", "LOPEZ")),  # Y first: an initial, kept
        ("LOPEZ-GARCIA", ("LOPEZ", "GARCIA")),
        ("K'ICHE'", ("KICHE",)),
    ],
)
def test_name_tokens(text: str | None, tokens: tuple[str, ...]) -> None:
    assert name_tokens(text) == tokens


# ------------------------------------------------------------ two fields


def test_parse_name_orr_mixed_case_with_accents() -> None:
    assert parse_name("José Luis", "López García") == PersonName(
        raw="José Luis | López García",
        given=("JOSE", "LUIS"),
        surnames=("LOPEZ", "GARCIA"),
        tokens=("JOSE", "LUIS", "LOPEZ", "GARCIA"),
        order_certain=True,
    )


def test_parse_name_cbp_uppercase_without_accents_matches_orr_form() -> None:
    cbp = parse_name("JOSE LUIS", "LOPEZ GARCIA")
    orr = parse_name("José Luis", "López García")
    assert cbp.raw == "JOSE LUIS | LOPEZ GARCIA"
    assert (cbp.given, cbp.surnames, cbp.tokens) == (orr.given, orr.surnames, orr.tokens)


def test_parse_name_merges_particles_in_the_surname() -> None:
    name = parse_name("JOSE", "DE LA CRUZ LOPEZ")
    assert name.surnames == ("DELACRUZ", "LOPEZ")
    assert name.tokens == ("JOSE", "DELACRUZ", "LOPEZ")
    assert parse_name("JOSE", "DELACRUZ").surnames == ("DELACRUZ",)


def test_parse_name_merges_particles_in_given_names() -> None:
    name = parse_name("MARIA DEL CARMEN", "PEREZ")
    assert name.given == ("MARIA", "DELCARMEN")


def test_parse_name_keeps_at_most_two_surnames_but_every_token() -> None:
    name = parse_name("ANA", "XOL CAAL POP")
    assert name.surnames == ("XOL", "CAAL")
    assert name.tokens == ("ANA", "XOL", "CAAL", "POP")


def test_parse_name_single_surname() -> None:
    name = parse_name("JOSE", "LOPEZ")
    assert (name.given, name.surnames, name.display) == (("JOSE",), ("LOPEZ",), "JOSE LOPEZ")


def test_parse_name_with_one_field_blank() -> None:
    name = parse_name(None, "LOPEZ")
    assert name == PersonName(
        raw=" | LOPEZ", given=(), surnames=("LOPEZ",), tokens=("LOPEZ",), order_certain=True
    )
    assert parse_name("JOSE", "").given == ("JOSE",)
    assert parse_name("JOSE", "").surnames == ()


@pytest.mark.parametrize(("given", "family"), [(None, None), ("", ""), ("  ", None)])
def test_parse_name_blank(given: str | None, family: str | None) -> None:
    assert parse_name(given, family) == EMPTY


def test_parse_name_treats_nan_as_blank() -> None:
    # pandas writes a missing cell as float NaN; it must not become a name "NAN".
    assert parse_name(float("nan"), float("nan")) == EMPTY  # type: ignore[arg-type]
    assert parse_name("JOSE", float("nan")).tokens == ("JOSE",)  # type: ignore[arg-type]
    assert parse_free_name(float("nan")) == EMPTY  # type: ignore[arg-type]


def test_parse_name_only_punctuation_keeps_raw_but_no_tokens() -> None:
    name = parse_name("--", ".")
    assert name.raw == "-- | ."
    assert name.tokens == ()
    assert name.is_empty


def test_display() -> None:
    assert parse_name("José Luis", "López García").display == "JOSE LUIS LOPEZ GARCIA"
    assert EMPTY.display == ""


# ------------------------------------------------------------ LAST, FIRST


def test_last_comma_first_two_surnames() -> None:
    assert parse_last_comma_first("LOPEZ GARCIA, JOSE LUIS") == PersonName(
        raw="LOPEZ GARCIA, JOSE LUIS",
        given=("JOSE", "LUIS"),
        surnames=("LOPEZ", "GARCIA"),
        tokens=("LOPEZ", "GARCIA", "JOSE", "LUIS"),
        order_certain=True,
    )


def test_last_comma_first_one_surname_and_middle_name() -> None:
    name = parse_last_comma_first("LOPEZ, JOSE LUIS")
    assert (name.given, name.surnames) == (("JOSE", "LUIS"), ("LOPEZ",))


def test_last_comma_first_with_particles_and_no_space_after_comma() -> None:
    name = parse_last_comma_first("DE LA CRUZ LOPEZ,JOSE")
    assert (name.given, name.surnames) == (("JOSE",), ("DELACRUZ", "LOPEZ"))


def test_last_comma_first_only_surname() -> None:
    name = parse_last_comma_first("LOPEZ,")
    assert (name.given, name.surnames, name.order_certain) == ((), ("LOPEZ",), True)


def test_last_comma_first_without_comma_falls_back_to_free_text() -> None:
    assert parse_last_comma_first("JOSE LOPEZ GARCIA") == parse_free_name("JOSE LOPEZ GARCIA")
    assert parse_last_comma_first("JOSE LOPEZ GARCIA").order_certain is False


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_last_comma_first_blank(blank: str | None) -> None:
    assert parse_last_comma_first(blank) == EMPTY


# ------------------------------------------------------------ free text


@pytest.mark.parametrize(
    ("text", "given", "surnames"),
    [
        ("MARIA", ("MARIA",), ()),
        ("LOPEZ", ("LOPEZ",), ()),
        ("Jose Lopez", ("JOSE",), ("LOPEZ",)),
        ("María López", ("MARIA",), ("LOPEZ",)),
        ("JUAN CARLOS", ("JUAN", "CARLOS"), ()),  # two known given names, no surname
        ("CARLOS SANTIAGO", ("CARLOS",), ("SANTIAGO",)),  # SANTIAGO is a surname too
        ("JOSE LUIS LOPEZ", ("JOSE", "LUIS"), ("LOPEZ",)),
        ("JOSE LOPEZ GARCIA", ("JOSE",), ("LOPEZ", "GARCIA")),
        ("Juan Carlos López", ("JUAN", "CARLOS"), ("LOPEZ",)),
        ("MARIA DEL CARMEN PEREZ", ("MARIA", "DELCARMEN"), ("PEREZ",)),
        ("MARIA DE LOS ANGELES LOPEZ", ("MARIA", "DELOSANGELES"), ("LOPEZ",)),
        ("JUAN DE LA CRUZ LOPEZ", ("JUAN",), ("DELACRUZ", "LOPEZ")),
        ("PETRONA XOL CAAL", ("PETRONA",), ("XOL", "CAAL")),
        ("Ana Xol Caal Pop", ("ANA",), ("XOL", "CAAL")),  # XOL is a known surname
        ("JOSE LUIS LOPEZ GARCIA", ("JOSE", "LUIS"), ("LOPEZ", "GARCIA")),
        ("JOSE XYZ LOPEZ GARCIA", ("JOSE", "XYZ"), ("LOPEZ", "GARCIA")),  # unknown: 2 + rest
        ("JOSE LUIS ALBERTO LOPEZ", ("JOSE", "LUIS", "ALBERTO"), ("LOPEZ",)),
        ("JOSE LOPEZ GARCIA PEREZ", ("JOSE",), ("LOPEZ", "GARCIA")),
        ("Edwin Estuardo Tzoc Chavajay", ("EDWIN", "ESTUARDO"), ("TZOC", "CHAVAJAY")),
        ("  jose   luis  lopez ", ("JOSE", "LUIS"), ("LOPEZ",)),
    ],
)
def test_free_name_split(text: str, given: tuple[str, ...], surnames: tuple[str, ...]) -> None:
    name = parse_free_name(text)
    assert (name.given, name.surnames) == (given, surnames)
    assert name.order_certain is False
    assert name.raw == text


def test_free_name_keeps_every_token_in_written_order() -> None:
    assert parse_free_name("JOSE LOPEZ GARCIA PEREZ").tokens == ("JOSE", "LOPEZ", "GARCIA", "PEREZ")


def test_free_name_keeps_raw_spelling() -> None:
    assert parse_free_name("José Luis López").raw == "José Luis López"


def test_free_name_with_a_comma_is_read_surnames_first() -> None:
    name = parse_free_name("López García, José")
    assert name == PersonName(
        raw="López García, José",
        given=("JOSE",),
        surnames=("LOPEZ", "GARCIA"),
        tokens=("LOPEZ", "GARCIA", "JOSE"),
        order_certain=True,
    )


@pytest.mark.parametrize("blank", [None, "", " \t "])
def test_free_name_blank(blank: str | None) -> None:
    assert parse_free_name(blank) == EMPTY


def test_person_name_is_frozen() -> None:
    name = parse_free_name("JOSE LOPEZ")
    with pytest.raises(dataclasses.FrozenInstanceError):
        name.given = ("X",)  # type: ignore[misc]


# ------------------------------------------------------------ swaps


def test_swapped_exchanges_given_and_surnames() -> None:
    name = parse_name("JOSE LUIS", "LOPEZ GARCIA")
    swapped = name.swapped()
    assert swapped.given == ("LOPEZ", "GARCIA")
    assert swapped.surnames == ("JOSE", "LUIS")
    assert swapped.tokens == name.tokens
    assert swapped.raw == name.raw
    assert swapped.swapped() == name


def test_swapped_keeps_at_most_two_surnames() -> None:
    swapped = parse_name("JOSE LUIS ALBERTO", "LOPEZ").swapped()
    assert swapped.surnames == ("JOSE", "LUIS")
    assert swapped.given == ("LOPEZ",)


def test_names_swapped_simple() -> None:
    assert names_swapped(parse_name("JOSE", "LOPEZ"), parse_name("LOPEZ", "JOSE")) is True


def test_names_swapped_with_two_given_and_two_surnames() -> None:
    straight = parse_name("JOSE LUIS", "LOPEZ GARCIA")
    swapped = parse_name("LOPEZ GARCIA", "JOSE LUIS")
    assert names_swapped(straight, swapped) is True
    assert names_swapped(swapped, straight) is True


def test_names_swapped_allows_a_missing_second_surname() -> None:
    straight = parse_name("JOSE LUIS", "LOPEZ GARCIA")
    assert names_swapped(straight, parse_name("LOPEZ", "JOSE LUIS")) is True
    assert names_swapped(parse_name("LOPEZ", "JOSE LUIS"), straight) is True


def test_names_swapped_across_accents_and_particles() -> None:
    orr = parse_name("José", "De la Cruz")
    cbp = parse_name("DELACRUZ", "JOSE")
    assert names_swapped(orr, cbp) is True


def test_names_swapped_against_usms_form() -> None:
    usms = parse_last_comma_first("JOSE, LOPEZ GARCIA")  # clerk put the given name first
    cbp = parse_name("JOSE", "LOPEZ GARCIA")
    assert names_swapped(usms, cbp) is True


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("JOSE", "LOPEZ"), ("JOSE", "LOPEZ")),  # equal, not swapped
        (("MARTIN", "MARTIN"), ("MARTIN", "MARTIN")),  # equal, though each side fits the other
        (("JOSE", "LOPEZ"), ("LOPEZ", "MARIA")),  # only one side matches
        (("JOSE", "LOPEZ"), ("GARCIA", "JOSE")),
        (("JOSE LUIS", "LOPEZ GARCIA"), ("LOPEZ PEREZ", "JOSE LUIS")),
        (("JOSE", None), ("LOPEZ", "JOSE")),  # nothing to compare on one side
        ((None, None), (None, None)),
    ],
)
def test_names_not_swapped(a: tuple[str | None, str | None], b: tuple[str | None, str | None]) -> None:
    assert names_swapped(parse_name(*a), parse_name(*b)) is False
