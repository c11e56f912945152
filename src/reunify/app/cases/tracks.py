"""The joint reunification plan's two tracks, as data: which steps apply and what each means on the track.

Standard: the refugee office's sponsor process applied to a parent (documents
or DNA for parentage, background checks of the parent and the other adults of
the household, a fitness and safety review that can include a home study).

Streamlined: the procedures of July 2018 for members of the Ms. L. class (a
parent in immigration detention or released, whose child was separated at the
border). Parentage by DNA or documents, whichever comes first; the background
check limited to the parent's own criminal history; no home study and no
checks of other household adults, so the fitness and safety review is merged
into the background check (red flags in the child's case file are still read)
and recorded as not applicable; a short interview held with the parent's
informed choice; transport of the child to the parent's facility.
"""

from __future__ import annotations

from .models import Case, CaseStep

#: step kind -> (applies on the track, what the step means on it)
TRACK_STEPS: dict[str, dict[str, tuple[bool, str]]] = {
    Case.STANDARD: {
        CaseStep.PARENTAGE: (True, "Verify parentage from documents (birth certificate); DNA when they are missing or doubtful."),
        CaseStep.BACKGROUND: (True, "Background check of the parent and every adult of the household (records, fingerprints)."),
        CaseStep.FITNESS: (True, "Fitness and safety review: the child's case file, abuse or trafficking concerns, home study where required."),
        CaseStep.INTERVIEW: (True, "Interview the parent in their language, with an interpreter when needed."),
        CaseStep.CHOICE: (True, "Explain the options in the parent's language; record the informed choice with the signed form."),
        CaseStep.TRANSPORT: (True, "Arrange the child's travel (and the parent's where needed)."),
        CaseStep.TRANSFER: (True, "Hand the child to the parent; record the custody transfer."),
        CaseStep.OUTCOME: (True, "Record the outcome and close the case."),
    },
    Case.STREAMLINED: {
        CaseStep.PARENTAGE: (True, "Parentage by DNA (cheek swab) or documents, whichever is available first."),
        CaseStep.BACKGROUND: (True, "Limited background check: the parent's own criminal history only; no household checks."),
        CaseStep.FITNESS: (False, "Merged into the background check (July 2018 streamlined plan): no home study; red flags in the child's file are read there."),
        CaseStep.INTERVIEW: (True, "Short interview of the parent, held with the informed choice."),
        CaseStep.CHOICE: (True, "Present the parent's options form in their language; record the signed informed choice."),
        CaseStep.TRANSPORT: (True, "Transport the child to the parent's facility (or to the released parent)."),
        CaseStep.TRANSFER: (True, "Custody transfer to the parent at the facility; record it."),
        CaseStep.OUTCOME: (True, "Record the outcome and close the case."),
    },
}  # fmt: skip

STEP_ORDER: list[str] = [kind for kind, _ in CaseStep.KINDS]
