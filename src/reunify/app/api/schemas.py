"""The shapes of the API's requests and responses, as the OpenAPI description publishes them.

Fields whose content is the agencies' own (a record's fields, the rules'
evaluation) are open objects: their keys are documented in FEEDS.md and the
rule sets, and freezing them here would make every new feed column an API change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import AwareDatetime, BaseModel, ConfigDict

TieStatus = Literal["CONFIRMED", "PROBABLE", "CANDIDATE", "REJECTED"]


class ErrorDetail(Schema):
    status: int
    code: str = Field(
        ..., description="Stable machine-readable code, e.g. token_expired, stale_edit, invalid."
    )
    message: str = Field(..., description="What was refused and why, in words a person can act on.")
    field: str | None = Field(None, description="The request field at fault (422, some 409), else null.")


class ErrorOut(Schema):
    error: ErrorDetail


class PageMeta(Schema):
    count: int = Field(..., description="Items in the whole list, after the access policy's scope.")
    limit: int
    offset: int


# --- persons


class PersonSummaryOut(Schema):
    person_id: str
    name: str
    other_names: list[str]
    dob: dt.date | None
    sex: str | None
    child: bool
    a_numbers: list[str]
    fins: list[str]
    countries: list[str]
    states: list[str]
    agencies: list[str]
    record_count: int
    score: int | None = Field(None, description="Search only: higher is a better match.")
    matched: list[str] | None = Field(None, description="Search only: how the query matched.")


class PersonPage(PageMeta):
    items: list[PersonSummaryOut]


class RecordOut(Schema):
    record_key: str
    feed: str
    delivery_date: str | None
    fields: dict[str, Any]


class EpisodeOut(Schema):
    agency: str
    kind: str
    facility: str | None
    state: str | None
    start: str
    end: str | None
    end_reason: str | None
    destination: str | None
    detail: dict[str, Any]
    record_keys: list[str]


class LocationOut(Schema):
    status: str
    agency: str | None
    kind: str | None
    facility: str | None
    state: str | None
    since: str
    destination: str | None
    record_keys: list[str]


class FindingOut(Schema):
    kind: str
    message: str
    record_keys: list[str]


class CustodyOut(Schema):
    person_id: str
    episodes: list[EpisodeOut]
    location: LocationOut | None
    findings: list[FindingOut]
    asked_for: str | None = None
    child: bool | None = None
    withheld_categories: list[str] | None = None


class EvidenceOut(Schema):
    kind: str
    weight: float
    text: str
    record_keys: list[str] = []
    side: Literal["for", "against", "neutral"] = Field(
        "neutral",
        description="For the tie (weight > 0), against it (weight < 0, a constraint that held it back, the "
        "records naming the adult as another relation), or neither (the prior, a decision).",
    )


class ReviewReasonOut(Schema):
    code: str = Field(
        ...,
        description="Stable: possible_relative, presented_unsupported, competing_parent, too_young, "
        "held_by_rule or review_band.",
    )
    label: str = Field(..., description="The reason in a few words, in the request's language.")
    text: str = Field(
        ..., description="The records' own words behind the reason (a remark is quoted as written)."
    )


class TieFlagOut(Schema):
    kind: str = Field(
        ..., description="E.g. POSSIBLE_RELATIVE, PRESENTED_AS_PARENT_UNSUPPORTED, DNA_EXCLUSION."
    )
    text: str
    record_keys: list[str]


class TieOut(Schema):
    parent_person_id: str
    child_person_id: str
    relationship: str
    status: str
    probability: float
    evidence: list[EvidenceOut]
    review_reasons: list[ReviewReasonOut] = Field(
        [],
        description="Why a CANDIDATE tie waits for a person, most telling first; empty at any other status.",
    )
    flags: list[TieFlagOut] = Field([], description="The family model's findings about this adult and child.")
    withheld_categories: list[str] | None = None


class TieDetailOut(TieOut):
    evidence_for: list[EvidenceOut] = Field(
        ..., description="The lines of ``evidence`` that speak for the tie."
    )
    evidence_against: list[EvidenceOut] = Field(
        ..., description="The lines against it, a remark quoted as the agency wrote it."
    )
    evidence_neutral: list[EvidenceOut] = Field(..., description="The prior and any decision.")


class TiePage(PageMeta):
    items: list[TieOut]


class FlagOut(Schema):
    kind: str
    text: str
    record_keys: list[str]


class PersonDetailOut(Schema):
    person_id: str
    asked_for: str = Field(
        ..., description="The id or record key asked for; a merged person's old id leads here."
    )
    child: bool
    summary: PersonSummaryOut | None
    records: list[RecordOut]
    links: list[dict[str, Any]] = Field(
        ..., description="For each record, its strongest link and each weight."
    )
    model_version: str
    custody: CustodyOut
    ties: list[TieOut]
    flags: list[FlagOut]
    withheld_categories: list[str] = Field(
        ..., description="Sensitive categories this user may not see; omitted wherever they occur."
    )


# --- separations


class SeparationOut(Schema):
    child_person_id: str
    parent_person_id: str
    current: bool
    tie_status: str
    event_id: str
    apprehended_at: str
    separated_at: dt.date
    agency: str
    stated_reason: str
    judicial_basis: bool
    outcome: str
    outcome_at: dt.date | None
    reunified_at: dt.date | None
    parent_removed_to: str | None
    membership: str | None


class SeparationDetailOut(SeparationOut):
    stated_reason_codes: dict[str, Any]
    judicial_findings: list[Any]
    ngo_locates: list[Any]
    record_keys: list[str]
    notes: list[Any]
    facts: dict[str, Any] = Field(
        ..., description="The facts the rules judge (reunify.rules SeparationFacts)."
    )
    evaluation: dict[str, Any] = Field(
        ..., description="The rules' evaluation: deadlines, membership, findings."
    )
    rule_sets: list[Any]
    evaluated_as_of: dt.date | None
    withheld_categories: list[str]


class SeparationPage(PageMeta):
    items: list[SeparationOut]


# --- review


class ReviewPairOut(Schema):
    record_key_a: str
    record_key_b: str
    match_probability: float
    match_weight: float
    explanation: list[dict[str, Any]]
    status: str


class ReviewPairPage(PageMeta):
    items: list[ReviewPairOut]


class PersonDecisionIn(Schema):
    record_key_a: str = Field(..., min_length=3)
    record_key_b: str = Field(..., min_length=3)
    decision: Literal["same", "different"]
    reason: str = Field(..., min_length=1, pattern=r"\S", description="The evidence a colleague can check.")
    expected_status: Literal["OPEN", "DECIDED"] | None = Field(
        None, description="The review status you saw; if it changed since, 409 and nothing is recorded."
    )


class PersonDecisionOut(Schema):
    record_key_a: str
    record_key_b: str
    decision: str
    decided_by: str
    decided_at: dt.datetime
    reason: str
    applied: str


class TieDecisionIn(Schema):
    parent: str = Field(..., description="The adult: person id or record key.")
    child: str = Field(..., description="The child: person id or record key.")
    decision: Literal["confirm", "reject"]
    reason: str = Field(..., min_length=1, pattern=r"\S", description="The evidence a colleague can check.")
    expected_status: TieStatus | None = Field(
        None, description="The tie status you saw; if it changed since, 409 and nothing is recorded."
    )


class TieDecisionOut(Schema):
    decision: str
    decided_by: str
    decided_at: dt.datetime
    reason: str
    tie: TieOut | None


# --- cases


class CaseSummaryOut(Schema):
    case_id: str
    status: str
    track: str
    needs_review: bool
    separated_at: str | None
    next_deadline: dict[str, Any] | None
    overdue: list[dict[str, Any]]
    open_flags: int
    version: int
    child_person_id: str | None = Field(None, description="Absent from the court's status-only view.")
    parents: list[str] | None = None
    assignee: str | None = None
    team: str | None = None


class CasePage(PageMeta):
    items: list[CaseSummaryOut]


class CaseDetailOut(BaseModel):
    """Parties, steps, deadlines, contacts, choices, removals, tasks and flags (``case.view``), or status,
    steps and deadlines only (``case.view_status``).

    A plain pydantic model, not a ninja ``Schema``: the full view's further keys pass through as they are
    (ninja's ``Schema`` keeps declared fields only), and the court's view has no null placeholders for them.
    """

    model_config = ConfigDict(extra="allow")

    case_id: str
    version: int
    status: str
    steps: list[dict[str, Any]]
    deadlines: list[dict[str, Any]]


class StepCompleteIn(Schema):
    seen_version: int = Field(..., ge=1, description="The step's version you read; a newer one means 409.")
    notes: str | None = None
    at: AwareDatetime | None = Field(None, description="When it was completed, if entered after the fact.")


class StepOut(Schema):
    case_id: str
    kind: str
    status: str
    version: int
    owner: str | None
    started_at: dt.datetime | None
    completed_at: dt.datetime | None
    notes: str


class ContactIn(Schema):
    parent_person_id: str
    kind: Literal["PHONE", "VIDEO", "VISIT"]
    occurred_at: AwareDatetime
    completed: bool = Field(..., description="False: attempted, did not happen.")
    duration_minutes: int | None = Field(None, ge=0)
    notes: str = ""


class ContactOut(Schema):
    id: int
    case_id: str
    parent_person_id: str
    kind: str
    occurred_at: dt.datetime
    completed: bool
    duration_minutes: int | None
    notes: str
    logged_by: str
    logged_at: dt.datetime


class ChoiceIn(Schema):
    parent_person_id: str
    choice: Literal["REUNIFY", "DECLINE", "OTHER"]
    form_id: str
    form_name: str
    language: str
    signed_on: dt.date
    document_ref: str
    interpreter: str = ""
    witness: str = Field("", description="Required for DECLINE.")
    detail: str = Field("", description="Required for OTHER.")


class ChoiceOut(Schema):
    id: int
    case_id: str
    parent_person_id: str
    choice: str
    form_id: str
    signed_on: dt.date
    recorded_by: str
    recorded_at: dt.datetime


class RemovalIn(Schema):
    parent_person_id: str
    removed_at: AwareDatetime
    with_child: bool = False
    country: str = ""
    notes: str = ""


class RemovalOut(Schema):
    id: int
    case_id: str
    parent_person_id: str
    removed_at: dt.datetime
    with_child: bool
    decline_choice_id: int | None
    recorded_by: str


# --- reports and the caller


class FigureOut(Schema):
    key: str
    label: str
    value: int
    definition: str


class ReportTableOut(Schema):
    title: str
    figures: list[FigureOut]


class StatusReportOut(Schema):
    as_of: dt.date
    basis: str
    rule_sets: list[str]
    tables: list[ReportTableOut]


class TokenOut(Schema):
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime


class MeOut(Schema):
    username: str
    role: str | None
    agency: str | None
    state: str | None
    team: str | None
    grants: list[str]
    actions: list[str]
    token: TokenOut
