"""The package's public surface, and its independence from Django."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import reunify.names
from reunify.names import InvalidDate, InvalidIdentifier, NormalisationError, UnknownCountry

PACKAGE_DIR = Path(reunify.names.__file__).parent

PUBLIC_API = {
    "BirthDate",
    "Instant",
    "NormalisationError",
    "PersonName",
    "StatedChild",
    "StatedParent",
    "UnknownCountry",
    "birth_date",
    "day_month_swapped",
    "district_zone",
    "fold",
    "names_swapped",
    "normalise_a_number",
    "normalise_country",
    "normalise_fin",
    "normalise_iso2",
    "parse_free_name",
    "parse_iso_date",
    "parse_last_comma_first",
    "parse_local_minutes",
    "parse_name",
    "parse_offset_datetime",
    "parse_stated_children",
    "parse_stated_parents",
    "parse_us_date",
    "parse_utc_naive_datetime",
    "parse_utc_z_datetime",
    "phonetic_key",
}


def test_public_api_is_exported() -> None:
    assert set(reunify.names.__all__) >= PUBLIC_API
    for name in reunify.names.__all__:
        assert hasattr(reunify.names, name), name


def test_errors_are_value_errors() -> None:
    for error in (InvalidDate, InvalidIdentifier, UnknownCountry):
        assert issubclass(error, NormalisationError)
    assert issubclass(NormalisationError, ValueError)


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def test_only_the_standard_library_and_pycountry_are_imported() -> None:
    allowed_third_party = {"pycountry"}
    sources = sorted(PACKAGE_DIR.glob("*.py"))
    assert len(sources) >= 8
    for source in sources:
        for module in _imported_modules(source):
            top = module.split(".")[0]
            assert top != "django", f"{source.name} imports {module}"
            assert top in allowed_third_party or top in sys.stdlib_module_names, (
                f"{source.name} imports {module}"
            )
