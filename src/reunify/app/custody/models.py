"""Stored separations: one row per (child, parent), rebuilt after every linkage run, judged by the rules.

Why stored although they can be computed: reports, lists and pages read them
many times between two linkage runs, and a separation needs an identity that
a caseworker's notes (and later the casework application) can point to.  The
row of a (child, parent) pair keeps its id across rebuilds; a pair that a
later run no longer finds is kept and marked not current, never deleted.

``facts`` holds the plain facts the rules judge (``reunify.rules``
``SeparationFacts``), so changing or adding a rule set re-evaluates every
row (``reunify rules apply``) without rebuilding custody.
"""

from __future__ import annotations

from django.db import models

from reunify.app.people.models import LinkRun, Person


class StoredSeparation(models.Model):
    """A child separated from an accompanying parent, with outcome, judicial basis, evidence and rule results."""

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="separations_as_child")
    parent = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="separations_as_parent")
    current = models.BooleanField(default=True, db_index=True)
    run = models.ForeignKey(LinkRun, on_delete=models.PROTECT, related_name="+")
    tie_status = models.CharField(max_length=10)
    event_id = models.CharField(max_length=80)
    apprehended_at = models.CharField(max_length=40)
    separated_at = models.DateField(db_index=True)
    separated_instant = models.CharField(max_length=40, blank=True, default="")
    agency = models.CharField(max_length=10)
    stated_reason = models.JSONField(default=dict)
    stated_reason_text = models.TextField(blank=True, default="")
    judicial_basis = models.BooleanField(db_index=True)
    judicial_findings = models.JSONField(default=list)
    outcome = models.CharField(max_length=24, db_index=True)
    outcome_at = models.DateField(null=True)
    reunified_at = models.DateField(null=True)
    parent_removed_to = models.CharField(max_length=8, blank=True, default="")
    ngo_locates = models.JSONField(default=list)
    record_keys = models.JSONField(default=list)
    notes = models.JSONField(default=list)
    facts = models.JSONField(default=dict)
    membership = models.CharField(max_length=16, blank=True, default="", db_index=True)
    evaluation = models.JSONField(default=dict)
    rule_sets = models.JSONField(default=list)
    evaluated_as_of = models.DateField(null=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["child__public_id", "parent__public_id"]
        constraints = [models.UniqueConstraint(fields=["child", "parent"], name="one_separation_per_pair")]

    def __str__(self) -> str:
        return f"{self.child_id} from {self.parent_id} on {self.separated_at}"

    def export_row(self, child_person_id: str, parent_person_id: str) -> dict[str, str]:
        """The row of ``reunify export separations`` (EXPORTS.md)."""
        return {
            "child_person_id": child_person_id,
            "parent_person_id": parent_person_id,
            "separated_at": self.separated_at.isoformat(),
            "reunified_at": self.reunified_at.isoformat() if self.reunified_at else "",
            "outcome": self.outcome,
            "judicial_basis": "Y" if self.judicial_basis else "N",
        }


class SeparationBuild(models.Model):
    """One rebuild (or rules-only re-evaluation) of the stored separations, with what it used and found."""

    run = models.ForeignKey(LinkRun, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10)  # REBUILD or EVALUATE
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    evaluated_as_of = models.DateField()
    rule_sets = models.JSONField(default=list)
    rule_folders = models.JSONField(default=list)
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-id"]
