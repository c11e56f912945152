"""Reads over records and quarantine, streamed so an export never holds a whole table in memory."""

from __future__ import annotations

from collections.abc import Iterator

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
