"""A tie the family model holds for review because the records say the adult is a relative, not the parent.

Stored the way the pipeline stores a tie run: a core ``TieResult`` (the
family model's public output) handed to ``ties_store``. The remark carries
characters a page or a terminal could take for markup, to show it is quoted
as the agency wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from reunify.app.people.models import LinkRun, Person
from reunify.app.people.services import ties_store
from reunify.linkage.ties import CANDIDATE, PROBABLE, Evidence, Tie, TieFlag, TieModel, TieResult

ADULT, CHILD = "P00000901", "P00000902"
OTHER_ADULT, OTHER_CHILD = "P00000903", "P00000904"
REMARK = "TRAVELING WITH UNCLE [TIO PEDRO] <SEE I-213>"
CBP_KEY = "cbp_apprehensions:E3-1000123-01"
REMARK_TEXT = f'remark on the child\'s record {CBP_KEY}: "{REMARK}" (UNCLE): a remark names the adult as another relative'
TOO_YOUNG = (
    "the adult is only 9.3 years older than the child (born 2001-02-03 and 2010-06-01): under 13 years, "
    "too young to be the parent"
)
#: The constraint line and the flag's reason, worded as ``reunify.linkage.ties`` words them.
REASON = f"{REMARK_TEXT}; {TOO_YOUNG}"
CONSTRAINT = f"the records say this adult may be a relative, not the parent: {REASON}; kept for review"
TOGETHER = "apprehended together in family group FG-77 (HEAD and CHILD)"


@dataclass(frozen=True)
class Stored:
    run: LinkRun
    result: TieResult


def _model() -> TieModel:
    return TieModel(
        comparisons=(),
        prior=0.2,
        levels={},
        context_levels={},
        rule=None,
        iterations=0,
        converged=True,
        pairs=2,
        labelled_ties=0,
        labelled_non_ties=0,
    )


def store_contrary_tie() -> Stored:
    """Four persons and two candidate ties: one with evidence against and a POSSIBLE_RELATIVE flag, one unsure."""
    run = LinkRun.objects.create(started_at=timezone.now(), finished_at=timezone.now())
    for public_id in (ADULT, CHILD, OTHER_ADULT, OTHER_CHILD):
        Person.objects.create(public_id=public_id, created_run=run)
    relative = Tie(
        parent=ADULT,
        child=CHILD,
        relationship="FATHER",
        status=CANDIDATE,
        probability=0.93,
        model_probability=0.93,
        evidence=[
            Evidence("prior", -2.0, "share of candidate pairs that are ties, learnt from this run: 0.200"),
            Evidence("together", 4.5, TOGETHER, (CBP_KEY, "cbp_apprehensions:E3-1000123-02")),
            Evidence("surname", 1.25, "the child carries the adult's surname", ("orr_referrals:UAC-5",)),
            Evidence("declared_relation", -3.75, REMARK_TEXT, (CBP_KEY,)),
            Evidence("constraint", 0.0, CONSTRAINT, (CBP_KEY, "orr_referrals:UAC-5")),
        ],
    )
    unsure = Tie(
        parent=OTHER_ADULT,
        child=OTHER_CHILD,
        relationship="MOTHER",
        status=CANDIDATE,
        probability=0.41,
        model_probability=0.41,
        evidence=[
            Evidence("prior", -2.0, "share of candidate pairs that are ties, learnt from this run: 0.200"),
            Evidence("age_gap", 1.5, "the adult is 27 years older than the child", ("ice_detentions:X-9",)),
        ],
    )
    asserted = Tie(
        parent=OTHER_ADULT,
        child=CHILD,
        relationship="MOTHER",
        status=PROBABLE,
        probability=0.97,
        model_probability=0.97,
        evidence=[Evidence("together", 6.0, "booked in together", ("ice_detentions:X-9",))],
    )
    flag = TieFlag(
        person=ADULT,
        kind="POSSIBLE_RELATIVE",
        text=f"possible relative, not parent: {REASON}",
        record_keys=(CBP_KEY,),
        other=CHILD,
    )
    result = TieResult(ties=[relative, unsure, asserted], flags=[flag], counts={"ties": 3}, model=_model())
    ties_store(run, result)
    return Stored(run, result)
