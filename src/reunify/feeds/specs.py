"""The seven feeds of FEEDS.md, declared column by column.

Each feed is a ``FeedSpec``: its columns in contract order (each a ``Column``
from ``columns.py`` that knows its own rules) and a ``finish`` function that
fills in the common vocabulary of FIELDS.md and checks the row's chronology
(docs/validation.md rule 7), which needs several columns at once.

``finish(typed, fields, raw, warnings)`` receives the parsed value of every
contract column in ``typed`` (None when blank or missing), the JSON forms
already stored in ``fields``, and the raw row for quoting values in reasons.
It raises ``RowProblem`` to quarantine the row.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reunify.names import district_zone

from . import columns as c
from .rows import RowProblem

Finish = Callable[[dict[str, Any], dict[str, Any], dict[str, Any], list[str]], None]

ADULT_AGE = 18
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")


@dataclass(frozen=True)
class FeedSpec:
    """A feed's contract: name, file format, columns in order, and row-level checks."""

    feed: str
    format: str
    columns: tuple[c.Column, ...]
    finish: Finish

    @property
    def column_names(self) -> tuple[str, ...]:
        """The contract's column (or key) names, in contract order."""
        return tuple(column.name for column in self.columns)


# --------------------------------------------------------------------------- helpers


def _common(
    fields: dict[str, Any],
    *,
    name: dict[str, Any] | None,
    birth: Any,
    sex: str | None,
    a_number: str | None,
    fin: str | None,
    country: str | None,
    event_id: str | None,
    role_hint: str | None,
) -> None:
    """Set the vocabulary every person-bearing row shares (FIELDS.md, "Common")."""
    fields["name"] = name
    if birth is None:
        fields["dob"] = None
        fields["dob_estimated"] = False
    else:
        fields["dob"] = birth.iso()
        fields["dob_estimated"] = bool(birth.estimated)
    fields["sex"] = sex
    fields["a_number"] = a_number
    fields["fin"] = fin
    fields["country"] = country
    fields["event_id"] = event_id
    fields["role_hint"] = role_hint


def _age(dob: datetime.date | None, on: datetime.date | None) -> int | None:
    if dob is None or on is None:
        return None
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def _role_by_age(age: int | None, default: str | None) -> str | None:
    if age is None:
        return default
    return "child" if age < ADULT_AGE else "adult"


def _check_birth_against_instant(
    dob_column: str, dob: datetime.date | None, event_column: str, event: Any, raw: dict
) -> None:
    if dob is None:
        return
    c.born_too_early(dob_column, dob, raw)
    if event is not None:
        c.born_after_instant(dob_column, dob, event_column, event, raw)


def _check_birth_against_date(
    dob_column: str,
    dob: datetime.date | None,
    event_column: str,
    event: datetime.date | None,
    raw: dict,
) -> None:
    if dob is None:
        return
    c.born_too_early(dob_column, dob, raw)
    if event is not None:
        c.born_after_date(dob_column, dob, event_column, event, raw)


def _ends_before_date(
    end_column: str,
    end: datetime.date | None,
    start_column: str,
    start: datetime.date | None,
    raw: dict,
) -> None:
    if end is not None and start is not None and end < start:
        raise RowProblem(
            end_column,
            f"{end_column} {c.quote(c.raw_value(raw, end_column))} is before "
            f"{start_column} {c.quote(c.raw_value(raw, start_column))}",
        )


# --------------------------------------------------------------------------- 1. CBP

CBP_SEX = ("M", "F", "U")
CBP_RELATIONSHIPS = ("HEAD", "SPOUSE", "CHILD", "OTHER")
CBP_CLASSIFICATIONS = ("FMUA", "UAC", "SA")
CBP_DISPOSITIONS = ("PROSECUTION", "NTA", "ER", "VR", "UAC_TRANSFER")
CBP_TRANSFERRED_TO = ("USMS", "ICE", "ORR", "RELEASED")
CBP_SEPARATION_REASONS = ("PROSECUTION", "CRIMINAL_HISTORY", "FRAUD_SUSPECTED", "MEDICAL", "OTHER")


def _cbp_role(typed: dict[str, Any], age: int | None) -> str | None:
    # The classification is CBP's own statement; a separated child is
    # reclassified UAC, so UAC always means a child. The family relationship
    # comes next; the age at apprehension settles the rest.
    classification = typed["classification"]
    if classification == "UAC":
        return "child"
    if classification == "SA":
        return "adult"
    relationship = typed["relationship"]
    if relationship == "CHILD":
        return "child"
    if relationship in ("HEAD", "SPOUSE"):
        return "adult"
    return _role_by_age(age, None)


def _finish_cbp(typed: dict, fields: dict, raw: dict, warnings: list[str]) -> None:
    dob, apprehended = typed["dob"], typed["apprehended_at"]
    _check_birth_against_instant("dob", dob, "apprehended_at", apprehended, raw)
    c.ends_before("transferred_at", typed["transferred_at"], "apprehended_at", apprehended, raw)
    age = _age(dob, apprehended.local_date if apprehended is not None else None)
    sex = typed["sex"]
    _common(
        fields,
        name=c.name_json(c.split_name(typed["first_name"], typed["last_name"], warnings)),
        birth=c.birth(dob),
        sex=None if sex == "U" else sex,
        a_number=typed["a_number"],
        fin=typed["fin"],
        country=typed["citizenship"],
        event_id=typed["event_id"],
        role_hint=_cbp_role(typed, age),
    )


CBP = FeedSpec(
    feed="cbp_apprehensions",
    format="csv",
    columns=(
        c.text("record_id"),
        c.text("event_id"),
        c.fin("fin"),
        c.a_number("a_number"),
        c.text("last_name"),
        c.text("first_name"),
        c.iso_date("dob"),
        c.code("sex", CBP_SEX),
        c.country_name("citizenship"),
        c.offset_datetime("apprehended_at"),
        c.text("sector"),
        c.text("station"),
        c.us_state("state"),
        c.text("family_group_id"),
        c.code("relationship", CBP_RELATIONSHIPS),
        c.code("classification", CBP_CLASSIFICATIONS),
        c.code("disposition", CBP_DISPOSITIONS),
        c.code("transferred_to", CBP_TRANSFERRED_TO),
        c.offset_datetime("transferred_at"),
        c.yes_no("separated"),
        c.code("separation_reason", CBP_SEPARATION_REASONS),
        c.text("remarks"),
    ),
    finish=_finish_cbp,
)

# --------------------------------------------------------------------------- 2. USMS

USMS_SEX = ("M", "F")
USMS_RELEASED_TO = ("ICE", "BOP", "RELEASED")
USMS_DISPOSITIONS = (
    "GUILTY PLEA - TIME SERVED",
    "GUILTY PLEA - SENTENCED",
    "DISMISSED",
    "PENDING",
)
_zone_memo = c.memoise(lambda key: district_zone(*key), limit=1_000)


def _finish_usms(typed: dict, fields: dict, raw: dict, warnings: list[str]) -> None:
    booked_text, released_text = typed["booked_at"], typed["released_at"]
    district = typed["district"]
    zone = _zone_memo((district or "", typed["case_number"] or None))
    if zone == "UTC" and (booked_text or released_text):
        if district:
            warnings.append(f"district {district!r} not recognised; booked_at/released_at read as UTC")
        else:
            warnings.append("district is blank; booked_at/released_at read as UTC")
    booked = c.local_minutes("booked_at", booked_text, zone) if booked_text else None
    released = c.local_minutes("released_at", released_text, zone) if released_text else None
    dob = typed["dob"]
    _check_birth_against_instant("dob", dob, "booked_at", booked, raw)
    c.ends_before("released_at", released, "booked_at", booked, raw)
    fields["booked_at"] = booked.iso if booked is not None else None
    fields["released_at"] = released.iso if released is not None else None
    fields["tz"] = zone
    _common(
        fields,
        name=fields["name"],
        birth=c.birth(dob),
        sex=typed["sex"],
        a_number=typed["a_number"],
        fin=typed["fin"],
        country=None,
        event_id=typed["arrest_event_id"],
        # Only adults are prosecuted for illegal entry.
        role_hint="adult",
    )


USMS = FeedSpec(
    feed="usms_custody",
    format="csv",
    columns=(
        c.text("record_id"),
        c.text("register_number"),
        c.last_comma_first("name"),
        c.us_date("dob"),
        c.code("sex", USMS_SEX),
        c.a_number("a_number"),
        c.fin("fin"),
        c.text("arrest_event_id"),
        c.text("booked_at"),  # parsed in _finish_usms, in the district's zone
        c.text("released_at"),
        c.code("released_to", USMS_RELEASED_TO),
        c.text("district"),
        c.text("case_number"),
        c.text("charge"),
        c.code("disposition", USMS_DISPOSITIONS),
    ),
    finish=_finish_usms,
)

# --------------------------------------------------------------------------- 3. ICE

ICE_SEX = ("M", "F")
ICE_BOOK_OUT_REASONS = ("TRANSFER", "RELEASED", "REMOVED", "FAMILY_RESIDENTIAL", "OTHER")


def _finish_ice(typed: dict, fields: dict, raw: dict, warnings: list[str]) -> None:
    dob, book_in = typed["dob"], typed["book_in_at"]
    _check_birth_against_instant("dob", dob, "book_in_at", book_in, raw)
    c.ends_before("book_out_at", typed["book_out_at"], "book_in_at", book_in, raw)
    if typed["removal_country"] is not None and typed["book_out_reason"] != "REMOVED":
        warnings.append(
            f"removal_country {typed['removal_country']!r} given but book_out_reason is "
            f"{typed['book_out_reason'] or 'blank'}"
        )
    age = _age(dob, book_in.local_date if book_in is not None else None)
    _common(
        fields,
        name=c.name_json(c.split_name(typed["first_name"], typed["last_name"], warnings)),
        birth=c.birth(dob),
        sex=typed["sex"],
        a_number=typed["a_number"],
        fin=typed["fin"],
        country=typed["country_of_birth"],
        event_id=None,
        # Detention stays are adults' (children go to ORR); a recorded birth
        # date that makes the person a minor is believed over that default.
        role_hint=_role_by_age(age, "adult"),
    )


ICE = FeedSpec(
    feed="ice_detentions",
    format="csv",
    columns=(
        c.text("record_id"),
        c.a_number("a_number"),
        c.fin("fin"),
        c.text("last_name"),
        c.text("first_name"),
        c.iso_date("dob"),
        c.code("sex", ICE_SEX),
        c.iso2("country_of_birth"),
        c.utc_naive_datetime("book_in_at"),
        c.utc_naive_datetime("book_out_at"),
        c.text("facility_code"),
        c.text("facility_name"),
        c.us_state("facility_state"),
        c.code("book_out_reason", ICE_BOOK_OUT_REASONS),
        c.iso2("removal_country"),
        c.stated_children("stated_children"),
        c.yes_no("declined_reunification"),
        c.iso_date("declined_at"),
    ),
    finish=_finish_ice,
)

# --------------------------------------------------------------------------- 4. ORR

ORR_GENDERS = ("Male", "Female")
_ORR_SEX = {"Male": "M", "Female": "F"}


def _finish_orr(typed: dict, fields: dict, raw: dict, warnings: list[str]) -> None:
    dob, referred = typed["dob"], typed["referred_at"]
    _check_birth_against_instant("dob", dob, "referred_at", referred, raw)
    spoken = typed["languages"]
    fields["languages"] = spoken["folded"] if spoken is not None else None
    fields["languages_raw"] = spoken["raw"] if spoken is not None else None
    _common(
        fields,
        name=c.name_json(c.split_name(typed["first_name"], typed["last_name"], warnings)),
        birth=c.birth(dob, typed["dob_estimated"]),
        sex=_ORR_SEX.get(typed["gender"]) if typed["gender"] is not None else None,
        a_number=typed["a_number"],
        fin=None,
        country=typed["country_of_birth"],
        event_id=typed["apprehension_event_id"],
        # ORR cares only for children in its custody.
        role_hint="child",
    )


ORR = FeedSpec(
    feed="orr_referrals",
    format="jsonl",
    columns=(
        c.json_text("record_id"),
        c.json_text("uac_id"),
        c.a_number("a_number"),
        c.json_text("first_name"),
        c.json_text("last_name"),
        c.us_date("dob"),
        c.json_bool("dob_estimated"),
        c.whole_number("age_at_referral"),
        c.code("gender", ORR_GENDERS),
        c.country_name("country_of_birth"),
        c.languages("languages"),
        c.utc_z_datetime("referred_at"),
        c.json_text("referring_agency"),
        c.json_text("referring_office"),
        c.json_text("apprehension_event_id"),
        c.json_bool("separated_from_parent"),
        c.stated_parents("stated_parents"),
        c.placements("placements"),
    ),
    finish=_finish_orr,
)

# --------------------------------------------------------------------------- 5. DNA

DNA_RESULTS = ("INCLUSION", "EXCLUSION", "INCONCLUSIVE")


def _finish_dna(typed: dict, fields: dict, raw: dict, warnings: list[str]) -> None:
    _ends_before_date("reported_at", typed["reported_at"], "collected_at", typed["collected_at"], raw)
    _common(
        fields,
        name=fields["adult_name"],
        birth=None,
        sex=None,
        a_number=typed["adult_a_number"],
        fin=None,
        country=None,
        event_id=None,
        role_hint="adult",
    )


DNA = FeedSpec(
    feed="dna_results",
    format="csv",
    columns=(
        c.text("record_id"),
        c.text("child_uac_id"),
        c.a_number("adult_a_number"),
        c.free_name("adult_name"),
        c.iso_date("collected_at"),
        c.code("result", DNA_RESULTS),
        c.iso_date("reported_at"),
    ),
    finish=_finish_dna,
)

# --------------------------------------------------------------------------- 6. court

COURT_FINDINGS = (
    "UNFIT",
    "DANGER_TO_CHILD",
    "CRIMINAL_HISTORY",
    "COMMUNICABLE_DISEASE",
    "NO_FINDING",
)


def _finish_court(typed: dict, fields: dict, raw: dict, warnings: list[str]) -> None:
    dob = typed["subject_dob"]
    _check_birth_against_date("subject_dob", dob, "found_at", typed["found_at"], raw)
    _common(
        fields,
        name=fields["subject_name"],
        birth=c.birth(dob),
        sex=None,
        a_number=typed["a_number"],
        fin=None,
        country=None,
        event_id=None,
        role_hint="adult",
    )


COURT = FeedSpec(
    feed="court_findings",
    format="csv",
    columns=(
        c.text("record_id"),
        c.text("court"),
        c.text("case_number"),
        c.free_name("subject_name"),
        c.iso_date("subject_dob"),
        c.a_number("a_number"),
        c.code("finding", COURT_FINDINGS),
        c.iso_date("found_at"),
        c.text("summary"),
    ),
    finish=_finish_court,
)

# --------------------------------------------------------------------------- 7. NGO

NGO_OUTCOMES = ("LOCATED", "UNREACHABLE", "DECEASED")
NGO_PREFERENCES = ("REUNIFY_IN_US", "REUNIFY_ABROAD", "DECLINED", "UNDECIDED")


def _finish_ngo(typed: dict, fields: dict, raw: dict, warnings: list[str]) -> None:
    dob = typed["parent_dob"]
    _check_birth_against_date("parent_dob", dob, "contacted_at", typed["contacted_at"], raw)
    phone = typed["phone"]
    if phone is not None and not _E164.fullmatch(phone):
        warnings.append(f"phone {phone!r} is not in E.164 form; kept as written")
    _common(
        fields,
        name=fields["parent_name"],
        birth=c.birth(dob),
        sex=None,
        a_number=None,
        fin=None,
        country=typed["country"],
        event_id=None,
        role_hint="adult",
    )


NGO = FeedSpec(
    feed="ngo_locates",
    format="csv",
    columns=(
        c.text("record_id"),
        c.text("organization"),
        c.free_name("parent_name"),
        c.iso_date("parent_dob"),
        c.country_name("country"),
        c.text("locality"),
        c.text("phone"),
        c.free_name("child_name"),
        c.whole_number("child_age"),
        c.iso_date("contacted_at"),
        c.code("outcome", NGO_OUTCOMES),
        c.code("preference", NGO_PREFERENCES),
    ),
    finish=_finish_ngo,
)

#: Every feed's spec, by feed name.
SPECS: dict[str, FeedSpec] = {spec.feed: spec for spec in (CBP, USMS, ICE, ORR, DNA, COURT, NGO)}
