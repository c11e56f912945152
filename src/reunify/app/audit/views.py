"""The auditor's page: search the log by actor, action, target and dates, newest first, paginated."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from reunify.app.audit.selectors import audit_entries_search
from reunify.app.audit.services import audit_record
from reunify.app.web.decorators import requires

PAGE_SIZE = 50


class AuditSearchForm(forms.Form):
    actor = forms.CharField(label=_("Actor (username)"), required=False, max_length=150)
    action = forms.CharField(label=_("Action (or its start, e.g. auth.)"), required=False, max_length=80)
    target = forms.CharField(label=_("Target (type:id, type, or id)"), required=False, max_length=260)
    since = forms.DateField(
        label=_("From (date)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To (date)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "usa-input"


@requires("audit.view")
def search(request: HttpRequest) -> HttpResponse:
    form = AuditSearchForm(request.GET or None)
    criteria = form.cleaned_data if form.is_valid() else {}
    entries = audit_entries_search(request.user, **{k: v for k, v in criteria.items() if v})
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    # Reading the log is itself an access worth recording.
    audit_record(
        request.user, "audit.search", request=request, detail={k: str(v) for k, v in criteria.items() if v}
    )
    query = request.GET.copy()
    query.pop("page", None)
    template = "audit/_results.html" if request.headers.get("HX-Request") else "audit/search.html"
    return render(request, template, {"form": form, "page": page, "query": query.urlencode()})
