"""The case pages: the scoped case list, one family's case, and the court's status-only view of it.

Views stay thin: a selector reads (already asking the access policy), a
service writes (asking it again, checking ``seen_version`` and auditing), and
the view only parses the form and chooses what to render.

Every write is a POST to its own URL. With htmx (``HX-Request``) the answer is
the panel that changed, plus out-of-band copies of the panels the change also
moves (a logged call clears the contact flag and meets a deadline), always
with status 200 so htmx swaps it in, refusals included. Without htmx the
answer is a redirect after success, or the whole page with the refusal
shown in its panel and a 4xx status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from reunify.app import clock
from reunify.app.accounts import policy
from reunify.app.audit.services import audit_record
from reunify.app.web.decorators import requires

from . import forms as case_forms
from . import selectors, services
from .errors import CaseNotFound, ConsentIncomplete, InvalidChange, RemovalWithoutDecline, StaleEdit
from .models import Case, CaseStep, CaseTask, Team

PAGE_SIZE = 25

#: Panels of the case page, in page order; each is ``cases/_panel_<name>.html`` with the id ``panel-<name>``.
PANELS = ("summary", "family", "deadlines", "steps", "flags", "contacts", "choice", "tasks")


# --- the list -------------------------------------------------------------------------------------------


class CaseListFilter(forms.Form):
    assigned = forms.ChoiceField(
        label=gettext_lazy("Cases"),
        required=False,
        choices=[
            ("", gettext_lazy("All I may see")),
            (selectors.LIST_MINE, gettext_lazy("Mine")),
            (selectors.LIST_TEAM, gettext_lazy("My team's")),
        ],
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("", gettext_lazy("Any")),
            (Case.OPEN, gettext_lazy("Open")),
            (Case.CLOSED, gettext_lazy("Closed")),
        ],
    )
    overdue = forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)
    review = forms.BooleanField(label=gettext_lazy("Needs review only"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        case_forms._style(self)


@require_GET
@requires("case.view_status")
def case_list(request: HttpRequest) -> HttpResponse:
    """``/cases/``: the cases in the user's scope, soonest deadline first, with filters and pages."""
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = Case.OPEN  # what a caseworker opens the list for; "any" is one choice away
    form = CaseListFilter(data)
    criteria = form.cleaned_data if form.is_valid() else {"status": Case.OPEN}
    action, summaries = selectors.case_list_for_user(
        request.user,
        assigned=criteria.get("assigned") or "",
        status=criteria.get("status") or "",
        overdue_only=bool(criteria.get("overdue")),
        needs_review=bool(criteria.get("review")),
    )
    page = Paginator(summaries, PAGE_SIZE).get_page(request.GET.get("page"))
    personal = action == "case.view"
    names: dict[str, str] = {}
    if personal:
        shown = [s.case.child_person_id for s in page] + [p for s in page for p in s.parents]
        names = selectors.person_names(shown)
        if len(page):
            audit_record(
                request.user, "case.list", target_type="case", request=request,
                detail={"cases": [s.case.case_id for s in page], "persons": sorted(set(shown))},
            )  # fmt: skip
    else:
        form.fields.pop("assigned")
    rows = [
        {
            "case": s.case,
            "next_deadline": s.next_deadline,
            "overdue": s.overdue,
            "open_flags": s.open_flags,
            # The court's view carries no person ids at all, not even to a template that would skip them.
            "child": (s.case.child_person_id, names.get(s.case.child_person_id, "")) if personal else None,
            "parents": [(p, names.get(p, "")) for p in s.parents] if personal else [],
        }
        for s in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "personal": personal,
        "query": query.urlencode(),
        "overdue_total": sum(1 for s in summaries if s.overdue),
    }
    # A history restore (back button after hx-push-url) needs the whole page, not the results alone.
    partial = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    template = "cases/_list_results.html" if partial else "cases/list.html"
    return render(request, template, context)


# --- the case page --------------------------------------------------------------------------------------


@dataclass
class Notice:
    """A message shown inside one panel: what was saved, or why it was refused."""

    panel: str
    level: str  # "success", "error" or "warning"
    text: str
    title: str = ""


def _step_forms(page: selectors.CasePage, bound: dict[str, forms.Form]) -> list[dict[str, Any]]:
    rows = []
    for step in page.steps:
        key = step.kind.lower()
        update = bound.get(f"step_update:{step.kind}") or case_forms.StepUpdateForm(
            prefix_id=key,
            initial={
                "seen_version": step.version,
                "owner": step.owner_id,
                "due_on": step.due_at.date() if step.due_at else None,
                "status": step.status if step.status not in (CaseStep.DONE, CaseStep.NOT_APPLICABLE) else "",
                "notes": step.notes,
            },
        )
        rows.append(
            {
                "step": step,
                "open_flags": page.step_flags.get(step.kind, 0),
                "update_form": update,
                "can_start": step.status in (CaseStep.NOT_STARTED, CaseStep.BLOCKED),
                "can_complete": step.status not in (CaseStep.DONE, CaseStep.NOT_APPLICABLE),
                "editable": step.status not in (CaseStep.DONE, CaseStep.NOT_APPLICABLE),
            }
        )
    return rows


def _detail_context(
    request: HttpRequest,
    case_id: str,
    bound: dict[str, forms.Form] | None = None,
    notice: Notice | None = None,
) -> dict[str, Any]:
    """The case page's context: the selector's data, what the user may change, and each panel's forms."""
    user = request.user
    page = selectors.case_page(user, case_id)
    case = page.case
    bound = bound or {}
    parents = page.present_parents
    can_assign = policy.allows(user, "case.assign", case)
    may = {
        "edit": policy.allows(user, "case.edit", case),
        "step": policy.allows(user, "case.step_complete", case),
        "contact": policy.allows(user, "case.contact_log", case),
        "choice": policy.allows(user, "case.choice_record", case),
        "assign": can_assign,
    }
    read_only_reason = None if may["edit"] else policy.refusal_reason(user, "case.edit", case)
    now = clock.now().replace(second=0, microsecond=0)
    return {
        "page": page,
        "case": case,
        "may": may,
        "read_only_reason": read_only_reason,
        "notice": notice,
        "steps": _step_forms(page, bound),
        "track_form": bound.get("track")
        or case_forms.TrackForm(initial={"seen_version": case.version, "track": case.track}),
        "review_form": bound.get("review")
        or case_forms.ReviewResolveForm(initial={"seen_version": case.version}),
        "assign_form": bound.get("assign")
        or case_forms.AssignForm(
            initial={"seen_version": case.version, "assignee": case.assignee_id, "team": case.team_id}
        ),
        "flag_form": bound.get("flag_raise") or case_forms.FlagRaiseForm(prefix_id="flag"),
        "resolve_forms": {
            f["id"]: bound.get(f"flag_resolve:{f['id']}")
            or case_forms.FlagResolveForm(prefix_id=f"flag{f['id']}")
            for f in page.flags
            if f["id"] and not f["resolved"]
        },
        "contact_form": bound.get("contact")
        or case_forms.ContactForm(
            parents=parents,
            prefix_id="contact",
            initial={"occurred_at": now.strftime("%Y-%m-%dT%H:%M"), "completed": "yes"},
        ),
        "choice_form": bound.get("choice")
        or case_forms.ChoiceForm(parents=parents, prefix_id="choice", initial={"signed_on": now.date()}),
        "removal_form": bound.get("removal") or case_forms.RemovalForm(parents=parents, prefix_id="removal"),
        "task_form": bound.get("task_create")
        or case_forms.TaskCreateForm(can_assign=can_assign, prefix_id="task_new"),
        "task_rows": [
            {
                "task": task,
                "form": bound.get(f"task:{task.pk}")
                or case_forms.TaskStatusForm(
                    prefix_id=f"task{task.pk}", initial={"seen_version": task.version, "status": task.status}
                ),
            }
            for task in page.tasks
        ],
        "now": clock.now(),
    }


@require_GET
@requires("case.view_status")
def case_detail(request: HttpRequest, case_id: str) -> HttpResponse:
    """``/cases/<case_id>/``: the whole case for ``case.view``, its status only for ``case.view_status``."""
    try:
        action = selectors.case_read_action(request.user)
        if action == "case.view_status":
            status = selectors.case_status_page(request.user, case_id)
            return render(request, "cases/status.html", {"status": status, "case": status.case})
        return _render_page(request, case_id)
    except CaseNotFound as exc:
        raise Http404(str(exc)) from exc


def _render_page(
    request: HttpRequest,
    case_id: str,
    *,
    bound: dict[str, forms.Form] | None = None,
    notice: Notice | None = None,
    status: int = 200,
) -> HttpResponse:
    context = _detail_context(request, case_id, bound, notice)
    page: selectors.CasePage = context["page"]
    # Every read of a family's personal details is recorded, with the sensitive categories shown.
    audit_record(
        request.user, "case.view", target_type="case", target_id=page.case.case_id, request=request,
        detail={
            "child": page.case.child_person_id,
            "parents": [p.person_id for p in page.parents],
            "sensitive_shown": page.sensitive_shown,
        },
    )  # fmt: skip
    context["panels"] = PANELS
    return render(request, "cases/detail.html", context, status=status)


def _render_panels(
    request: HttpRequest,
    case_id: str,
    panels: tuple[str, ...],
    *,
    bound: dict[str, forms.Form] | None = None,
    notice: Notice | None = None,
) -> HttpResponse:
    """The first panel swapped in place, the others out of band (``hx-swap-oob``): what one change moved."""
    context = _detail_context(request, case_id, bound, notice)
    html = [
        render_to_string(f"cases/_panel_{name}.html", {**context, "oob": index > 0}, request=request)
        for index, name in enumerate(panels)
    ]
    return HttpResponse("".join(html))


def _when(moment: dt.datetime | None) -> str:
    if moment is None:
        return _("an unknown time")
    return formats.date_format(timezone.localtime(moment, dt.UTC), "Y-m-d H:i") + " UTC"


def _refusal(panel: str, exc: Exception) -> tuple[Notice, int]:
    """The notice and HTTP status for a refusal by a casework service."""
    if isinstance(exc, StaleEdit):
        return (
            Notice(
                panel,
                "error",
                _(
                    "Not saved: %(target)s was changed by %(who)s at %(when)s, after you opened it. "
                    "Their change is kept and shown here; check it, then apply yours again if it is still needed."
                )
                % {"target": exc.target, "who": exc.changed_by, "when": _when(exc.changed_at)},
                _("Someone else saved first"),
            ),
            409,
        )
    if isinstance(exc, RemovalWithoutDecline):
        return Notice(panel, "error", str(exc), _("Removal refused")), 409
    if isinstance(exc, ConsentIncomplete):
        return Notice(panel, "error", str(exc), _("Evidence of informed consent missing")), 422
    return Notice(panel, "error", str(exc), _("Not saved")), 409


def _act(
    request: HttpRequest,
    case_id: str,
    *,
    panels: tuple[str, ...],
    key: str,
    form: forms.Form,
    perform: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """Validate, call the service, and answer: the panels (htmx) or a redirect / the whole page (no htmx).

    ``key`` names the form on the page, so a refused form comes back with what
    the user typed, except after a stale edit: then the page shows the current
    state (the first person's change) and the forms start from it.
    """
    htmx = bool(request.headers.get("HX-Request"))
    panel = panels[0]
    bound: dict[str, forms.Form] = {}
    try:
        if not form.is_valid():
            notice, status = Notice(panel, "error", _("Check the fields marked below."), _("Not saved")), 400
            bound = {key: form}
        else:
            perform(form.cleaned_data)
            notice, status = Notice(panel, "success", done), 200
    except StaleEdit as exc:
        notice, status = _refusal(panel, exc)
    except (InvalidChange, ConsentIncomplete, RemovalWithoutDecline) as exc:
        notice, status = _refusal(panel, exc)
        bound = {key: form}
    except CaseNotFound as exc:
        raise Http404(str(exc)) from exc
    if htmx:
        return _render_panels(request, case_id, panels, bound=bound, notice=notice)
    if status == 200:
        messages.success(request, done)
        return redirect(reverse("cases:detail", args=[case_id]) + f"#panel-{panel}", permanent=False)
    return _render_page(request, case_id, bound=bound, notice=notice, status=status)


# --- steps ----------------------------------------------------------------------------------------------


def _kind(kind: str) -> str:
    if kind not in dict(CaseStep.KINDS):
        raise Http404(f"no step {kind!r}")
    return kind


@require_POST
@requires("case.step_complete")
def step_start(request: HttpRequest, case_id: str, kind: str) -> HttpResponse:
    kind = _kind(kind)
    return _act(
        request, case_id, panels=("steps",), key=f"step_update:{kind}",
        form=case_forms.SeenForm(request.POST),
        perform=lambda d: services.case_step_start(case_id, kind, seen_version=d["seen_version"], by=request.user),
        done=_("Step started."),
    )  # fmt: skip


@require_POST
@requires("case.step_complete")
def step_complete(request: HttpRequest, case_id: str, kind: str) -> HttpResponse:
    kind = _kind(kind)
    return _act(
        request, case_id, panels=("steps",), key=f"step_complete:{kind}",
        form=case_forms.StepCompleteForm(request.POST, prefix_id=f"{kind.lower()}_done"),
        perform=lambda d: services.case_step_complete(
            case_id, kind, seen_version=d["seen_version"], by=request.user,
            notes=d["notes"] if d.get("notes") else services.KEEP,
        ),
        done=_("Step completed."),
    )  # fmt: skip


@require_POST
@requires("case.edit")
def step_update(request: HttpRequest, case_id: str, kind: str) -> HttpResponse:
    kind = _kind(kind)
    form = case_forms.StepUpdateForm(request.POST, prefix_id=kind.lower())

    def perform(data: dict[str, Any]) -> object:
        return services.case_step_update(
            case_id, kind, seen_version=data["seen_version"], by=request.user,
            owner=data["owner"], due_at=form.due_at, notes=data["notes"], status=data["status"],
        )  # fmt: skip

    return _act(
        request, case_id, panels=("steps",), key=f"step_update:{kind}", form=form, perform=perform,
        done=_("Step saved."),
    )  # fmt: skip


# --- flags ----------------------------------------------------------------------------------------------


@require_POST
@requires("case.edit")
def flag_raise(request: HttpRequest, case_id: str) -> HttpResponse:
    return _act(
        request, case_id, panels=("flags", "steps", "summary"), key="flag_raise",
        form=case_forms.FlagRaiseForm(request.POST, prefix_id="flag"),
        perform=lambda d: services.case_flag_raise(
            case_id, kind=d["kind"], text=d["text"], step_kind=d["step_kind"] or None, by=request.user
        ),
        done=_("Red flag raised."),
    )  # fmt: skip


@require_POST
@requires("case.edit")
def flag_resolve(request: HttpRequest, case_id: str, flag_id: int) -> HttpResponse:
    from .models import CaseFlag

    if not CaseFlag.objects.filter(pk=flag_id, case__case_id=case_id).exists():
        raise Http404(f"no flag {flag_id} on case {case_id}")
    return _act(
        request, case_id, panels=("flags", "steps", "summary"), key=f"flag_resolve:{flag_id}",
        form=case_forms.FlagResolveForm(request.POST, prefix_id=f"flag{flag_id}"),
        perform=lambda d: services.case_flag_resolve(flag_id, resolution=d["resolution"], by=request.user),
        done=_("Red flag resolved."),
    )  # fmt: skip


# --- the case: track, review, assignment ----------------------------------------------------------------


@require_POST
@requires("case.edit")
def track_set(request: HttpRequest, case_id: str) -> HttpResponse:
    return _act(
        request, case_id, panels=("summary", "steps"), key="track",
        form=case_forms.TrackForm(request.POST),
        perform=lambda d: services.case_track_set(
            case_id, track=d["track"], reason=d["reason"], seen_version=d["seen_version"], by=request.user
        ),
        done=_("Track saved."),
    )  # fmt: skip


@require_POST
@requires("case.edit")
def review_resolve(request: HttpRequest, case_id: str) -> HttpResponse:
    return _act(
        request, case_id, panels=("summary",), key="review",
        form=case_forms.ReviewResolveForm(request.POST),
        perform=lambda d: services.case_review_resolve(
            case_id, note=d["note"], seen_version=d["seen_version"], by=request.user
        ),
        done=_("Review recorded."),
    )  # fmt: skip


@require_POST
@requires("case.assign")
def assign(request: HttpRequest, case_id: str) -> HttpResponse:
    return _act(
        request, case_id, panels=("summary",), key="assign",
        form=case_forms.AssignForm(request.POST),
        perform=lambda d: services.case_assign(
            case_id, seen_version=d["seen_version"], by=request.user, assignee=d["assignee"], team=d["team"]
        ),
        done=_("Assignment saved."),
    )  # fmt: skip


# --- contacts, the parent's choice, removals ------------------------------------------------------------


def _parents_of(case_id: str) -> list[tuple[str, str]]:
    """The parent ids a form may name; the service checks them again against the case."""
    from .models import CaseParent

    ids = CaseParent.objects.filter(case__case_id=case_id).values_list("parent_person_id", flat=True)
    return [(p, p) for p in ids]


@require_POST
@requires("case.contact_log")
def contact_log(request: HttpRequest, case_id: str) -> HttpResponse:
    return _act(
        request, case_id, panels=("contacts", "deadlines", "flags", "summary"), key="contact",
        form=case_forms.ContactForm(request.POST, parents=_parents_of(case_id), prefix_id="contact"),
        perform=lambda d: services.case_contact_log(
            case_id, parent_person_id=d["parent_person_id"], kind=d["kind"], occurred_at=d["occurred_at"],
            completed=d["completed"], duration_minutes=d["duration_minutes"], notes=d["notes"], by=request.user,
        ),
        done=_("Contact logged."),
    )  # fmt: skip


@require_POST
@requires("case.choice_record")
def choice_record(request: HttpRequest, case_id: str) -> HttpResponse:
    return _act(
        request, case_id, panels=("choice", "deadlines", "flags", "summary"), key="choice",
        form=case_forms.ChoiceForm(request.POST, parents=_parents_of(case_id), prefix_id="choice"),
        perform=lambda d: services.case_parent_choice_record(case_id, by=request.user, **d),
        done=_("The parent's choice is recorded."),
    )  # fmt: skip


@require_POST
@requires("case.edit")
def removal_record(request: HttpRequest, case_id: str) -> HttpResponse:
    return _act(
        request, case_id, panels=("choice", "deadlines", "flags", "summary"), key="removal",
        form=case_forms.RemovalForm(request.POST, parents=_parents_of(case_id), prefix_id="removal"),
        perform=lambda d: services.case_parent_removal_record(case_id, by=request.user, **d),
        done=_("Removal recorded."),
    )  # fmt: skip


# --- tasks ----------------------------------------------------------------------------------------------


@require_POST
@requires("case.edit")
def task_create(request: HttpRequest, case_id: str) -> HttpResponse:
    form = case_forms.TaskCreateForm(
        request.POST, can_assign=policy.allows(request.user, "case.assign"), prefix_id="task_new"
    )

    def perform(data: dict[str, Any]) -> object:
        assignee: Any = data.get("assignee")
        team: Team | None = data.get("team")
        return services.case_task_create(
            case_id, title=data["title"], details=data["details"], assignee=assignee, team=team,
            due_at=form.due_at, by=request.user,
        )  # fmt: skip

    return _act(
        request, case_id, panels=("tasks",), key="task_create", form=form, perform=perform,
        done=_("Task created."),
    )  # fmt: skip


@require_POST
@requires("case.edit")
def task_update(request: HttpRequest, case_id: str, task_id: int) -> HttpResponse:
    if not CaseTask.objects.filter(pk=task_id, case__case_id=case_id).exists():
        raise Http404(f"no task {task_id} on case {case_id}")
    return _act(
        request, case_id, panels=("tasks",), key=f"task:{task_id}",
        form=case_forms.TaskStatusForm(request.POST, prefix_id=f"task{task_id}"),
        perform=lambda d: services.case_task_update(
            task_id, seen_version=d["seen_version"], status=d["status"], by=request.user
        ),
        done=_("Task saved."),
    )  # fmt: skip
