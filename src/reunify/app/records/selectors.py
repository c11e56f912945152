"""Reads over records and quarantine, streamed so an export never holds a whole table in memory."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from reunify.app.accounts import policy

from .models import Delivery, QuarantinedRow, Record


def records_current(feed: str | None = None) -> Iterator[Record]:
    """Every record's current version, in record-key order."""
    queryset = Record.objects.select_related("delivery").order_by("record_key")
    if feed:
        queryset = queryset.filter(feed=feed)
    return queryset.iterator(chunk_size=2000)


def quarantine_rows() -> Iterator[QuarantinedRow]:
    """Every quarantined row, in delivery order then line."""
    return (
        QuarantinedRow.objects.select_related("delivery")
        .order_by("delivery__delivery_date", "delivery__seq", "delivery__file_name", "line")
        .iterator(chunk_size=2000)
    )


def deliveries() -> list[Delivery]:
    return list(Delivery.objects.order_by("delivery_date", "seq", "feed"))


# --------------------------------------------------------------------------- pages (scoped by the access policy)


def deliveries_in_scope(user: Any, feed: str | None = None) -> QuerySet[Delivery]:
    """The deliveries the user may see (a data officer: their agency's feeds), newest first."""
    queryset = policy.scope(user, "delivery.view", Delivery.objects.all(), feed_field="feed")
    if feed:
        queryset = queryset.filter(feed=feed)
    return queryset.order_by("-delivery_date", "-seq", "feed", "-id")


def quarantine_in_scope(
    user: Any, feed: str | None = None, delivery: str | None = None
) -> QuerySet[QuarantinedRow]:
    """Quarantined rows the user may see, by delivery (newest first) then line; ``delivery`` is a file name."""
    queryset = policy.scope(
        user,
        "quarantine.view",
        QuarantinedRow.objects.select_related("delivery"),
        feed_field="delivery__feed",
    )
    if feed:
        queryset = queryset.filter(delivery__feed=feed)
    if delivery:
        queryset = queryset.filter(delivery__file_name=delivery)
    return queryset.order_by(
        "-delivery__delivery_date", "-delivery__seq", "delivery__file_name", "line", "id"
    )


def feeds_in_scope(user: Any, action: str) -> list[str]:
    """The feeds the user's deliveries come from, for a filter's choices (only feeds with a delivery)."""
    queryset = policy.scope(user, action, Delivery.objects.all(), feed_field="feed")
    return sorted(set(queryset.values_list("feed", flat=True)))
