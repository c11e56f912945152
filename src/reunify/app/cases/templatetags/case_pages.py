"""Small filters for the case pages: a deadline's countdown in words, and codes made readable."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()

_STATUS_WORDS = {
    "MET": "met",
    "MISSED": "missed",
    "OPEN": "open",
    "EXCUSED": "excused",
    "UNKNOWN": "unknown",
}


@register.filter
def countdown(deadline: Any) -> str:
    """Days left, due today, or days overdue, in words (the colour of the tag is never the only signal)."""
    days = getattr(deadline, "days_left", None)
    if days is None:
        return _("no date")
    if days < 0:
        late = -days
        return ngettext("%(n)d day overdue", "%(n)d days overdue", late) % {"n": late}
    if days == 0:
        return _("due today")
    return ngettext("%(n)d day left", "%(n)d days left", days) % {"n": days}


@register.filter
def humanise(code: Any) -> str:
    """``IN_CUSTODY`` -> ``In custody``: a code from the data shown as words, untranslated like the data."""
    if not code:
        return ""
    text = str(code).replace("_", " ").lower()
    return text[:1].upper() + text[1:]


@register.filter
def deadline_status(status: str) -> str:
    """A rules-engine deadline status in words."""
    words = {
        "MET": _("met"),
        "MISSED": _("missed"),
        "OPEN": _("open"),
        "EXCUSED": _("excused"),
        "UNKNOWN": _("unknown"),
    }
    return str(words.get(status, _STATUS_WORDS.get(status, status)))


@register.filter
def due_day(deadline: Any) -> str:
    """The day a deadline falls due, as the court's order counts it.

    ``CaseDeadline.due_at`` is the instant it passes (the end of the due day,
    i.e. midnight UTC after it); shown as a date that would read one day late.
    """
    due_at = getattr(deadline, "due_at", None)
    if due_at is None:
        return "?"
    return (due_at.astimezone(dt.UTC) - dt.timedelta(microseconds=1)).date().isoformat()
