"""The application's "now": the real time, or a fixed instant for a demonstration or a replay.

Why a setting: deadlines are counted from now.  A demo of the 2018 separations
served in 2026 would show every case thousands of days overdue and nothing
due "in the next days"; with ``REUNIFY_CLOCK`` set (ISO date or date-time,
UTC) the pages count as a caseworker would have on that day.  The demo sets
it to the day of the latest delivery.  Records of who did what and when
(audit, decisions, edits) always carry the real time.
"""

from __future__ import annotations

import datetime as dt
import os

from django.utils import timezone


def fixed_instant() -> dt.datetime | None:
    """The instant ``REUNIFY_CLOCK`` names, or None when the application follows the real clock."""
    text = os.environ.get("REUNIFY_CLOCK", "").strip()
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"REUNIFY_CLOCK must be an ISO date or date-time, not {text!r}") from exc
    if len(text) == 10:  # a date: noon, so "today" is that day in every zone of the feeds
        value = value.replace(hour=12)
    return value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)


def now() -> dt.datetime:
    """The instant deadlines are counted from."""
    return fixed_instant() or timezone.now()
