"""The domain errors of casework: each says precisely what was refused and why, for a page or the API to show."""

from __future__ import annotations

import datetime as dt


class CaseworkError(Exception):
    """Base of every refusal by a casework service."""


class CaseNotFound(CaseworkError, LookupError):
    """No case, step, task or team by that id."""


class StaleEdit(CaseworkError):
    """The row moved on since the editor read it; the first change is kept and this one refused."""

    def __init__(
        self,
        target: str,
        seen_version: int,
        current_version: int,
        changed_by: str,
        changed_at: dt.datetime | None,
    ) -> None:
        self.target = target
        self.seen_version = seen_version
        self.current_version = current_version
        self.changed_by = changed_by
        self.changed_at = changed_at
        when = changed_at.isoformat(timespec="seconds") if changed_at else "an unknown time"
        super().__init__(
            f"{target} was changed by {changed_by} at {when} (now version {current_version}, "
            f"you edited version {seen_version}); their change is kept: reload and apply yours again"
        )


class InvalidChange(CaseworkError, ValueError):
    """A change that the case's state does not allow (completing a step not applicable on the track, ...)."""


class ConsentIncomplete(CaseworkError, ValueError):
    """A parent's choice without the evidence of informed consent that it needs."""


class RemovalWithoutDecline(CaseworkError):
    """Removing a separated parent without the child, with no signed decline of reunification on file."""

    def __init__(self, case_id: str, parent_person_id: str, why: str) -> None:
        self.case_id = case_id
        self.parent_person_id = parent_person_id
        self.why = why
        super().__init__(
            f"refused: parent {parent_person_id} of case {case_id} may not be removed without the child: "
            f"{why}. A separated parent is removed without the child only after knowingly declining "
            "reunification (record the parent's DECLINE choice with its signed consent form first)"
        )
