"""``/api/review``: the queues of uncertain record pairs and candidate ties, and the decisions that empty them.

``decided_by`` is always the token's user, never a field of the request: a
decision is only as trustworthy as the name on it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from .. import selectors, services
from ..disclosure import Disclosure
from ..schemas import (
    PersonDecisionIn,
    PersonDecisionOut,
    ReviewPairPage,
    TieDecisionIn,
    TieDecisionOut,
    TiePage,
)
from . import READ_ERRORS, WRITE_ERRORS, PageIn, audit_read, created

router = Router(tags=["review"])


@router.get("/persons", response={200: ReviewPairPage, **READ_ERRORS}, summary="Record pairs to review")
def review_persons(request: HttpRequest, page: Query[PageIn]) -> Any:
    """Open record pairs the model was unsure about, most likely match first, each with its weights (``review.view``)."""
    result, read = selectors.review_persons_page(request.user, page.limit, page.offset)
    audit_read(request, "api.review.persons", "record_pair", "", read, count=result.count)
    return result.as_dict()


@router.get("/ties", response={200: TiePage, **READ_ERRORS}, summary="Candidate ties to review")
def review_ties(request: HttpRequest, page: Query[PageIn]) -> Any:
    """Candidate parent-child ties, most likely first, with their evidence (``review.view``)."""
    result, read = selectors.review_ties_page(request.user, page.limit, page.offset)
    audit_read(request, "api.review.ties", "tie", "", read, count=result.count)
    return result.as_dict()


@router.post("/persons", response={201: PersonDecisionOut, **WRITE_ERRORS}, summary="Decide a record pair")
def review_persons_decide(request: HttpRequest, payload: PersonDecisionIn) -> Any:
    """Two records are the same person, or different persons (``review.decide``): applied at once, and by every later run."""
    decision = services.api_person_decide(
        request.user,
        record_key_a=payload.record_key_a,
        record_key_b=payload.record_key_b,
        same=payload.decision == "same",
        reason=payload.reason,
        expected_status=payload.expected_status,
        request=request,
    )
    from reunify.app.people.services import person_decisions_apply

    try:
        applied = person_decisions_apply()
        outcome = (
            f"applied at once ({applied['reason']}): {applied.get('persons_new', 0)} persons new, "
            f"{applied.get('persons_retired', 0)} retired"
            if applied["applied"]
            else f"nothing to re-link: {applied['reason']}"
        )
    except Exception as exc:  # the decision is stored; the next `reunify link` applies it
        outcome = f"recorded; applying it failed ({exc}); the next `reunify link` applies it"
    return created(
        {
            "record_key_a": decision.record_key_a,
            "record_key_b": decision.record_key_b,
            "decision": decision.decision,
            "decided_by": decision.decided_by,
            "decided_at": decision.decided_at,
            "reason": decision.reason,
            "applied": outcome,
        }
    )


@router.post("/ties", response={201: TieDecisionOut, **WRITE_ERRORS}, summary="Confirm or reject a tie")
def review_ties_decide(request: HttpRequest, payload: TieDecisionIn) -> Any:
    """The adult is, or is not, the child's parent (``review.decide``); applied to the stored ties at once."""
    decision, tie = services.api_tie_decide(
        request.user,
        parent=payload.parent,
        child=payload.child,
        confirm=payload.decision == "confirm",
        reason=payload.reason,
        expected_status=payload.expected_status,
        request=request,
    )
    disclosure = Disclosure.for_user(request.user)
    return created(
        {
            "decision": decision.decision,
            "decided_by": decision.decided_by,
            "decided_at": decision.decided_at,
            "reason": decision.reason,
            "tie": selectors.tie_dict(tie, disclosure) if tie else None,
        }
    )
