"""``/api/cases``: reunification cases, and the casework writes other systems make.

Writes go through the casework services, which ask the policy, refuse a
stale ``seen_version`` (409, the first change kept) and write their own audit
entry in the write's transaction; the endpoint adds none, so each write is
logged once.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router

from reunify.app.accounts import policy

from .. import selectors
from ..schemas import (
    CaseDetailOut,
    CasePage,
    ChoiceIn,
    ChoiceOut,
    ContactIn,
    ContactOut,
    RemovalIn,
    RemovalOut,
    StepCompleteIn,
    StepOut,
)
from . import READ_ERRORS, WRITE_ERRORS, PageIn, audit_read, created

router = Router(tags=["cases"])

StepKind = Literal[
    "PARENTAGE", "BACKGROUND", "FITNESS", "INTERVIEW", "CHOICE", "TRANSPORT", "TRANSFER", "OUTCOME"
]


@router.get("", response={200: CasePage, **READ_ERRORS}, summary="List cases")
def cases_list(
    request: HttpRequest,
    page: Query[PageIn],
    status: Literal["OPEN", "CLOSED"] | None = None,
    needs_review: bool | None = None,
) -> Any:
    """Cases in your scope by case number, with the next deadline and what is overdue (``case.view``, or
    ``case.view_status`` for the court's view without person ids)."""
    result, read = selectors.cases_page(
        request.user, status=status, needs_review=needs_review, limit=page.limit, offset=page.offset
    )
    audit_read(request, "api.cases.list", "case", "", read, count=result.count)
    return result.as_dict()


@router.get("/{case_id}", response={200: CaseDetailOut, **READ_ERRORS}, summary="One case")
def case_detail(request: HttpRequest, case_id: str) -> Any:
    """Everything on the case (``case.view``), or its status, steps and deadlines (``case.view_status``)."""
    data, read, action = selectors.case_view(request.user, case_id)
    audit_read(request, "api.case.view", "case", case_id, read, view=action)
    return data


@router.post(
    "/{case_id}/steps/{kind}/complete", response={200: StepOut, **WRITE_ERRORS}, summary="Complete a step"
)
def case_step_complete(request: HttpRequest, case_id: str, kind: StepKind, payload: StepCompleteIn) -> Any:
    """Complete a step (``case.step_complete``); ``seen_version`` is the step's version you read."""
    from reunify.app.cases.services import KEEP
    from reunify.app.cases.services import case_step_complete as complete

    policy.require(request.user, "case.step_complete")
    step = complete(
        case_id,
        kind,
        seen_version=payload.seen_version,
        by=request.user,
        at=payload.at,
        notes=payload.notes if payload.notes is not None else KEEP,
    )
    return selectors.case_step_dict(step)


@router.post("/{case_id}/contacts", response={201: ContactOut, **WRITE_ERRORS}, summary="Log a contact")
def case_contact_log(request: HttpRequest, case_id: str, payload: ContactIn) -> Any:
    """Log a call or visit between a parent and the child, held or only attempted (``case.contact_log``)."""
    from reunify.app.cases.services import case_contact_log as log

    policy.require(request.user, "case.contact_log")
    contact = log(case_id, by=request.user, **payload.dict())
    return created(
        {
            "id": contact.pk,
            "case_id": case_id,
            "parent_person_id": contact.parent_person_id,
            "kind": contact.kind,
            "occurred_at": contact.occurred_at,
            "completed": contact.completed,
            "duration_minutes": contact.duration_minutes,
            "notes": contact.notes,
            "logged_by": contact.logged_by.get_username(),
            "logged_at": contact.logged_at,
        }
    )


@router.post(
    "/{case_id}/choices", response={201: ChoiceOut, **WRITE_ERRORS}, summary="Record a parent's choice"
)
def case_parent_choice(request: HttpRequest, case_id: str, payload: ChoiceIn) -> Any:
    """Record a parent's informed choice with the evidence of consent (``case.choice_record``)."""
    from reunify.app.cases.services import case_parent_choice_record

    policy.require(request.user, "case.choice_record")
    choice = case_parent_choice_record(case_id, by=request.user, **payload.dict())
    return created(
        {
            "id": choice.pk,
            "case_id": case_id,
            "parent_person_id": choice.parent_person_id,
            "choice": choice.choice,
            "form_id": choice.form_id,
            "signed_on": choice.signed_on,
            "recorded_by": choice.recorded_by.get_username(),
            "recorded_at": choice.recorded_at,
        }
    )


@router.post("/{case_id}/removals", response={201: RemovalOut, **WRITE_ERRORS}, summary="Record a removal")
def case_parent_removal(request: HttpRequest, case_id: str, payload: RemovalIn) -> Any:
    """Record a separated parent's removal; without the child it is refused (409) unless the parent's choice in
    force is a signed decline (``case.edit``)."""
    from reunify.app.cases.services import case_parent_removal_record

    policy.require(request.user, "case.edit")
    removal = case_parent_removal_record(case_id, by=request.user, **payload.dict())
    return created(
        {
            "id": removal.pk,
            "case_id": case_id,
            "parent_person_id": removal.parent_person_id,
            "removed_at": removal.removed_at,
            "with_child": removal.with_child,
            "decline_choice_id": removal.decline_id,
            "recorded_by": removal.recorded_by.get_username(),
        }
    )
