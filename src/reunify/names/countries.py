"""Countries: every way the feeds name a country, reduced to ISO 3166-1 alpha-2.

CBP writes ``GUATEMALA``, ORR ``Guatemala``, ICE ``GT`` and the NGOs ``México``
or ``República Dominicana``. English names and codes come from pycountry (kept
current with ISO); Spanish names and everyday aliases (``USA``, ``EEUU``,
``SALVADOR``, ``BRAZIL``/``BRASIL``) are listed here, because pycountry knows only
the English short and official names.
"""

from __future__ import annotations

from functools import cache

import pycountry

from .errors import UnknownCountry
from .text import compact

__all__ = ["normalise_country", "normalise_iso2"]

# Spanish names (written in any case, with or without accents; they are folded
# and their spaces removed before lookup): all of the Americas, and the
# countries most often seen among people arriving at the southern border.
_SPANISH: dict[str, str] = {
    # North and Central America
    "México": "MX",
    "Estados Unidos Mexicanos": "MX",
    "Guatemala": "GT",
    "Belice": "BZ",
    "El Salvador": "SV",
    "Honduras": "HN",
    "Nicaragua": "NI",
    "Costa Rica": "CR",
    "Panamá": "PA",
    "Estados Unidos": "US",
    "Estados Unidos de América": "US",
    "Canadá": "CA",
    "Groenlandia": "GL",
    "San Pedro y Miquelón": "PM",
    "Bermudas": "BM",
    # Caribbean
    "Cuba": "CU",
    "República Dominicana": "DO",
    "Haití": "HT",
    "Puerto Rico": "PR",
    "Jamaica": "JM",
    "Bahamas": "BS",
    "Barbados": "BB",
    "Trinidad y Tobago": "TT",
    "Granada": "GD",
    "San Vicente y las Granadinas": "VC",
    "Santa Lucía": "LC",
    "Dominica": "DM",
    "Antigua y Barbuda": "AG",
    "San Cristóbal y Nieves": "KN",
    "Aruba": "AW",
    "Curazao": "CW",
    "Bonaire": "BQ",
    "San Martín": "MF",
    "Sint Maarten": "SX",
    "San Bartolomé": "BL",
    "Anguila": "AI",
    "Montserrat": "MS",
    "Guadalupe": "GP",
    "Martinica": "MQ",
    "Islas Caimán": "KY",
    "Islas Turcas y Caicos": "TC",
    "Islas Vírgenes Británicas": "VG",
    "Islas Vírgenes de los Estados Unidos": "VI",
    # South America
    "Colombia": "CO",
    "Venezuela": "VE",
    "Ecuador": "EC",
    "Perú": "PE",
    "Bolivia": "BO",
    "Brasil": "BR",
    "Chile": "CL",
    "Argentina": "AR",
    "Paraguay": "PY",
    "Uruguay": "UY",
    "Guyana": "GY",
    "Surinam": "SR",
    "Guayana Francesa": "GF",
    "Islas Malvinas": "FK",
    "Islas Georgias del Sur y Sandwich del Sur": "GS",
    # Elsewhere
    "España": "ES",
    "Portugal": "PT",
    "Francia": "FR",
    "Alemania": "DE",
    "Italia": "IT",
    "Reino Unido": "GB",
    "Inglaterra": "GB",
    "Escocia": "GB",
    "Irlanda": "IE",
    "Países Bajos": "NL",
    "Holanda": "NL",
    "Bélgica": "BE",
    "Suiza": "CH",
    "Austria": "AT",
    "Suecia": "SE",
    "Noruega": "NO",
    "Dinamarca": "DK",
    "Finlandia": "FI",
    "Polonia": "PL",
    "República Checa": "CZ",
    "Chequia": "CZ",
    "Hungría": "HU",
    "Rumania": "RO",
    "Rumanía": "RO",
    "Bulgaria": "BG",
    "Grecia": "GR",
    "Turquía": "TR",
    "Ucrania": "UA",
    "Rusia": "RU",
    "Georgia": "GE",
    "Armenia": "AM",
    "Azerbaiyán": "AZ",
    "Kazajistán": "KZ",
    "Uzbekistán": "UZ",
    "Tayikistán": "TJ",
    "Kirguistán": "KG",
    "China": "CN",
    "India": "IN",
    "Pakistán": "PK",
    "Bangladés": "BD",
    "Bangladesh": "BD",
    "Nepal": "NP",
    "Sri Lanka": "LK",
    "Afganistán": "AF",
    "Irán": "IR",
    "Irak": "IQ",
    "Siria": "SY",
    "Líbano": "LB",
    "Jordania": "JO",
    "Israel": "IL",
    "Palestina": "PS",
    "Arabia Saudita": "SA",
    "Arabia Saudí": "SA",
    "Yemen": "YE",
    "Emiratos Árabes Unidos": "AE",
    "Japón": "JP",
    "Corea del Sur": "KR",
    "Corea del Norte": "KP",
    "Taiwán": "TW",
    "Filipinas": "PH",
    "Vietnam": "VN",
    "Camboya": "KH",
    "Tailandia": "TH",
    "Birmania": "MM",
    "Malasia": "MY",
    "Indonesia": "ID",
    "Mongolia": "MN",
    "Australia": "AU",
    "Nueva Zelanda": "NZ",
    "Egipto": "EG",
    "Marruecos": "MA",
    "Argelia": "DZ",
    "Túnez": "TN",
    "Libia": "LY",
    "Sudán": "SD",
    "Sudán del Sur": "SS",
    "Eritrea": "ER",
    "Etiopía": "ET",
    "Somalia": "SO",
    "Kenia": "KE",
    "Uganda": "UG",
    "Tanzania": "TZ",
    "Ruanda": "RW",
    "Burundi": "BI",
    "República Democrática del Congo": "CD",
    "Congo": "CG",
    "Camerún": "CM",
    "Nigeria": "NG",
    "Níger": "NE",
    "Ghana": "GH",
    "Togo": "TG",
    "Benín": "BJ",
    "Costa de Marfil": "CI",
    "Guinea": "GN",
    "Guinea Ecuatorial": "GQ",
    "Guinea-Bisáu": "GW",
    "Sierra Leona": "SL",
    "Liberia": "LR",
    "Senegal": "SN",
    "Gambia": "GM",
    "Malí": "ML",
    "Burkina Faso": "BF",
    "Mauritania": "MR",
    "Angola": "AO",
    "Sudáfrica": "ZA",
    "Zimbabue": "ZW",
    "Cabo Verde": "CV",
}

# English and everyday forms that are not pycountry's name, official name or
# common name.
_ALIASES: dict[str, str] = {
    "U.S.A.": "US",
    "United States of America": "US",
    "U.S.": "US",
    "EEUU": "US",
    "EE. UU.": "US",
    "E.E.U.U.": "US",
    "Salvador": "SV",
    "Brazil": "BR",
    "UK": "GB",
    "Great Britain": "GB",
    "Britain": "GB",
    "England": "GB",
    "Scotland": "GB",
    "Wales": "GB",
    "Northern Ireland": "GB",
    "Holland": "NL",
    "Russia": "RU",
    "Czech Republic": "CZ",
    "Turkey": "TR",
    "Burma": "MM",
    "Cape Verde": "CV",
    "Ivory Coast": "CI",
    "Swaziland": "SZ",
    "Macedonia": "MK",
    "Vatican": "VA",
    "Palestine": "PS",
    "Congo Kinshasa": "CD",
    "Democratic Republic of the Congo": "CD",
    "DR Congo": "CD",
    "DRC": "CD",
    "Congo Brazzaville": "CG",
    "Republic of the Congo": "CG",
    "East Timor": "TL",
    "Micronesia": "FM",
    "Falkland Islands": "FK",
    "British Virgin Islands": "VG",
    "US Virgin Islands": "VI",
    "Saint Martin": "MF",
    "Saint Kitts": "KN",
    "Saint Vincent": "VC",
    "Trinidad": "TT",
    "Antigua": "AG",
    "Brunei": "BN",
    "Moldova": "MD",
}


@cache
def _names_index() -> dict[str, str]:
    """Compact folded name -> alpha-2, built once from the lists above and pycountry."""
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if name:
                index[compact(name)] = country.alpha_2
    for table in (_SPANISH, _ALIASES):
        for name, code in table.items():
            index[compact(name)] = code
    return index


@cache
def _codes() -> tuple[frozenset[str], dict[str, str]]:
    """Assigned alpha-2 codes, and alpha-3 -> alpha-2."""
    alpha_2 = frozenset(country.alpha_2 for country in pycountry.countries)
    alpha_3 = {country.alpha_3: country.alpha_2 for country in pycountry.countries}
    return alpha_2, alpha_3


def normalise_country(raw: str | None) -> str | None:
    """Return the ISO 3166-1 alpha-2 code for a country name or code, None when blank.

    Recognised: English names (pycountry's short, official and common names),
    Spanish names, everyday aliases, and alpha-2 / alpha-3 codes, all in any
    case, with or without accents, spaces or dots (``U.S.A.``, ``EE. UU.``).
    Anything else raises :class:`UnknownCountry`; nothing is guessed, because a
    wrong country is worse evidence for linkage than no country.
    """
    if raw is None or not str(raw).strip():
        return None
    text = raw if isinstance(raw, str) else str(raw)
    key = compact(text)
    code = _names_index().get(key)
    if code is not None:
        return code
    # A code must be written as bare letters: "N/A" is "not available", not Namibia.
    if text.strip().isalpha():
        alpha_2, alpha_3 = _codes()
        if len(key) == 2 and key in alpha_2:
            return key
        if len(key) == 3 and key in alpha_3:
            return alpha_3[key]
    raise UnknownCountry(
        f"country {text!r} is not a country name (English or Spanish) "
        "or an ISO 3166-1 alpha-2 or alpha-3 code"
    )


def normalise_iso2(raw: str | None) -> str | None:
    """Return an ISO 3166-1 alpha-2 code in upper case, None when blank.

    Strict, for columns documented as alpha-2 (ICE ``country_of_birth``,
    ``removal_country``): the value must be exactly two letters forming an
    assigned code (``gt`` is accepted as ``GT``; ``UK``, ``XX`` and ``GTM`` are
    not). Surrounding whitespace is ignored.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if not isinstance(raw, str):
        raise UnknownCountry(f"{raw!r} is not an ISO 3166-1 alpha-2 country code (two letters)")
    code = raw.strip().upper()
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        raise UnknownCountry(f"{raw!r} is not an ISO 3166-1 alpha-2 country code (two letters)")
    if code not in _codes()[0]:
        raise UnknownCountry(f"{raw!r} is not an assigned ISO 3166-1 alpha-2 country code")
    return code
