"""Every knob of the scenario generator, with defaults that look like 2017–2018.

Shares of scenario kinds and outcomes describe *what happened*; messiness rates
describe *how the agencies wrote it down*. ``noise`` multiplies every messiness
rate at once (0 gives clean feeds, 2 twice the default mess), so a pipeline can
be tried against a harder or an easier world without editing twenty fields.
``broken_rate`` is separate: it is the share of rows written deliberately
malformed (docs/validation.md), which the pipeline must quarantine.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def _mess(default: float) -> Any:
    """A messiness rate: scaled by ``noise``."""
    return field(default=default, metadata={"mess": True})


@dataclass
class SynthConfig:
    """Shares, rates and timing of a generated scenario (all probabilities in 0..1)."""

    # ------------------------------------------------------------------ scenario kinds
    # Shares of apprehension groups ("families"); they are normalised to sum 1.
    share_separated: float = 0.45
    share_released_together: float = 0.20
    share_one_parent_prosecuted: float = 0.05
    share_uac_alone: float = 0.13
    share_single_adult: float = 0.14
    share_false_parent: float = 0.03
    # A child (or two siblings) travelling with an aunt, uncle, grandparent,
    # adult sibling or cousin: no parent in the unit, so no tie and no separation.
    share_relative_unit: float = 0.04

    # ------------------------------------------------------------------ family make-up
    two_parent_separated_rate: float = 0.06
    two_parent_released_rate: float = 0.15
    children_count_weights: tuple[float, ...] = (0.62, 0.28, 0.10)
    twin_rate: float = 0.04
    child_under5_share: float = 0.14
    mayan_share_guatemala: float = 0.45
    same_name_rate: float = 0.012
    repeat_crosser_rate: float = 0.05
    uac_repeat_rate: float = 0.03
    # An extra adult relative (grandmother, adult sibling, aunt) in an ordinary
    # family unit (separated or released together): ties and separations stay
    # those of the real parents.
    relative_with_parent_rate: float = 0.03
    # How the rows of a relative unit say (or do not say) that the adult is not a parent.
    relative_group_rate: float = 0.6  # recorded as a family unit (shared family_group_id)
    relative_head_rate: float = 0.35  # ... with the relative as HEAD rather than OTHER
    relative_remark_rate: float = 0.4  # free-text remark: NOT PARENT, VIAJA CON SU TIA, ...
    relative_stated_other_rate: float = 0.4  # the child names the relative, relationship OTHER
    relative_stated_real_parent_rate: float = 0.35  # the child names its real mother/father
    relative_parent_in_feeds_rate: float = 0.2  # that real parent is a person in the feeds
    relative_released_together_rate: float = 0.3  # released with the child (else child to ORR)
    # Unaccompanied children whose parent is a person in the feeds who crossed
    # apart (earlier, later, or already in the country): a tie, no separation.
    lone_child_parent_in_feeds: float = 0.15
    # A child with two parents in the feeds names only one of them.
    one_parent_named_rate: float = 0.3

    # ------------------------------------------------------------------ timing
    zero_tolerance_density: float = 2.5
    pilot_separation_share: float = 0.2
    non_prosecution_separation_share: float = 0.15

    # ------------------------------------------------------------------ outcomes
    # Separations from 2018-04-06 on, then those of the earlier El Paso pilot.
    outcome_weights_zero_tolerance: tuple[float, ...] = (0.62, 0.14, 0.06, 0.10, 0.08)
    outcome_weights_pilot: tuple[float, ...] = (0.15, 0.25, 0.02, 0.50, 0.08)
    late_reunification_share: float = 0.15

    # ------------------------------------------------------------------ other feeds
    dna_test_rate: float = 0.55
    dna_inconclusive_rate: float = 0.06
    # 2018 reviews: some fraudulent units were found by DNA exclusion, most had
    # no contrary evidence at all.
    false_parent_dna_rate: float = 0.3
    false_parent_flagged_rate: float = 0.3  # FRAUD_SUSPECTED, a contrary remark or OTHER
    court_finding_rate: float = 0.06
    court_finding_before_share: float = 0.4
    ngo_locate_rate: float = 0.7
    stated_children_rate: float = 0.35
    stated_parents_rate: float = 0.8

    # ------------------------------------------------------------------ delivery
    second_sequence_rate: float = 0.07
    broken_rate: float = 0.005
    # Share of the protected CBP rows of separated families written malformed
    # anyway; the separation stays in the truth only when another well-formed
    # row (USMS arrest_event_id, ORR apprehension_event_id) names the event.
    broken_protected_cbp_rate: float = 0.0
    noise: float = 1.0

    # ------------------------------------------------------------------ messiness (x noise)
    drop_second_surname: float = _mess(0.2)
    drop_second_given: float = _mess(0.15)
    swap_given_family: float = _mess(0.02)
    swap_given_family_orr: float = _mess(0.02)  # the same, in ORR's first_name/last_name
    particle_merge: float = _mess(0.35)
    mayan_variant: float = _mess(0.3)
    typo: float = _mess(0.03)
    orr_accents_dropped: float = _mess(0.25)
    orr_all_caps: float = _mess(0.05)
    dob_estimated: float = _mess(0.15)
    dob_day_month_swap: float = _mess(0.02)
    dob_year_slip: float = _mess(0.01)
    a_number_blank_cbp: float = _mess(0.08)
    a_number_disagree: float = _mess(0.03)
    a_number_shared: float = _mess(0.003)
    leading_zero_a_number: float = _mess(0.12)
    eight_digit_a_number: float = _mess(0.4)
    a_number_form_variety: float = _mess(1.0)
    fin_missing_usms: float = _mess(0.1)
    fin_missing_ice: float = _mess(0.08)
    event_id_missing_usms: float = _mess(0.4)
    event_id_missing_orr: float = _mess(0.5)
    family_group_blank_after_split: float = _mess(0.6)
    separated_flag_blank: float = _mess(0.75)
    remarks_only_separation: float = _mess(0.3)
    orr_blank_as_empty_string: float = _mess(0.3)
    orr_blank_as_missing_key: float = _mess(0.2)
    bom_rate: float = _mess(0.15)
    crlf_rate: float = _mess(0.25)
    quote_all_rate: float = _mess(0.1)
    quoted_newline_rate: float = _mess(0.004)
    correction_rate: float = _mess(0.02)
    # The hard tail: FNU for an unknown first name, the whole name in one field,
    # 1900-01-01 as an unknown adult birth date (all well-formed, all real).
    hard_tail: float = _mess(0.003)
    # Free-text names (NGO parent_name, court subject_name, DNA adult_name).
    free_text_one_surname: float = _mess(0.3)
    free_text_dob_blank: float = _mess(0.4)  # NGO parent_dob, court subject_dob
    free_text_typo: float = _mess(0.08)

    # ------------------------------------------------------------------ population
    # "default" or "alt": a different pool of given names and surnames, to show
    # whether anything downstream is fitted to the default names.
    name_pool: str = "default"
    # Weights over pools.COUNTRIES (GT, HN, SV, MX, EC, NI), e.g. mostly Honduran.
    country_weights: tuple[float, ...] = (42.0, 33.0, 12.0, 8.0, 3.0, 2.0)

    def validate(self) -> None:
        """Refuse values that cannot be probabilities or weights, naming the field."""
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if item.name in STRING_FIELDS:
                if value not in STRING_FIELDS[item.name]:
                    choices = ", ".join(STRING_FIELDS[item.name])
                    raise ValueError(f"{item.name} must be one of {choices}, got {value!r}")
            elif isinstance(value, tuple):
                if not value or any(w < 0 for w in value) or sum(value) <= 0:
                    raise ValueError(f"{item.name}: weights must be non-negative, not all zero")
            elif item.name == "noise" or item.name == "zero_tolerance_density":
                if value < 0:
                    raise ValueError(f"{item.name} must be >= 0, got {value}")
            elif not 0.0 <= value <= 1.0:
                raise ValueError(f"{item.name} must be between 0 and 1, got {value}")
        if len(self.outcome_weights_zero_tolerance) != 5 or len(self.outcome_weights_pilot) != 5:
            raise ValueError(
                "outcome weights need 5 values: REUNIFIED, PARENT_REMOVED, PARENT_DECLINED, "
                "RELEASED_TO_SPONSOR, APART"
            )
        if len(self.country_weights) != len(COUNTRY_ORDER):
            raise ValueError(f"country_weights needs {len(COUNTRY_ORDER)} values: {', '.join(COUNTRY_ORDER)}")
        shares = [getattr(self, name) for name in KIND_SHARE_FIELDS]
        if sum(shares) <= 0:
            raise ValueError("at least one scenario share must be positive")

    def effective(self) -> SynthConfig:
        """A copy whose messiness rates are multiplied by ``noise`` (capped at 1)."""
        changes = {
            item.name: min(1.0, getattr(self, item.name) * self.noise)
            for item in dataclasses.fields(self)
            if item.metadata.get("mess")
        }
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able values, in field order (for scenario.json)."""
        out: dict[str, Any] = {}
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            out[item.name] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_mapping(cls, data: dict[str, Any], base: SynthConfig | None = None) -> SynthConfig:
        """Override fields of ``base`` (or the defaults) from a mapping, e.g. a JSON file.

        Unknown names are refused rather than ignored: a typo in a config file
        would otherwise silently run the default scenario.
        """
        base = base or cls()
        known = {item.name: item for item in dataclasses.fields(cls)}
        changes: dict[str, Any] = {}
        for name, value in data.items():
            if name not in known:
                raise ValueError(f"unknown SynthConfig field {name!r}")
            current = getattr(base, name)
            if name in STRING_FIELDS:
                if not isinstance(value, str):
                    raise ValueError(f"{name} must be a string, got {value!r}")
                changes[name] = value
            elif isinstance(current, tuple):
                if not isinstance(value, list | tuple):
                    raise ValueError(f"{name} must be a list of numbers")
                changes[name] = tuple(float(v) for v in value)
            elif isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{name} must be a number, got {value!r}")
            else:
                changes[name] = float(value)
        config = dataclasses.replace(base, **changes)
        config.validate()
        return config

    @classmethod
    def from_json_file(cls, path: Path, base: SynthConfig | None = None) -> SynthConfig:
        """Read overrides from a JSON object file."""
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"{path}: the config file must hold a JSON object")
        return cls.from_mapping(data, base)


KIND_SHARE_FIELDS = (
    "share_separated",
    "share_released_together",
    "share_one_parent_prosecuted",
    "share_uac_alone",
    "share_single_adult",
    "share_false_parent",
    "share_relative_unit",
)

#: Scenario kinds, in the order of ``KIND_SHARE_FIELDS``.
KINDS = (
    "separated",
    "released_together",
    "one_parent_prosecuted",
    "uac_alone",
    "single_adult",
    "false_parent",
    "relative_unit",
)

#: Fields holding a word rather than a number, with the words they accept.
STRING_FIELDS: dict[str, tuple[str, ...]] = {"name_pool": ("default", "alt")}

#: The countries ``country_weights`` weighs, in the order of ``pools.COUNTRIES``.
COUNTRY_ORDER = ("GT", "HN", "SV", "MX", "EC", "NI")

#: The planned outcome each position of ``outcome_weights_*`` stands for.
OUTCOME_WEIGHT_ORDER = (
    "REUNIFIED",
    "PARENT_REMOVED",
    "PARENT_DECLINED",
    "RELEASED_TO_SPONSOR",
    "APART",
)
