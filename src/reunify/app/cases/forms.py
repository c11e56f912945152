"""The case page's forms: parsing and field checks only; the services decide whether a change is allowed.

Every form that changes a row people edit (case, step, task) carries
``seen_version``, the version the page showed, so the service can refuse a
save made over someone else's (see ``services._compare_and_set``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Case, CaseContact, CaseStep, CaseTask, ParentChoice, Team

_INPUT = "usa-input"


def _style(form: forms.Form) -> None:
    """USWDS classes on every widget (no inline style anywhere: the content security policy forbids it)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "usa-select")
        elif isinstance(widget, forms.Textarea):
            widget.attrs.setdefault("class", "usa-textarea")
            widget.attrs.setdefault("rows", 2)
        elif isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "usa-checkbox__input")
        elif isinstance(widget, forms.RadioSelect):
            widget.attrs.setdefault("class", "usa-radio__input")
        else:
            widget.attrs.setdefault("class", _INPUT)


class _Styled(forms.Form):
    def __init__(self, *args: Any, prefix_id: str = "", **kwargs: Any) -> None:
        # ``prefix_id`` keeps element ids unique when the page shows one form per step or task.
        if prefix_id:
            kwargs.setdefault("auto_id", f"id_{prefix_id}_%s")
        super().__init__(*args, **kwargs)
        _style(self)


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    """A browser's ``datetime-local`` has no zone: read it in the server's zone (UTC, as the pages say)."""
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment, dt.UTC)


def _day_end(day: dt.date | None) -> dt.datetime | None:
    """A due date as the instant it passes: the end of that day, UTC (the rules engine counts the same way)."""
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=dt.UTC)


def case_workers() -> Iterable[Any]:
    """Users who can hold a step or a task: caseworkers and supervisors, by username."""
    return (
        get_user_model()
        .objects.filter(is_active=True, access__role__in=["caseworker", "supervisor"])
        .order_by("username")
    )


class _UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_username()


def _user_field(label: str) -> _UserChoice:
    return _UserChoice(
        queryset=get_user_model().objects.none(), required=False, label=label, empty_label=_("(nobody)")
    )


def _team_field(label: str) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Team.objects.all(), required=False, label=label, empty_label=_("(no team)")
    )


def _parent_field(parents: Iterable[tuple[str, str]]) -> forms.ChoiceField:
    return forms.ChoiceField(choices=list(parents), label=_("Parent"))


class SeenForm(_Styled):
    """A bare action (start a step): only the version the user saw."""

    seen_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class StepCompleteForm(SeenForm):
    notes = forms.CharField(label=_("Notes (optional)"), required=False, widget=forms.Textarea)


class StepUpdateForm(SeenForm):
    owner = _user_field(_("Owner"))
    due_on = forms.DateField(
        label=_("Due on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(k, v) for k, v in CaseStep.STATUSES if k not in (CaseStep.DONE, CaseStep.NOT_APPLICABLE)],
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = case_workers()

    @property
    def due_at(self) -> dt.datetime | None:
        return _day_end(self.cleaned_data.get("due_on"))


class FlagRaiseForm(_Styled):
    kind = forms.CharField(label=_("Kind (e.g. DOCUMENT_DOUBTFUL)"), max_length=40, initial="CONCERN")
    text = forms.CharField(label=_("What is wrong"), widget=forms.Textarea)
    step_kind = forms.ChoiceField(label=_("On step"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step_kind"].choices = [("", _("(the whole case)")), *CaseStep.KINDS]


class FlagResolveForm(_Styled):
    resolution = forms.CharField(label=_("What was done about it"), max_length=2000)


class TrackForm(SeenForm):
    track = forms.ChoiceField(label=_("Track"), choices=Case.TRACKS)
    reason = forms.CharField(label=_("Why this track"), widget=forms.Textarea)


class ReviewResolveForm(SeenForm):
    note = forms.CharField(label=_("What you checked"), widget=forms.Textarea)


class AssignForm(SeenForm):
    assignee = _user_field(_("Caseworker"))
    team = _team_field(_("Team"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = case_workers()


class ContactForm(_Styled):
    parent_person_id = forms.ChoiceField(label=_("Parent"))
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseContact.KINDS)
    occurred_at = forms.DateTimeField(
        label=_("When (UTC)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), required=False, min_value=0)
    completed = forms.TypedChoiceField(
        label=_("Did it happen?"),
        choices=[("yes", _("It happened")), ("no", _("Attempted, did not happen"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, parents: Iterable[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent_person_id"].choices = list(parents)

    def clean_occurred_at(self) -> dt.datetime | None:
        return _aware(self.cleaned_data.get("occurred_at"))


class ChoiceForm(_Styled):
    parent_person_id = forms.ChoiceField(label=_("Parent"))
    choice = forms.ChoiceField(label=_("The parent's choice"), choices=ParentChoice.CHOICES)
    form_id = forms.CharField(label=_("Form id"), max_length=60)
    form_name = forms.CharField(label=_("Form name"), max_length=200)
    language = forms.CharField(label=_("Language it was explained in"), max_length=40)
    interpreter = forms.CharField(label=_("Interpreter"), max_length=200, required=False)
    signed_on = forms.DateField(label=_("Signed on"), widget=forms.DateInput(attrs={"type": "date"}))
    witness = forms.CharField(label=_("Witness (required for a decline)"), max_length=200, required=False)
    document_ref = forms.CharField(label=_("Reference of the stored signed form"), max_length=200)
    detail = forms.CharField(label=_("Detail (required for other)"), required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, parents: Iterable[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent_person_id"].choices = list(parents)


class RemovalForm(_Styled):
    parent_person_id = forms.ChoiceField(label=_("Parent"))
    removed_at = forms.DateTimeField(
        label=_("Removed at (UTC)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )
    with_child = forms.BooleanField(label=_("Removed together with the child"), required=False)
    country = forms.CharField(label=_("Country"), max_length=60, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, parents: Iterable[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent_person_id"].choices = list(parents)

    def clean_removed_at(self) -> dt.datetime | None:
        return _aware(self.cleaned_data.get("removed_at"))


class TaskCreateForm(_Styled):
    title = forms.CharField(label=_("Task"), max_length=200)
    details = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea)
    assignee = _user_field(_("Assign to a user"))
    team = _team_field(_("or to a team"))
    due_on = forms.DateField(
        label=_("Due on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, can_assign: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = case_workers()
        if not can_assign:  # assigning needs case.assign; the service would refuse it anyway
            del self.fields["assignee"], self.fields["team"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("assignee") and data.get("team"):
            raise forms.ValidationError(_("A task goes to a user or to a team, not both."))
        return data

    @property
    def due_at(self) -> dt.datetime | None:
        return _day_end(self.cleaned_data.get("due_on"))


class TaskStatusForm(SeenForm):
    status = forms.ChoiceField(label=_("Status"), choices=CaseTask.STATUSES)
