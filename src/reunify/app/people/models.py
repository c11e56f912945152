"""Persons as the linkage decided them, and the human decisions it must obey.

The linkage itself lives in ``reunify.linkage`` (no Django). What is stored
here is its outcome with provenance: each run with the model version it used,
each person with a stable public id, each record's person, and the decisions
people made, which are kept apart from the runs so that no rebuild loses them.
"""

from __future__ import annotations

from django.db import models

from reunify.app.records.models import Record


class LinkRun(models.Model):
    """One run of the person linkage: its model, figures and timings, so any person is traceable."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True)
    records = models.PositiveIntegerField(default=0)
    persons = models.PositiveIntegerField(default=0)
    persons_new = models.PositiveIntegerField(default=0)
    persons_kept = models.PositiveIntegerField(default=0)
    persons_retired = models.PositiveIntegerField(default=0)
    model_version = models.CharField(max_length=32, blank=True, default="")
    model_settings = models.TextField(blank=True, default="")
    counts = models.JSONField(default=dict)
    timings = models.JSONField(default=dict)
    blocking = models.JSONField(default=list)
    # How the run linked: FULL (every pair scored) or INCREMENTAL (only pairs with a touched record),
    # whether it trained its model, and what it saw, so the next run knows what changed since.
    FULL = "FULL"
    INCREMENTAL = "INCREMENTAL"
    kind = models.CharField(max_length=12, default=FULL)
    trained = models.BooleanField(default=True)
    records_changed = models.PositiveIntegerField(default=0)  # new or with a new version since the last run
    state_folder = models.CharField(
        max_length=64, blank=True, default=""
    )  # features and pairs, for the next run
    person_decisions_seen = models.BigIntegerField(default=0)  # highest PersonDecision id applied
    tie_decisions_seen = models.BigIntegerField(default=0)  # highest TieDecision id applied

    class Meta:
        ordering = ["-started_at"]


class Person(models.Model):
    """A real person as the system understands them. ``public_id`` never changes once given.

    When a later run merges two persons, the one that keeps fewer records is
    retired (``retired_run``) and points to the survivor (``merged_into``), so
    an old bookmark still leads somewhere meaningful.
    """

    public_id = models.CharField(max_length=16, unique=True)
    created_run = models.ForeignKey(LinkRun, on_delete=models.PROTECT, related_name="created_persons")
    retired_run = models.ForeignKey(
        LinkRun, on_delete=models.PROTECT, null=True, blank=True, related_name="retired_persons"
    )
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        ordering = ["public_id"]

    def __str__(self) -> str:
        return self.public_id


class PersonRecord(models.Model):
    """Which person a record belongs to, as of the latest run.

    ``content_hash`` is the record's content hash when a run last linked it:
    a record whose current hash differs has a new version the linkage has not
    seen yet, which is how an incremental run knows what to re-link.
    """

    record = models.OneToOneField(Record, on_delete=models.PROTECT, related_name="person_link")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="record_links")
    run = models.ForeignKey(LinkRun, on_delete=models.PROTECT, related_name="+")
    content_hash = models.CharField(max_length=32, blank=True, default="")


class PersonDecision(models.Model):
    """A person's decision that two records are, or are not, the same person. Append-only.

    The latest decision about a pair is the one in force; earlier ones stay as
    the history of who changed their mind, when and why.
    """

    SAME = "SAME"
    DIFFERENT = "DIFFERENT"
    CHOICES = [(SAME, "same person"), (DIFFERENT, "different persons")]

    record_key_a = models.CharField(max_length=200)
    record_key_b = models.CharField(max_length=200)
    decision = models.CharField(max_length=10, choices=CHOICES)
    decided_by = models.CharField(max_length=150)
    decided_at = models.DateTimeField()
    reason = models.TextField()

    class Meta:
        ordering = ["decided_at", "id"]
        indexes = [models.Index(fields=["record_key_a", "record_key_b"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(record_key_a__lt=models.F("record_key_b")), name="decision_pair_ordered"
            ),
        ]


class PersonReview(models.Model):
    """A pair the model was unsure about, waiting for a person to decide."""

    OPEN = "OPEN"
    DECIDED = "DECIDED"

    run = models.ForeignKey(LinkRun, on_delete=models.CASCADE, related_name="reviews")
    record_key_a = models.CharField(max_length=200)
    record_key_b = models.CharField(max_length=200)
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    explanation = models.JSONField(default=list)
    status = models.CharField(max_length=10, default=OPEN)

    class Meta:
        ordering = ["-match_probability", "record_key_a", "record_key_b"]


class Tie(models.Model):
    """A parent-child tie between two persons, as the family model (or a person) decided it."""

    CONFIRMED = "CONFIRMED"
    PROBABLE = "PROBABLE"
    CANDIDATE = "CANDIDATE"
    REJECTED = "REJECTED"
    STATUSES = [(s, s.title()) for s in (CONFIRMED, PROBABLE, CANDIDATE, REJECTED)]

    run = models.ForeignKey(LinkRun, on_delete=models.CASCADE, related_name="ties")
    parent = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="ties_as_parent")
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="ties_as_child")
    relationship = models.CharField(max_length=8)  # MOTHER, FATHER or PARENT
    status = models.CharField(max_length=10, choices=STATUSES)
    probability = models.FloatField()
    evidence = models.JSONField(default=list)

    class Meta:
        ordering = ["child__public_id", "relationship"]
        constraints = [models.UniqueConstraint(fields=["parent", "child"], name="one_tie_per_pair")]


class TieDecision(models.Model):
    """A person's decision that an adult is, or is not, a child's parent. Append-only; the latest is in force.

    Anchored on record keys rather than person ids, so the decision still
    finds its people if a later run renumbers or merges them.
    """

    CONFIRM = "CONFIRM"
    REJECT = "REJECT"

    parent_record_key = models.CharField(max_length=200)
    child_record_key = models.CharField(max_length=200)
    decision = models.CharField(max_length=8, choices=[(CONFIRM, "is the parent"), (REJECT, "is not")])
    decided_by = models.CharField(max_length=150)
    decided_at = models.DateTimeField()
    reason = models.TextField()

    class Meta:
        ordering = ["decided_at", "id"]


class PersonFlag(models.Model):
    """A finding about a person that someone must look at, e.g. an adult DNA excluded as the parent."""

    run = models.ForeignKey(LinkRun, on_delete=models.CASCADE, related_name="flags")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="flags")
    kind = models.CharField(max_length=40)
    text = models.TextField()
    record_keys = models.JSONField(default=list)
    #: The other person of the finding (for a tie's flag, the child), so a tie can show the flags about it.
    other = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="flags_about", null=True, blank=True
    )
