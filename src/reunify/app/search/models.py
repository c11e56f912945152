"""A person's summary and search terms, derived from the linked records and rebuilt after each link.

Why a derived table rather than reading the records on every page: a result
list, a dashboard count or a policy check (is this person a child? in which
states was this person held?) must not parse every record of every person it
shows; with 100,000 families that is half a million JSON documents.  Both
tables are rebuilt from the records, persons and custody ledger, so they are
never a source of truth of their own.
"""

from __future__ import annotations

from django.db import models

from reunify.app.people.models import Person


class PersonSummary(models.Model):
    """What a list shows about a person, and what the access policy needs to know about them."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="summary")
    public_id = models.CharField(max_length=16, unique=True)
    display_name = models.CharField(max_length=200)
    other_names = models.JSONField(default=list)
    dob = models.DateField(null=True)
    sex = models.CharField(max_length=1, blank=True, default="")
    is_child = models.BooleanField(default=False, db_index=True)
    a_numbers = models.JSONField(default=list)
    fins = models.JSONField(default=list)
    countries = models.JSONField(default=list)
    states = models.JSONField(default=list)
    agencies = models.JSONField(default=list)
    record_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["public_id"]

    def __str__(self) -> str:
        return f"{self.public_id} {self.display_name}"


class SearchTerm(models.Model):
    """One indexed term of a person (see ``reunify.names.search``): a word, a sound, an identifier or a key."""

    term = models.CharField(max_length=220, db_index=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["term", "person"], name="one_term_per_person")]
