"""Builders of hand-made records with FIELDS.md's normalised fields, for the custody tests.

Only the fields custody reads are filled; the rest of a real row (names,
dates of birth, identifiers) plays no part in the ledger or in separations.
"""

from __future__ import annotations

from typing import Any

from reunify.linkage.person_records import LinkRecord


def cbp(
    record_id: str,
    event_id: str,
    apprehended_at: str,
    transferred_to: str | None,
    transferred_at: str | None,
    *,
    disposition: str = "NTA",
    classification: str = "FMUA",
    separation_reason: str | None = None,
    remarks: str | None = None,
    station: str = "CLINT",
    state: str = "TX",
) -> LinkRecord:
    fields: dict[str, Any] = {
        "record_id": record_id,
        "event_id": event_id,
        "apprehended_at": apprehended_at,
        "transferred_to": transferred_to,
        "transferred_at": transferred_at,
        "disposition": disposition,
        "classification": classification,
        "separation_reason": separation_reason,
        "remarks": remarks,
        "sector": "EL PASO",
        "station": station,
        "state": state,
    }
    return LinkRecord(f"cbp_apprehensions:{record_id}", "cbp_apprehensions", fields)


def usms(
    record_id: str,
    booked_at: str,
    released_at: str | None,
    released_to: str | None,
    *,
    event_id: str | None = None,
) -> LinkRecord:
    fields = {
        "record_id": record_id,
        "booked_at": booked_at,
        "released_at": released_at,
        "released_to": released_to,
        "district": "W.D. Tex.",
        "tz": "America/Chicago",
        "arrest_event_id": event_id,
        "event_id": event_id,
        "disposition": "GUILTY PLEA - TIME SERVED",
    }
    return LinkRecord(f"usms_custody:{record_id}", "usms_custody", fields)


def ice(
    record_id: str,
    book_in_at: str,
    book_out_at: str | None,
    reason: str | None,
    *,
    facility_code: str = "OTR",
    facility_name: str = "OTERO COUNTY PROCESSING CENTER",
    state: str = "NM",
    removal_country: str | None = None,
    declined: bool | None = None,
    declined_at: str | None = None,
) -> LinkRecord:
    fields = {
        "record_id": record_id,
        "book_in_at": book_in_at,
        "book_out_at": book_out_at,
        "book_out_reason": reason,
        "facility_code": facility_code,
        "facility_name": facility_name,
        "facility_state": state,
        "removal_country": removal_country,
        "declined_reunification": declined,
        "declined_at": declined_at,
    }
    return LinkRecord(f"ice_detentions:{record_id}", "ice_detentions", fields)


def orr(
    record_id: str,
    event_id: str | None,
    referred_at: str,
    placements: list[tuple[str, str, str, str | None, str | None]],
) -> LinkRecord:
    fields = {
        "record_id": record_id,
        "uac_id": f"UAC-{record_id}",
        "referred_at": referred_at,
        "referring_agency": "CBP",
        "apprehension_event_id": event_id,
        "event_id": event_id,
        "placements": [
            {
                "program": program,
                "program_state": state,
                "admitted_at": admitted,
                "discharged_at": discharged,
                "discharge_type": discharge_type,
            }
            for program, state, admitted, discharged, discharge_type in placements
        ],
    }
    return LinkRecord(f"orr_referrals:{record_id}", "orr_referrals", fields)


def court(record_id: str, finding: str, found_at: str) -> LinkRecord:
    fields = {"record_id": record_id, "finding": finding, "found_at": found_at, "court": "W.D. Tex."}
    return LinkRecord(f"court_findings:{record_id}", "court_findings", fields)


def ngo(record_id: str, contacted_at: str) -> LinkRecord:
    fields = {
        "record_id": record_id,
        "contacted_at": contacted_at,
        "country": "GT",
        "outcome": "LOCATED",
        "preference": "REUNIFY_IN_US",
    }
    return LinkRecord(f"ngo_locates:{record_id}", "ngo_locates", fields)
