"""The person page and the review queue: the evidence behind a person, and the decisions people make on it."""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reunify.app.accounts import policy
from reunify.app.api.errors import ApiError
from reunify.app.api.services import api_person_decide, api_tie_decide
from reunify.app.audit.services import audit_record
from reunify.app.web.decorators import requires
from reunify.app.web.pages import case_url, is_partial, query_without_page

from .selectors import page_number, person_link_weights, person_page, review_pairs, review_ties, tie_row
from .services import person_decisions_apply, resolve_person

REVIEW_PAGE_SIZE = 20


@requires("person.view")
def person(request: HttpRequest, public_id: str) -> HttpResponse:
    """Every record behind a person side by side, the custody timeline, ties, flags, links and cases.

    A retired id (or a record key) redirects to the person it now belongs to,
    once the policy allowed the user to open that person.
    """
    try:
        found = resolve_person(public_id)
    except LookupError as exc:
        raise Http404(str(exc)) from exc
    policy.require(request.user, "person.view", found)
    if found.public_id != public_id:
        return redirect("people:person", public_id=found.public_id)
    data, read = person_page(request.user, found.public_id)
    audit_record(
        request.user,
        "person.view",
        target_type="person",
        target_id=found.public_id,
        detail=read.detail(via="web", child=data["child"]),
        request=request,
    )
    data["case_links"] = [(case.case_id, case_url(case.case_id)) for case in data["cases"]]
    return render(request, "people/person.html", {"person": data})


@requires("person.view")
def person_links(request: HttpRequest, public_id: str) -> HttpResponse:
    """Each link's match weight per comparison: loaded by the person page when scrolled to (re-scoring is slow)."""
    try:
        found = resolve_person(public_id)
    except LookupError as exc:
        raise Http404(str(exc)) from exc
    policy.require(request.user, "person.view", found)
    if found.public_id != public_id:
        return redirect("people:links", public_id=found.public_id)
    data, read = person_link_weights(request.user, found.public_id)
    audit_record(
        request.user,
        "person.links",
        target_type="person",
        target_id=found.public_id,
        detail=read.detail(via="web", child=data["child"]),
        request=request,
    )
    template = "people/_links.html" if is_partial(request) else "people/person_links.html"
    return render(request, template, {"person": data})


@requires("review.view")
def review_queue(request: HttpRequest) -> HttpResponse:
    """The queue of uncertain record pairs (tab ``persons``) or candidate ties (tab ``ties``)."""
    tab = "ties" if request.GET.get("tab") == "ties" else "persons"
    number = page_number(request.GET.get("page"))
    if tab == "ties":
        page, ties, read = review_ties(request.user, number, REVIEW_PAGE_SIZE)
        pairs = []
    else:
        page, pairs, read = review_pairs(request.user, number, REVIEW_PAGE_SIZE)
        ties = []
    audit_record(
        request.user,
        f"review.{tab}",
        target_type="tie" if tab == "ties" else "record_pair",
        detail=read.detail(via="web", page=number, count=page.count),
        request=request,
    )
    context = {
        "tab": tab,
        "page": page,
        "pairs": pairs,
        "ties": ties,
        "may_decide": policy.allows(request.user, "review.decide"),
        "query": query_without_page(request),
    }
    return render(request, "people/review.html", context)


def _back_to_queue(tab: str) -> HttpResponse:
    return redirect(f"{reverse('review:queue')}?tab={tab}")


def _decision_refused(request: HttpRequest, error: str) -> HttpResponse:
    """The reason a decision was not recorded, swapped into the entry's error slot; the form stays as it was."""
    response = render(request, "people/_review_error.html", {"error": error})
    entry = request.POST.get("entry", "")
    if re.fullmatch(r"[A-Za-z][\w-]{0,60}", entry):
        response["HX-Retarget"] = f"#{entry}-error"
        response["HX-Reswap"] = "innerHTML"
    return response


@require_POST
@requires("review.decide")
def review_tie_decide(request: HttpRequest) -> HttpResponse:
    """Confirm or reject a candidate tie with a reason; applied to the stored ties at once.

    htmx swaps the tie's row with its new state; without htmx the queue is shown again with a message.
    """
    parent = request.POST.get("parent", "")
    child = request.POST.get("child", "")
    choice = request.POST.get("decision", "")
    reason = request.POST.get("reason", "").strip()
    error = ""
    if choice not in ("confirm", "reject"):
        error = _("Choose whether this adult is the child's parent.")
    elif not reason:
        error = _("Give a reason: what shows that this adult is, or is not, the parent.")
    else:
        try:
            api_tie_decide(
                request.user,
                parent=parent,
                child=child,
                confirm=choice == "confirm",
                reason=reason,
                expected_status=request.POST.get("expected_status") or None,
                request=request,
                via="web",
            )
        except LookupError as exc:
            raise Http404(str(exc)) from exc
        except ApiError as exc:  # decided by someone else meanwhile, or the same person twice
            error = exc.message
    if not is_partial(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Decision recorded and applied."))
        return _back_to_queue("ties")
    if error:
        return _decision_refused(request, error)
    tie = tie_row(request.user, parent, child)
    if tie is None:
        raise Http404("no tie is held between these persons")
    return render(
        request,
        "people/_review_tie.html",
        {"tie": tie, "entry": request.POST.get("entry", "tie"), "decided": True, "reason": reason},
    )


@require_POST
@requires("review.decide")
def review_pair_decide(request: HttpRequest) -> HttpResponse:
    """Decide that two records are, or are not, one person, with a reason; applied at once.

    The decision is recorded (and committed) first, then applied by an
    incremental link and the rebuild of what derives from persons
    (``person_decisions_apply``): if applying fails, the decision stays and
    the next ``reunify link`` applies it.
    """
    key_a = request.POST.get("record_key_a", "")
    key_b = request.POST.get("record_key_b", "")
    choice = request.POST.get("decision", "")
    reason = request.POST.get("reason", "").strip()
    error = ""
    applied: dict = {}
    if choice not in ("same", "different"):
        error = _("Choose whether the two records are the same person.")
    elif not reason:
        error = _("Give a reason: what shows that these records are, or are not, one person.")
    else:
        try:
            api_person_decide(
                request.user,
                record_key_a=key_a,
                record_key_b=key_b,
                same=choice == "same",
                reason=reason,
                expected_status=request.POST.get("expected_status") or None,
                request=request,
                via="web",
            )
        except LookupError as exc:
            raise Http404(str(exc)) from exc
        except ApiError as exc:
            error = exc.message
        else:
            applied = person_decisions_apply()
    if not is_partial(request):
        if error:
            messages.error(request, error)
        elif applied.get("applied"):
            messages.success(request, _("Decision recorded and applied: the persons were linked again."))
        else:
            messages.success(request, _("Decision recorded; the persons change at the next linkage run."))
        return _back_to_queue("persons")
    if error:
        return _decision_refused(request, error)
    return render(
        request,
        "people/_review_pair_decided.html",
        {
            "record_key_a": key_a,
            "record_key_b": key_b,
            "choice": choice,
            "reason": reason,
            "applied": applied,
        },
    )
