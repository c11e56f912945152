"""Search terms and ranking: misspelt, accent-free and reordered names find the person; strangers do not."""

from __future__ import annotations

from reunify.names.search import A_NUMBER, KEY, identifier_terms, name_terms, parse_query, rank


def _index(people: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(person, term) for person, words in people.items() for term in name_terms(words)]


PEOPLE = {
    "joselyn": ["JOSELYN", "LOPEZ", "GARCIA"],
    "jose": ["JOSE", "LUIS", "RAMIREZ"],
    "maria": ["MARIA", "ELENA", "TZUL"],
    "mario": ["MARIO", "TZUL"],
    "xol": ["ANA", "XOL", "CAAL"],
}


def _found(text: str) -> list[str]:
    query = parse_query(text)
    rows = [row for row in _index(PEOPLE) if row[1] in query.terms()]
    return [hit.person for hit in rank(query, rows)]


def test_misspelt_and_accent_free_names_find_the_person_first() -> None:
    assert _found("yoselin lopes")[0] == "joselyn"
    assert _found("Joselín López")[0] == "joselyn"
    assert _found("marai tzul")[0] == "maria"  # two letters exchanged
    assert _found("Shol Caal")[0] == "xol"  # Mayan spellings of one sound


def test_every_query_word_must_match_so_one_shared_name_is_not_enough() -> None:
    assert "jose" not in _found("maria ramirez")
    assert _found("pedro lopez") == []


def test_exact_spelling_ranks_above_a_sound_alike() -> None:
    assert _found("maria tzul") == ["maria", "mario"]


def test_identifiers_are_read_in_any_common_form() -> None:
    terms = identifier_terms({"a_number": "012345678", "fin": None})
    assert terms == {A_NUMBER + "012345678"}
    for typed in ("A012-345-678", "12345678", "012 345 678"):
        assert A_NUMBER + "012345678" in parse_query(typed).identifiers
    assert KEY + "ORR_REFERRALS:ORR-R-5" in parse_query("orr_referrals:ORR-R-5").identifiers
    assert KEY + "UAC-18-000005" in parse_query("UAC-18-000005").identifiers


def test_identifier_hits_outrank_name_hits() -> None:
    query = parse_query("A012345678")
    hits = rank(query, [("p1", A_NUMBER + "012345678"), ("p2", "w:A")])
    assert [h.person for h in hits] == ["p1"]
