"""What free text says about a relationship: the clerks' remarks and the courts' summaries.

Why read free text at all: the 2018 reviews found that the one place an
agent wrote "this adult is the child's uncle, not the father" was often the
remarks column of the Border Patrol row, in English or in Spanish; the coded
columns (``relationship``, the child's stated parents) say it less often.
A parser of words rather than a learnt text model, because what is read
here may only ever count *against* a tie (its sign is fixed by the domain,
see ties_features.declared_relation): a false reading costs a review, never
a wrong assertion, and the vocabulary of kinship is small and stable in
both languages, unlike the phrasing around it.

A remark is reduced to a :class:`RelationSignal`: whether it denies
parenthood outright ("NOT PARENT", "NO ES SU PADRE"), names another kin
relation ("TRAVELING WITH UNCLE", "VIAJA CON SU TIA", "CLAIMS TO BE OLDER
SISTER"), or only doubts the claimed relation ("RELATIONSHIP NOT
VERIFIED"), and which sex of adult it points at when the word says
(AUNT / UNCLE), so that "TRAVELING WITH AUNT" on a child's row is not
held against the father who travelled too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from reunify.names import fold

#: Denials of parenthood, as word sequences (folded: uppercase, no accents, no punctuation).
_DENIALS: tuple[tuple[str, ...], ...] = (
    ("NOT", "PARENT"),
    ("NOT", "THE", "PARENT"),
    ("NOT", "A", "PARENT"),
    ("NOT", "HIS", "PARENT"),
    ("NOT", "HER", "PARENT"),
    ("NOT", "THEIR", "PARENT"),
    ("NOT", "BIOLOGICAL"),
    ("NOT", "RELATED"),
    ("NO", "RELATION"),
    ("NON", "PARENT"),
    ("NONPARENT",),
    ("NO", "ES", "SU"),
    ("NO", "ES", "EL"),
    ("NO", "ES", "LA"),
    ("NO", "SON", "SUS"),
    ("NO", "ES", "PADRE"),
    ("NO", "ES", "MADRE"),
    ("NO", "ES", "HIJO"),
    ("NO", "ES", "HIJA"),
    ("NOT", "HIS", "FATHER"),
    ("NOT", "HER", "FATHER"),
    ("NOT", "HIS", "MOTHER"),
    ("NOT", "HER", "MOTHER"),
    ("NOT", "THE", "FATHER"),
    ("NOT", "THE", "MOTHER"),
    ("NOT", "FATHER"),
    ("NOT", "MOTHER"),
    ("NOT", "HIS", "SON"),
    ("NOT", "HER", "SON"),
    ("NOT", "HIS", "DAUGHTER"),
    ("NOT", "HER", "DAUGHTER"),
)

#: Kin and other relations that are not a parent, with the sex of the adult the word points at
#: (None when the word does not say, or names the child's side: NIECE means the adult is an aunt or uncle).
_RELATIVES: dict[str, str | None] = {
    # English
    "AUNT": "F",
    "AUNTIE": "F",
    "UNCLE": "M",
    "GRANDMOTHER": "F",
    "GRANDMA": "F",
    "GRANDFATHER": "M",
    "GRANDPA": "M",
    "GRANDPARENT": None,
    "GRANDPARENTS": None,
    "SISTER": "F",
    "BROTHER": "M",
    "SIBLING": None,
    "SIBLINGS": None,
    "COUSIN": None,
    "NIECE": None,
    "NEPHEW": None,
    "GRANDSON": None,
    "GRANDDAUGHTER": None,
    "GRANDCHILD": None,
    "STEPFATHER": "M",
    "STEPMOTHER": "F",
    "STEPPARENT": None,
    "GODMOTHER": "F",
    "GODFATHER": "M",
    "GUARDIAN": None,
    "FRIEND": None,
    "NEIGHBOR": None,
    "NEIGHBOUR": None,
    "BOYFRIEND": "M",
    "GIRLFRIEND": "F",
    "SMUGGLER": None,
    # Spanish
    "TIA": "F",
    "TIO": "M",
    "ABUELA": "F",
    "ABUELO": "M",
    "ABUELOS": None,
    "HERMANA": "F",
    "HERMANO": "M",
    "HERMANOS": None,
    "PRIMA": "F",
    "PRIMO": "M",
    "SOBRINA": None,
    "SOBRINO": None,
    "NIETA": None,
    "NIETO": None,
    "PADRASTRO": "M",
    "MADRASTRA": "F",
    "MADRINA": "F",
    "PADRINO": "M",
    "TUTOR": None,
    "TUTORA": "F",
    "AMIGA": "F",
    "AMIGO": "M",
    "VECINA": "F",
    "VECINO": "M",
    "CUNADA": "F",
    "CUNADO": "M",
    "COYOTE": None,
}

#: Words that only doubt a claimed relation (they say nothing about who the adult is).
_DOUBTS: tuple[tuple[str, ...], ...] = (
    ("NOT", "VERIFIED"),
    ("UNVERIFIED",),
    ("CANNOT", "VERIFY"),
    ("COULD", "NOT", "VERIFY"),
    ("CLAIMS", "TO", "BE"),
    ("CLAIMED", "TO", "BE"),
    ("DICE", "SER"),
    ("DICE", "QUE", "ES"),
    ("FRAUD",),
    ("FRAUDULENT",),
    ("FALSE", "CLAIM"),
    ("NO", "VERIFICADO"),
    ("SIN", "VERIFICAR"),
)

#: Relation signals, strongest first; the values are what ``RelationSignal.kind`` holds.
DENIAL, RELATIVE, DOUBT = "denial", "relative", "doubt"


@dataclass(frozen=True, slots=True)
class RelationSignal:
    """What one remark says about the adult-child relation, in the strongest of the three kinds.

    ``sex`` is the sex of the adult the remark's kin word points at (F for
    AUNT, M for TIO), or None when the word does not say; ``words`` is the
    word (or words) that decided, for the explanation.
    """

    kind: str
    sex: str | None
    words: str


def _contains(tokens: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(tokens[i : i + size] == phrase for i in range(len(tokens) - size + 1))


@lru_cache(maxsize=65536)
def read_remark(text: str) -> RelationSignal | None:
    """The relation signal of one remark, or None when it says nothing about kinship.

    A denial outranks a kin word, which outranks a doubt: "CLAIMS TO BE
    OLDER SISTER, NOT PARENT" is a denial; "CLAIMS TO BE OLDER SISTER" names
    a sister; "CLAIMS TO BE PARENT" only doubts.  Remarks recur by the
    thousand, hence the cache.
    """
    tokens = tuple(fold(text).split())
    if not tokens:
        return None
    kin = [(word, _RELATIVES[word]) for word in tokens if word in _RELATIVES]
    for phrase in _DENIALS:
        if _contains(tokens, phrase):
            sexes = {sex for _, sex in kin if sex is not None}
            if not sexes:
                sexes = {s for word, s in (("PADRE", "M"), ("FATHER", "M"), ("MADRE", "F"), ("MOTHER", "F"))
                         if word in tokens}  # fmt: skip
            return RelationSignal(DENIAL, sexes.pop() if len(sexes) == 1 else None, " ".join(phrase))
    if kin:
        sexes = {sex for _, sex in kin if sex is not None}
        sex = sexes.pop() if len(sexes) == 1 else None
        return RelationSignal(RELATIVE, sex, kin[0][0])
    for phrase in _DOUBTS:
        if _contains(tokens, phrase):
            return RelationSignal(DOUBT, None, " ".join(phrase))
    return None
