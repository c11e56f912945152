"""Reunification cases: one per separated family (a child and the parents it was separated from).

A case is keyed on the child's person public id, never on a separation row or
a link run, so it survives every rebuild of persons, ties and separations: the
pipeline refreshes its parties, and a family whose separation vanished after a
linkage correction keeps its case, flagged for a person to review.

Rows that people edit (case, step, task) carry a ``version`` that every update
service compares and bumps in one UPDATE, so a second editor working from an
old copy is refused instead of silently overwriting the first.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models

from reunify.app.people.models import Person

USER = settings.AUTH_USER_MODEL


class Team(models.Model):
    """A group of users that tasks can be assigned to (a shelter's casework team, a legal-aid office).

    Lives here until the accounts app offers its own; tasks only need a name and members.
    """

    name = models.CharField(max_length=120, unique=True)
    members = models.ManyToManyField(USER, related_name="case_teams", blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    """The reunification case of one separated child and the parent(s) it was separated from."""

    OPEN = "OPEN"
    CLOSED = "CLOSED"
    STATUSES = [(OPEN, "open"), (CLOSED, "closed")]

    STANDARD = "STANDARD"
    STREAMLINED = "STREAMLINED"
    TRACKS = [(STANDARD, "standard"), (STREAMLINED, "streamlined (class members, July 2018 plan)")]

    OUTCOMES = [
        ("REUNIFIED", "reunified with a parent"),
        ("PARENT_DECLINED", "parent declined reunification"),
        ("RELEASED_TO_SPONSOR", "released to another sponsor"),
        ("OTHER", "other"),
    ]

    case_id = models.CharField(max_length=20, unique=True)  # C-2018-000123: separation year, number
    number = models.PositiveIntegerField(unique=True)
    child_person_id = models.CharField(max_length=16, unique=True)  # the stable key of the family
    # The same person as a row, for joins and the access policy's scoping; null when not (yet) linked.
    child = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="cases")
    child_person_ids_before = models.JSONField(default=list)  # ids the child had before a merge
    child_birth_date = models.DateField(null=True, blank=True)
    child_birth_estimated = models.BooleanField(default=False)
    separated_at = models.DateField(null=True, blank=True)  # the earliest separation of the family

    status = models.CharField(max_length=8, choices=STATUSES, default=OPEN)
    outcome = models.CharField(max_length=20, choices=OUTCOMES, blank=True, default="")
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_note = models.TextField(blank=True, default="")

    needs_review = models.BooleanField(default=False)
    review_reason = models.TextField(blank=True, default="")

    assignee = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="assigned_cases"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="cases")

    track = models.CharField(max_length=12, choices=TRACKS, default=STANDARD)
    track_chosen_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    track_chosen_at = models.DateTimeField(null=True, blank=True)
    track_reason = models.TextField(blank=True, default="")

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    refreshed_at = models.DateTimeField()  # the last time the pipeline refreshed its parties

    class Meta:
        ordering = ["number"]
        indexes = [models.Index(fields=["status", "needs_review"])]

    def __str__(self) -> str:
        return self.case_id

    # The access policy's target protocol (reunify.app.accounts.policy).
    def policy_person_ids(self) -> Iterable[int]:
        """The persons the case concerns: the child and every parent, as ``Person`` primary keys."""
        ids = [self.child_id] if self.child_id else []
        ids += [p for p in self.parents.values_list("parent_id", flat=True) if p]
        return ids

    def policy_assignment(self) -> tuple[Iterable[int], Iterable[str]]:
        """Who works on the case: its assignee, step owners and task assignees; its team and task teams."""
        users = {self.assignee_id} if self.assignee_id else set()
        users |= {u for u in self.steps.values_list("owner_id", flat=True) if u}
        users |= {u for u in self.tasks.values_list("assignee_id", flat=True) if u}
        teams = {self.team.name} if self.team_id else set()
        teams |= set(self.tasks.filter(team__isnull=False).values_list("team__name", flat=True))
        return users, teams


class CaseParent(models.Model):
    """A parent the child was separated from, as the latest separations say (``present``) or said."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="parents")
    parent_person_id = models.CharField(max_length=16)
    parent = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="case_parties"
    )
    tie_status = models.CharField(max_length=10, blank=True, default="")
    event_id = models.CharField(max_length=60, blank=True, default="")
    separated_at = models.DateField(null=True, blank=True)
    separation_outcome = models.CharField(max_length=24, blank=True, default="")
    separation_outcome_at = models.DateField(null=True, blank=True)
    judicial_basis = models.BooleanField(default=False)
    removed_to = models.CharField(max_length=60, blank=True, default="")
    # The separation's facts as the rules engine reads them (reunify.rules.evaluation.SeparationFacts.as_json).
    facts = models.JSONField(default=dict)
    present = models.BooleanField(default=True)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    gone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "parent_person_id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "parent_person_id"], name="case_parent_once"),
        ]


class CaseStep(models.Model):
    """One step of the joint reunification plan for one case."""

    PARENTAGE = "PARENTAGE"
    BACKGROUND = "BACKGROUND"
    FITNESS = "FITNESS"
    INTERVIEW = "INTERVIEW"
    CHOICE = "CHOICE"
    TRANSPORT = "TRANSPORT"
    TRANSFER = "TRANSFER"
    OUTCOME = "OUTCOME"
    KINDS = [
        (PARENTAGE, "parentage verification"),
        (BACKGROUND, "background check"),
        (FITNESS, "fitness and safety review"),
        (INTERVIEW, "interview"),
        (CHOICE, "the parent's informed choice"),
        (TRANSPORT, "transport"),
        (TRANSFER, "custody transfer"),
        (OUTCOME, "outcome"),
    ]

    NOT_STARTED = "NOT_STARTED"
    IN_PROGRESS = "IN_PROGRESS"
    BLOCKED = "BLOCKED"
    DONE = "DONE"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    STATUSES = [
        (NOT_STARTED, "not started"),
        (IN_PROGRESS, "in progress"),
        (BLOCKED, "blocked"),
        (DONE, "done"),
        (NOT_APPLICABLE, "not applicable"),
    ]

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(max_length=12, choices=KINDS)
    position = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=STATUSES, default=NOT_STARTED)
    guidance = models.TextField(blank=True, default="")  # what this step means on the case's track
    owner = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="case_steps"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True, default="")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["case", "position"]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="case_step_once")]


class CaseFlag(models.Model):
    """A red flag on a case or one of its steps: raised by a person, or by the system (``raised_by`` empty)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="flags")
    step = models.ForeignKey(CaseStep, on_delete=models.PROTECT, null=True, blank=True, related_name="flags")
    kind = models.CharField(max_length=40)
    text = models.TextField()
    raised_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    raised_at = models.DateTimeField()
    resolved_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["case", "raised_at", "id"]
        indexes = [models.Index(fields=["kind", "resolved_at"])]


class CaseContact(models.Model):
    """A call or visit between a parent and the child, held or only attempted. Append-only."""

    PHONE = "PHONE"
    VIDEO = "VIDEO"
    VISIT = "VISIT"
    KINDS = [(PHONE, "phone call"), (VIDEO, "video call"), (VISIT, "visit")]

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="contacts")
    parent_person_id = models.CharField(max_length=16)
    kind = models.CharField(max_length=8, choices=KINDS)
    occurred_at = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    completed = models.BooleanField()  # False: attempted, did not happen
    notes = models.TextField(blank=True, default="")
    logged_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField()

    class Meta:
        ordering = ["case", "occurred_at", "id"]


class ParentChoice(models.Model):
    """A parent's informed choice, with the evidence of consent. Append-only: the latest one is in force."""

    REUNIFY = "REUNIFY"
    DECLINE = "DECLINE"
    OTHER = "OTHER"
    CHOICES = [
        (REUNIFY, "reunify with the child"),
        (DECLINE, "decline reunification (leave the child)"),
        (OTHER, "other"),
    ]

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="choices")
    parent_person_id = models.CharField(max_length=16)
    choice = models.CharField(max_length=8, choices=CHOICES)
    detail = models.TextField(blank=True, default="")
    form_id = models.CharField(max_length=60)
    form_name = models.CharField(max_length=200)
    language = models.CharField(max_length=40)
    interpreter = models.CharField(max_length=200, blank=True, default="")
    signed_on = models.DateField()
    witness = models.CharField(max_length=200, blank=True, default="")
    document_ref = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["case", "recorded_at", "id"]


class ParentRemoval(models.Model):
    """A separated parent's removal from the country, and the decline it relied on when without the child."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="removals")
    parent_person_id = models.CharField(max_length=16)
    removed_at = models.DateTimeField()
    country = models.CharField(max_length=60, blank=True, default="")
    with_child = models.BooleanField()
    decline = models.ForeignKey(
        ParentChoice, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True, default="")
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["case", "removed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(with_child=True) | models.Q(decline__isnull=False),
                name="removal_without_child_needs_decline",
            ),
        ]


class CaseTask(models.Model):
    """A piece of work on a case, assigned to a user or to a team (not both)."""

    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    CANCELLED = "CANCELLED"
    STATUSES = [(OPEN, "open"), (IN_PROGRESS, "in progress"), (DONE, "done"), (CANCELLED, "cancelled")]

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tasks")
    title = models.CharField(max_length=200)
    details = models.TextField(blank=True, default="")
    assignee = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="case_tasks"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks")
    due_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=STATUSES, default=OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["case", "due_at", "id"]
        indexes = [models.Index(fields=["status", "due_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(assignee__isnull=True) | models.Q(team__isnull=True),
                name="task_user_or_team",
            ),
        ]
