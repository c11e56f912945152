"""Countries: English and Spanish names, codes and aliases to ISO alpha-2."""

from __future__ import annotations

import pytest

from reunify.names import NormalisationError, UnknownCountry, normalise_country, normalise_iso2


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        # CBP: English, uppercase
        ("GUATEMALA", "GT"),
        ("HONDURAS", "HN"),
        ("EL SALVADOR", "SV"),
        ("MEXICO", "MX"),
        ("ECUADOR", "EC"),
        ("BRAZIL", "BR"),
        ("DOMINICAN REPUBLIC", "DO"),
        ("DOMINICA", "DM"),
        # ORR: English, mixed case
        ("Guatemala", "GT"),
        ("El Salvador", "SV"),
        ("United States", "US"),
        ("Venezuela", "VE"),
        ("Bolivia", "BO"),
        ("Bolivia, Plurinational State of", "BO"),
        ("Republic of Guatemala", "GT"),
        ("Russian Federation", "RU"),
        ("Viet Nam", "VN"),
        ("Vietnam", "VN"),
        ("Côte d'Ivoire", "CI"),
        ("Ivory Coast", "CI"),
        # NGO: Spanish, as written
        ("México", "MX"),
        ("MÉXICO", "MX"),
        ("mexico", "MX"),
        ("Panamá", "PA"),
        ("Belice", "BZ"),
        ("Perú", "PE"),
        ("Brasil", "BR"),
        ("República Dominicana", "DO"),
        ("Republica Dominicana", "DO"),
        ("Haití", "HT"),
        ("Estados Unidos", "US"),
        ("Canadá", "CA"),
        ("Rumania", "RO"),
        ("Rumanía", "RO"),
        ("Rusia", "RU"),
        ("España", "ES"),
        ("Alemania", "DE"),
        ("Reino Unido", "GB"),
        ("Países Bajos", "NL"),
        ("Trinidad y Tobago", "TT"),
        ("San Cristóbal y Nieves", "KN"),
        ("Guayana Francesa", "GF"),
        ("Surinam", "SR"),
        ("Estados Unidos Mexicanos", "MX"),
        ("Corea del Sur", "KR"),
        ("Costa de Marfil", "CI"),
        # aliases
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("U.S.", "US"),
        ("UNITED STATES OF AMERICA", "US"),
        ("EEUU", "US"),
        ("EE. UU.", "US"),
        ("E.E.U.U.", "US"),
        ("SALVADOR", "SV"),
        ("UK", "GB"),
        ("England", "GB"),
        ("Burma", "MM"),
        # codes
        ("GT", "GT"),
        ("gt", "GT"),
        ("HN", "HN"),
        ("GTM", "GT"),
        ("slv", "SV"),
        ("MEX", "MX"),
        ("HND", "HN"),
        ("  Honduras  ", "HN"),
        ("ElSalvador", "SV"),
    ],
)
def test_normalise_country(raw: str, code: str) -> None:
    assert normalise_country(raw) == code


def test_every_american_country_has_a_spanish_name() -> None:
    spanish = {
        "Mexico": "MX", "Guatemala": "GT", "Belice": "BZ", "El Salvador": "SV",
        "Honduras": "HN", "Nicaragua": "NI", "Costa Rica": "CR", "Panama": "PA",
        "Cuba": "CU", "Republica Dominicana": "DO", "Haiti": "HT", "Jamaica": "JM",
        "Bahamas": "BS", "Barbados": "BB", "Trinidad y Tobago": "TT", "Granada": "GD",
        "San Vicente y las Granadinas": "VC", "Santa Lucia": "LC", "Dominica": "DM",
        "Antigua y Barbuda": "AG", "San Cristobal y Nieves": "KN", "Colombia": "CO",
        "Venezuela": "VE", "Ecuador": "EC", "Peru": "PE", "Bolivia": "BO", "Brasil": "BR",
        "Chile": "CL", "Argentina": "AR", "Paraguay": "PY", "Uruguay": "UY", "Guyana": "GY",
        "Surinam": "SR", "Estados Unidos": "US", "Canada": "CA",
    }  # fmt: skip
    assert {name: normalise_country(name) for name in spanish} == spanish


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_normalise_country_blank(blank: str | None) -> None:
    assert normalise_country(blank) is None


@pytest.mark.parametrize("raw", ["Atlantis", "XX", "ZZZ", "N/A", "UNKNOWN", "Guatemal", "E.U."])
def test_normalise_country_unknown(raw: str) -> None:
    with pytest.raises(UnknownCountry) as caught:
        normalise_country(raw)
    assert str(caught.value) == (
        f"country {raw!r} is not a country name (English or Spanish) or an ISO 3166-1 alpha-2 or alpha-3 code"
    )


def test_unknown_country_is_a_normalisation_error() -> None:
    assert issubclass(UnknownCountry, NormalisationError)
    assert issubclass(UnknownCountry, ValueError)


@pytest.mark.parametrize(
    ("raw", "code"),
    [("GT", "GT"), ("HN", "HN"), ("SV", "SV"), ("MX", "MX"), ("gt", "GT"), (" US ", "US")],
)
def test_normalise_iso2(raw: str, code: str) -> None:
    assert normalise_iso2(raw) == code


@pytest.mark.parametrize("blank", [None, "", "  "])
def test_normalise_iso2_blank(blank: str | None) -> None:
    assert normalise_iso2(blank) is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("XX", "'XX' is not an assigned ISO 3166-1 alpha-2 country code"),
        ("UK", "'UK' is not an assigned ISO 3166-1 alpha-2 country code"),
        ("GTM", "'GTM' is not an ISO 3166-1 alpha-2 country code (two letters)"),
        ("Guatemala", "'Guatemala' is not an ISO 3166-1 alpha-2 country code (two letters)"),
        ("G1", "'G1' is not an ISO 3166-1 alpha-2 country code (two letters)"),
        ("ÉS", "'ÉS' is not an ISO 3166-1 alpha-2 country code (two letters)"),
        (42, "42 is not an ISO 3166-1 alpha-2 country code (two letters)"),
    ],
)
def test_normalise_iso2_errors(raw: object, message: str) -> None:
    with pytest.raises(UnknownCountry) as caught:
        normalise_iso2(raw)  # type: ignore[arg-type]
    assert str(caught.value) == message
