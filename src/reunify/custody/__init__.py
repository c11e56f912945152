"""The custody layer: each person's custody ledger and the separations it reveals (pure core, no Django).

``custody_episodes`` turns one person's records into an ordered ledger,
``data_quality_findings`` flags what in it cannot be true, ``where_is`` answers
where the person was at an instant, ``detect_separations`` finds every
child separated from an accompanying parent as EXPORTS.md defines it, and
``separation_facts`` gathers what the rules (``reunify.rules``) judge.
"""

from reunify.custody.episodes import (
    CustodyEpisode,
    Finding,
    Location,
    custody_episodes,
    data_quality_findings,
    where_is,
)
from reunify.custody.facts import date_of_birth, separation_facts
from reunify.custody.separations import Separation, StatedReason, detect_separations

__all__ = [
    "CustodyEpisode",
    "Finding",
    "Location",
    "Separation",
    "StatedReason",
    "custody_episodes",
    "data_quality_findings",
    "date_of_birth",
    "detect_separations",
    "separation_facts",
    "where_is",
]
