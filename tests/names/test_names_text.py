"""fold() and compact(): one spelling for comparisons."""

from __future__ import annotations

import pytest

from reunify.names import compact, fold


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        (None, ""),
        ("", ""),
        ("   ", ""),
        ("JOSÉ", "JOSE"),
        ("José", "JOSE"),
        ("jose", "JOSE"),
        ("López García", "LOPEZ GARCIA"),
        ("MUÑOZ", "MUNOZ"),
        ("Núñez", "NUNEZ"),
        ("Güemes", "GUEMES"),
        ("K'ICHE'", "KICHE"),
        ("K'iche'", "KICHE"),
        ("Q'eqchi'", "QEQCHI"),
        ("K’iche’", "KICHE"),  # typographic apostrophes
        ("Kʼicheʼ", "KICHE"),  # modifier letter apostrophe, as in Mayan orthography
        ("K`ICHE", "KICHE"),
        ("K´ICHE", "KICHE"),  # acute accent used as an apostrophe
        ("O'BRIEN", "OBRIEN"),
        ("LOPEZ-GARCIA", "LOPEZ GARCIA"),
        ("DE LA CRUZ", "DE LA CRUZ"),
        ("  JOSE   LUIS  ", "JOSE LUIS"),
        ("JOSE\tLUIS\nLOPEZ", "JOSE LUIS LOPEZ"),
        ("W.D. Tex.", "W D TEX"),
        ("LOPEZ, JOSE", "LOPEZ JOSE"),
        ("SAN JOSÉ (CENTRO)", "SAN JOSE CENTRO"),
        ("María-José", "MARIA JOSE"),
        ("Øystein", "OYSTEIN"),
        ("Straße", "STRASSE"),
        ("Ærø", "AERO"),
        ("EP-18-MJ-01234", "EP 18 MJ 01234"),
        ("A-123-456-789", "A 123 456 789"),
        ("--", ""),
        ("Ｊｏｓé", "JOSE"),  # full-width letters
    ],
)
def test_fold(raw: str | None, folded: str) -> None:
    assert fold(raw) == folded


def test_fold_keeps_non_latin_letters_uppercased() -> None:
    assert fold("Иван") == "ИВАН"


@pytest.mark.parametrize(
    ("raw", "compacted"),
    [
        (None, ""),
        ("U.S.A.", "USA"),
        ("EE. UU.", "EEUU"),
        ("El Salvador", "ELSALVADOR"),
        ("S.D. Cal", "SDCAL"),
        ("De la Cruz", "DELACRUZ"),
    ],
)
def test_compact(raw: str | None, compacted: str) -> None:
    assert compact(raw) == compacted
