"""What of a person's data a user may see: the sensitive categories, withheld field by field.

The policy (``reunify.app.accounts.policy``) decides *whether* a user may see
a category (``person.view_sensitive.<category>``: the role's eligibility and a
personal grant); this module knows *where* each category sits in the data
the API serves. It is data first (``DNA_FEEDS``, ``FIELD_PATTERNS``,
``CHILD_LOCATION_KEYS``) so a new feed column is one line here.

Withholding is by omission, never by a placeholder that would tell the
client something exists; the response lists the categories the user cannot
see (all of them, whether or not the person has such data), and the audit
entry lists the ones actually shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from reunify.app.accounts import policy

#: Feeds whose every record is a DNA result.
DNA_FEEDS = frozenset({"dna_results"})
#: Evidence kinds (tie comparisons) and flag kinds that carry DNA results.
DNA_EVIDENCE_KINDS = frozenset({"dna"})
#: Record field names, by substring, that belong to a category wherever they appear.
FIELD_PATTERNS: dict[str, tuple[str, ...]] = {
    "trafficking": ("trafficking",),
    "protected_status": ("protected_status", "relief", "asylum", "t_visa", "u_visa", "sijs"),
    "dna": ("dna_result", "dna_test"),
}
#: Keys naming a child's exact whereabouts (ORR placement program, a facility, a sponsor's address).
CHILD_LOCATION_KEYS = frozenset(
    {"program", "facility", "facility_code", "facility_name", "sponsor", "address"}
)
CHILD_LOCATION_PATTERNS = ("sponsor", "address")


def allowed_categories(user: Any) -> frozenset[str]:
    """The sensitive categories the policy lets ``user`` see."""
    return frozenset(
        c for c in policy.SENSITIVE_CATEGORIES if policy.allows(user, f"person.view_sensitive.{c}")
    )


def _is_dna_key(record_key: str) -> bool:
    return record_key.split(":", 1)[0] in DNA_FEEDS


@dataclass
class Disclosure:
    """The filter for one user and one request; ``shown`` collects the categories that were present and shown."""

    allowed: frozenset[str]
    shown: set[str] = field(default_factory=set)

    @classmethod
    def for_user(cls, user: Any) -> Disclosure:
        return cls(allowed_categories(user))

    @property
    def withheld(self) -> list[str]:
        return sorted(set(policy.SENSITIVE_CATEGORIES) - self.allowed)

    def _permit(self, category: str) -> bool:
        if category in self.allowed:
            self.shown.add(category)
            return True
        return False

    # --- record keys and records

    def keys(self, record_keys: Iterable[str]) -> list[str]:
        """Record keys, without those of DNA results unless allowed (a key alone tells a test was made)."""
        keys = list(record_keys)
        if any(_is_dna_key(k) for k in keys) and not self._permit("dna"):
            return [k for k in keys if not _is_dna_key(k)]
        return keys

    def record_visible(self, record_key: str, feed: str | None = None) -> bool:
        if (feed or record_key.split(":", 1)[0]) in DNA_FEEDS:
            return self._permit("dna")
        return True

    def fields(self, values: Mapping[str, Any], *, child: bool) -> dict[str, Any]:
        """A record's fields without the categories not allowed (recursively: ORR placements are nested)."""
        return self._clean(values, child=child)

    def _clean(self, value: Any, *, child: bool) -> Any:
        if isinstance(value, Mapping):
            kept: dict[str, Any] = {}
            for key, item in value.items():
                category = self._category_of(str(key), child=child)
                if category is not None and not self._permit(category):
                    continue
                kept[key] = self._clean(item, child=child)
            return kept
        if isinstance(value, list):
            return [self._clean(item, child=child) for item in value]
        return value

    @staticmethod
    def _category_of(key: str, *, child: bool) -> str | None:
        lowered = key.lower()
        for category, patterns in FIELD_PATTERNS.items():
            if any(p in lowered for p in patterns):
                return category
        if child and (lowered in CHILD_LOCATION_KEYS or any(p in lowered for p in CHILD_LOCATION_PATTERNS)):
            return "child_location"
        return None

    # --- evidence, flags, custody

    def evidence(self, items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Tie evidence without DNA lines (the comparison, or any line read from a DNA record)."""
        kept = []
        for item in items:
            is_dna = (
                str(item.get("kind", "")).lower() in DNA_EVIDENCE_KINDS
                or any(_is_dna_key(k) for k in item.get("record_keys") or ())
                or "dna" in str(item.get("text", "")).lower()
            )
            if is_dna and not self._permit("dna"):
                continue
            kept.append({**item, "record_keys": self.keys(item.get("record_keys") or ())})
        return kept

    def flag_visible(self, kind: str, record_keys: Iterable[str]) -> bool:
        if "DNA" in kind.upper() or any(_is_dna_key(k) for k in record_keys):
            return self._permit("dna")
        return True

    def place(self, facility: str | None, *, child: bool) -> str | None:
        """A custody episode's facility or program: a child's exact location."""
        if facility and child and not self._permit("child_location"):
            return None
        return facility
