"""Every row as delivered, versioned, with its provenance; bad rows quarantined.

A ``Delivery`` row exists only once its whole file is stored: ingestion writes
the delivery, its records and its quarantine in one transaction, so a crash
leaves no half-delivery behind and the next run simply does the file again.
"""

from __future__ import annotations

from django.db import models


class Delivery(models.Model):
    """One feed file, ingested whole."""

    file_name = models.CharField(max_length=255, unique=True)
    feed = models.CharField(max_length=40, db_index=True)
    delivery_date = models.DateField()
    seq = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, db_index=True)
    size_bytes = models.BigIntegerField()
    source_path = models.TextField()
    rows_total = models.PositiveIntegerField(default=0)
    rows_new = models.PositiveIntegerField(default=0)
    rows_corrected = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_superseded = models.PositiveIntegerField(default=0)
    rows_quarantined = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list)
    ingested_at = models.DateTimeField(auto_now_add=True)
    ingest_seconds = models.FloatField(default=0.0)

    class Meta:
        ordering = ["delivery_date", "seq", "feed"]
        constraints = [
            models.UniqueConstraint(
                fields=["feed", "delivery_date", "seq"], name="one_delivery_per_feed_date_seq"
            ),
        ]

    def __str__(self) -> str:
        return self.file_name


class Record(models.Model):
    """A row's current state, named by its record key; the newest delivery (by date, then sequence) wins."""

    record_key = models.CharField(max_length=200, unique=True)
    feed = models.CharField(max_length=40, db_index=True)
    record_id = models.CharField(max_length=160)
    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="current_records")
    delivery_date = models.DateField()
    delivery_seq = models.PositiveIntegerField(default=0)
    line = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=32)
    raw = models.JSONField()
    fields = models.JSONField()
    warnings = models.JSONField(default=list)
    version_count = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["record_key"]

    def __str__(self) -> str:
        return self.record_key


class RecordVersion(models.Model):
    """Every distinct content a record key was delivered with, so earlier versions stay visible."""

    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="versions")
    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="versions")
    line = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=32)
    raw = models.JSONField()
    fields = models.JSONField()
    warnings = models.JSONField(default=list)

    class Meta:
        ordering = ["record_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["record", "delivery"], name="one_version_per_record_delivery"),
        ]


class QuarantinedRow(models.Model):
    """A row that could not be understood, kept with the precise reason so a data officer can fix it."""

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="quarantined_rows")
    line = models.PositiveIntegerField()
    record_id = models.CharField(max_length=160, blank=True, default="")
    column = models.CharField(max_length=80, blank=True, default="")
    reason = models.TextField()
    raw_text = models.TextField()

    class Meta:
        ordering = ["delivery_id", "line"]

    @property
    def record_key(self) -> str:
        """``<feed>:<record_id>`` when the id could be read, else ``<file name>:<line>`` (EXPORTS.md)."""
        if self.record_id:
            return f"{self.delivery.feed}:{self.record_id}"
        return f"{self.delivery.file_name}:{self.line}"
