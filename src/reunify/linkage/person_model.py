"""The person model's comparisons, blocking keys and hard constraints, as Splink settings and SQL.

Why custom comparisons rather than Splink's library: the people in these feeds
carry one or two given names and one or two surnames, which agencies drop,
swap, merge and transcribe differently, and dates of birth that are estimates
(1 January) or have day and month swapped.  A library ``NameComparison`` on a
single first-name column calls ``JOSE LUIS`` / ``JOSE`` a weak fuzzy match and
``GARCIA LOPEZ`` / ``LOPEZ`` a mismatch; ``DateOfBirthComparison`` calls a
1 January estimate of the right year a mismatch.  Each level below names one
way the same person is written differently, so training can learn how often
that happens to one person (m) and by chance to two (u).

Every level has a plain label; :mod:`reunify.linkage.persons` turns the label
and the two records' values into the sentence shown to a reviewer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .person_records import ExtraField

# --------------------------------------------------------------------------- level helpers

_SIDE = re.compile(r"\b([lr])\.([a-z_][a-z0-9_]*)")


def _pair_columns(sql: str) -> str:
    """Rewrite ``l.col`` / ``r.col`` (readable, as in blocking rules) to Splink's ``col_l`` / ``col_r``."""
    return _SIDE.sub(lambda match: f"{match[2]}_{match[1]}", sql)


def _level(
    sql: str,
    label: str,
    *,
    null: bool = False,
    tf: str | None = None,
    tf_own_u: bool = False,
) -> dict[str, Any]:
    """One comparison level as a Splink dict.

    ``tf`` adds a term-frequency adjustment on that column: agreeing on a rare
    value (XOL) is worth more than on a common one (LOPEZ).  ``tf_own_u``
    measures the adjustment from this level's own u rather than from an exact
    match level, for levels that are not a plain equality on the tf column;
    Splink takes the larger frequency of the two records, so a misspelt or
    swapped value is weighed by the common spelling it stands for.
    """
    level: dict[str, Any] = {"sql_condition": _pair_columns(sql), "label_for_charts": label}
    if null:
        level["is_null_level"] = True
    if tf is not None:
        level["tf_adjustment_column"] = tf
        level["tf_adjustment_weight"] = 1.0
        if tf_own_u:
            level["disable_tf_exact_match_detection"] = True
    return level


def _neutral(sql: str, label: str) -> dict[str, Any]:
    """A level that carries no evidence of its own: m and u fixed equal, so its weight is 0.

    Why: when given names and surnames are written in each other's fields,
    both comparisons see the same event; the given-name comparison learns its
    weight, and the surname comparison must not count it a second time
    (Splink multiplies the comparisons as if they were independent).
    """
    level = _level(sql, label)
    level.update(m_probability=NEUTRAL_SHARE, u_probability=NEUTRAL_SHARE)
    level.update(fix_m_probability=True, fix_u_probability=True)
    return level


#: m and u of a neutral level (its share of both; only their ratio, 1, is used for scoring).
NEUTRAL_SHARE = 0.01


def _else(label: str = "different") -> dict[str, Any]:
    return {"sql_condition": "ELSE", "label_for_charts": label}


def _comparison(name: str, description: str, levels: list[dict[str, Any]]) -> dict[str, Any]:
    return {"output_column_name": name, "comparison_description": description, "comparison_levels": levels}


def _in(value: str, *options: str) -> str:
    """``value`` equals one of ``options`` (SQL ``IN`` is null-safe enough here: a null never matches)."""
    return f"{value} IN ({', '.join(options)})"


# --------------------------------------------------------------------------- comparisons

#: Level labels, shared with the explanation code (persons.py) so both say the same thing.
SAME_GIVEN = "same given names"
GIVEN_ONE_MISSING = "one given name missing"
GIVEN_ONE_SHARED = "one given name in common"
GIVEN_SOUNDS = "given names sound alike"
GIVEN_SPELLING = "given names spelled slightly differently"
SAME_WORDS_OTHER_SPLIT = "same name words, split differently into given names and surnames"
NAMES_SWAPPED = "given names and surnames swapped"
NAMES_SWAPPED_PARTIAL = "given names and surnames swapped, a name missing"
WEIGHED_UNDER_GIVEN = "names written in each other's fields (weighed under given names)"
SAME_SURNAMES = "same surnames"
SURNAME_SECOND_MISSING = "second surname missing"
SURNAMES_REVERSED = "surnames in reverse order"
SURNAMES_SOUND = "surnames sound alike"
SURNAME_SPELLING = "surnames spelled slightly differently"
SURNAME_ONE_SHARED = "one surname in common"
DOB_SAME = "same date"
DOB_ESTIMATE_YEAR = "estimated date, same year"
DOB_SWAPPED = "day and month swapped"
DOB_YEAR_SLIP = "year off by one"
DOB_ESTIMATE_NEAR = "estimated date, year off by one"
DOB_CLOSE = "same year, day or month differs"
RELATIVE_SHARED = "a relative named on both"
SAME = "same"
MISSING = "missing on one side"


def _same_word(a: str, b: str) -> str:
    """SQL: two name words (raw columns ``a``/``b``, phonetic ``a``p/``b``p) sound or look alike.

    Across swapped fields a spelling tolerance is checked only for words of
    five letters or more that start alike (a typing error: ORTIZ / ORITZ) or
    of six or more that end alike (a Mayan transcription changes the first
    consonant: CHIQUIN / KHIQUIN): nearly every pair of different people
    reaches these levels, so the string distance must stay rare.  Both
    sides of a swap must cross-match as a whole, so a lone MARIA / MARIO
    does not make one.  person_records._word_mask mirrors these three ways to
    agree, for the cheap test (``_SWAP_GUARD``) that runs first.
    """
    shortest = f"least(length({a}), length({b}))"
    return (
        f"({a}p = {b}p OR (((left({a}, 1) = left({b}, 1) AND {shortest} >= 5) "
        f"OR (right({a}, 3) = right({b}, 3) AND {shortest} >= 6)) AND {_close_spelling(a, b)}))"
    )


def _close_spelling(a: str, b: str) -> str:
    """SQL: two words spelled nearly alike: one edit apart (four letters or more) or two (seven or more).

    Long Mayan surnames lose or change two letters in transcription
    (IXQUIACTAP / IXCIACTAP) as often as short ones lose one; the cheap length
    tests run first so most pairs never reach the edit distance.
    """
    return (
        f"least(length({a}), length({b})) >= 4 AND abs(length({a}) - length({b})) <= 2 "
        f"AND damerau_levenshtein({a}, {b}) <= CASE WHEN least(length({a}), length({b})) >= 7 THEN 2 ELSE 1 END"
    )


def _sides(first: tuple[str, str], second: tuple[str, str], *, partial: bool) -> str:
    """SQL: two name sides of at most two words agree as sets (words compared with _same_word).

    Each side is (word 1, word 2) raw column names.  ``partial`` lets one side
    lack its second word (feeds drop second names); otherwise both sides must
    hold the same number of words and all of them must agree.
    """
    a1, a2 = first
    b1, b2 = second
    same = _same_word
    full = (
        f"(({a2} IS NULL AND {b2} IS NULL AND {same(a1, b1)}) OR ({a2} IS NOT NULL AND {b2} IS NOT NULL AND "
        f"(({same(a1, b1)} AND {same(a2, b2)}) OR ({same(a1, b2)} AND {same(a2, b1)}))))"
    )
    if not partial:
        return full
    return (
        f"({full} OR (({a2} IS NULL) <> ({b2} IS NULL) AND "
        f"({same(a1, b1)} OR coalesce({same(a1, b2)}, false) OR coalesce({same(a2, b1)}, false))))"
    )


_L_GIVEN, _L_SURNAMES = ("l.g1", "l.g2"), ("l.s1", "l.s2")
_R_GIVEN, _R_SURNAMES = ("r.g1", "r.g2"), ("r.s1", "r.s2")

#: Given names and surnames written in each other's fields (as in
#: reunify.names.names_swapped): each side must agree with the other record's
#: opposite side as a whole, or "JOSE GARCIA" would be a swap of every
#: "GARCIA ... JOSE ...".  The full form has every word; the partial form
#: lets a side lack its second word and is weighed apart, as it is weaker.
#: A necessary condition for either form, cheap enough to test on every pair
#: first: some given word of each record agrees with some surname of the other.
_SWAP_GUARD = "(l.given_mask & r.surname_mask) <> 0 AND (l.surname_mask & r.given_mask) <> 0"
SWAPPED_SQL = (
    f"{_SWAP_GUARD} AND "
    f"{_sides(_L_GIVEN, _R_SURNAMES, partial=False)} AND {_sides(_L_SURNAMES, _R_GIVEN, partial=False)}"
)
SWAPPED_PARTIAL_SQL = (
    f"{_SWAP_GUARD} AND "
    f"{_sides(_L_GIVEN, _R_SURNAMES, partial=True)} AND {_sides(_L_SURNAMES, _R_GIVEN, partial=True)}"
)


def given_name_comparison() -> dict[str, Any]:
    """Given names as a set of at most two, order-free, with one allowed to be missing.

    Why these levels: ``JOSE LUIS`` / ``JOSE`` is the commonest way one person's
    given names differ (a dropped second name) and is near-certain agreement,
    ``JOSE LUIS`` / ``JOSE CARLOS`` is what brothers look like, phonetic and
    one-edit levels absorb Mayan transcriptions and typing errors, and the
    swapped levels recognise surnames written in the given-name field.  The
    swapped levels carry no term-frequency adjustment: their u is the chance
    that two whole names cross-match, far below the frequency of one given
    name, and adjusting by that frequency cancelled nearly all their weight.
    """
    one_missing = "(l.g2 IS NULL) <> (r.g2 IS NULL) AND (l.g1 = r.g1 OR l.g1 = r.g2 OR r.g1 = l.g2)"
    one_shared = (
        "l.g2 IS NOT NULL AND r.g2 IS NOT NULL AND "
        f"({_in('l.g1', 'r.g1', 'r.g2')} OR {_in('l.g2', 'r.g1', 'r.g2')})"
    )
    sounds = (
        "l.gpset = r.gpset OR ((l.g2p IS NULL) <> (r.g2p IS NULL) AND "
        "(l.g1p = r.g1p OR l.g1p = r.g2p OR r.g1p = l.g2p))"
    )
    spelling = f"{_close_spelling('l.g1', 'r.g1')} AND (l.g2 IS NULL OR r.g2 IS NULL OR l.g2p = r.g2p OR ({_close_spelling('l.g2', 'r.g2')}))"
    return _comparison(
        "given_names",
        "given names",
        [
            _level("l.g1 IS NULL OR r.g1 IS NULL", MISSING, null=True),
            _level("l.gset = r.gset", SAME_GIVEN, tf="gset"),
            _level(one_missing, GIVEN_ONE_MISSING, tf="g1", tf_own_u=True),
            _level(SWAPPED_SQL, NAMES_SWAPPED),
            _level("l.tpset = r.tpset", SAME_WORDS_OTHER_SPLIT),
            _level(one_shared, GIVEN_ONE_SHARED),
            _level(sounds, GIVEN_SOUNDS, tf="g1", tf_own_u=True),
            _level(spelling, GIVEN_SPELLING, tf="g1", tf_own_u=True),
            _level(SWAPPED_PARTIAL_SQL, NAMES_SWAPPED_PARTIAL),
            _else("different given names"),
        ],
    )


def surname_comparison() -> dict[str, Any]:
    """Up to two surnames, in any order, with a missing second surname tolerated.

    Why: a feed that drops the mother's surname writes ``LOPEZ`` for
    ``LOPEZ GARCIA``; that must be agreement, weighted by how common LOPEZ is.
    Sharing one surname with the other differing is kept apart because it is
    how a parent and child (or siblings with different fathers) look.
    Names written in each other's fields, or the same words split
    differently, are weighed once, by the given-name comparison; here they
    are a neutral level (``_neutral``).
    """
    second_missing = "(l.s2 IS NULL) <> (r.s2 IS NULL) AND l.s1 = r.s1"
    reversed_ = "l.s1 = r.s2 AND l.s2 = r.s1"
    sounds = (
        "l.spkey = r.spkey OR ((l.s2p IS NULL) <> (r.s2p IS NULL) AND l.s1p = r.s1p) "
        "OR (l.s1p = r.s2p AND l.s2p = r.s1p)"
    )
    spelling = f"{_close_spelling('l.s1', 'r.s1')} AND (l.s2 IS NULL OR r.s2 IS NULL OR l.s2p = r.s2p OR ({_close_spelling('l.s2', 'r.s2')}))"
    one_shared = f"{_in('l.s1p', 'r.s1p', 'r.s2p')} OR {_in('l.s2p', 'r.s1p', 'r.s2p')}"
    return _comparison(
        "surnames",
        "surnames",
        [
            _level("l.s1 IS NULL OR r.s1 IS NULL", MISSING, null=True),
            _level("l.skey = r.skey", SAME_SURNAMES, tf="skey"),
            _level(second_missing, SURNAME_SECOND_MISSING, tf="s1", tf_own_u=True),
            _level(reversed_, SURNAMES_REVERSED, tf="s1", tf_own_u=True),
            _level(sounds, SURNAMES_SOUND, tf="s1", tf_own_u=True),
            _level(spelling, SURNAME_SPELLING, tf="s1", tf_own_u=True),
            _neutral(f"({SWAPPED_SQL}) OR l.tpset = r.tpset", WEIGHED_UNDER_GIVEN),
            _level(one_shared, SURNAME_ONE_SHARED),
            _neutral(SWAPPED_PARTIAL_SQL, WEIGHED_UNDER_GIVEN),
            _else("different surnames"),
        ],
    )


def dob_comparison() -> dict[str, Any]:
    """Dates of birth with the ways agencies get them wrong as levels of their own.

    Why: an estimate (1 January of the estimated year, or ORR's flag) agreeing
    on the year is decent evidence, not a mismatch; day and month swapped and a
    year off by one are clerical slips of one person's real date.  Exact
    agreement is adjusted for how common the date is (estimates pile up on
    1 January).  Two estimates a year apart share day and month by
    construction, so they are "estimated, year off by one", never a slip of
    an exact date.
    """
    estimated = "(l.dob_est OR r.dob_est)"
    return _comparison(
        "dob",
        "date of birth",
        [
            _level("l.dob IS NULL OR r.dob IS NULL", MISSING, null=True),
            _level("l.dob = r.dob AND NOT (l.dob_est AND r.dob_est)", DOB_SAME, tf="dob", tf_own_u=True),
            _level(f"{estimated} AND l.dob_y = r.dob_y", DOB_ESTIMATE_YEAR),
            _level("l.dob_y = r.dob_y AND l.dob_m = r.dob_d AND l.dob_d = r.dob_m", DOB_SWAPPED),
            _level(
                f"NOT {estimated} AND l.dob_m = r.dob_m AND l.dob_d = r.dob_d AND abs(l.dob_y - r.dob_y) = 1",
                DOB_YEAR_SLIP,
            ),
            _level(f"{estimated} AND abs(l.dob_y - r.dob_y) = 1", DOB_ESTIMATE_NEAR),
            _level("l.dob_y = r.dob_y AND (l.dob_m = r.dob_m OR l.dob_d = r.dob_d)", DOB_CLOSE),
            _else("different dates"),
        ],
    )


def exact_comparison(column: str, description: str, *, tf: bool = False) -> dict[str, Any]:
    """Agree / disagree / unknown on one column.

    Why no fuzzy level for identifiers: an A-number or FIN that differs by one
    digit is another number; and a disagreement is only as negative as training
    finds it, since agencies record different A-numbers for one person.
    """
    return _comparison(
        column,
        description,
        [
            _level(f"l.{column} IS NULL OR r.{column} IS NULL", MISSING, null=True),
            _level(f"l.{column} = r.{column}", SAME, tf=column if tf else None),
            _else(),
        ],
    )


def text_comparison(column: str, description: str) -> dict[str, Any]:
    """Free text (an address line, a suburb): exact with term frequencies, then close spelling."""
    return _comparison(
        column,
        description,
        [
            _level(f"l.{column} IS NULL OR r.{column} IS NULL", MISSING, null=True),
            _level(f"l.{column} = r.{column}", SAME, tf=column),
            _level(f"damerau_levenshtein(l.{column}, r.{column}) <= 1", "one character differs"),
            _level(f"jaro_winkler_similarity(l.{column}, r.{column}) >= 0.88", "similar"),
            _else(),
        ],
    )


#: Descriptions of the feed-vocabulary comparisons, in settings order.
IDENTITY_COMPARISONS: tuple[tuple[str, str], ...] = (
    ("a_number", "A-number"),
    ("fin", "FIN"),
    ("uac_id", "ORR case id (uac_id)"),
    ("event_id", "apprehension event"),
    ("sex", "sex"),
    ("country", "country"),
)


def family_comparison() -> dict[str, Any]:
    """Whether the two records name (or stand beside) the same relative (person_records.FamilyIndex).

    Why: the records that say least about a parent (an NGO locate, a DNA
    kit) say which child they are about, and that child stands beside the
    parent in the parent's own records.  Family members share relatives too,
    so agreement here is weighed by training like any other comparison.
    """
    return _comparison(
        "family",
        "relatives named",
        [
            _level("l.family_keys IS NULL OR r.family_keys IS NULL", MISSING, null=True),
            _level("list_has_any(l.family_keys, r.family_keys)", RELATIVE_SHARED),
            _else("no relative in common"),
        ],
    )


#: Days between a Border Patrol apprehension and an ORR referral that count as one handover.
HANDOVER_DAYS = 7

HANDOVER_SAME = "referred from the apprehending station within days"
HANDOVER_DAYS_ONLY = "referred within days, from another station"
HANDOVER_OFFICE_ONLY = "referred from the apprehending station, at another time"


def handover_comparison() -> dict[str, Any]:
    """A Border Patrol row sent to ORR against an ORR referral from CBP: same station, within days?

    Why (person_records._handover): for a child who crossed alone, or whose
    ORR referral omits the event, this is often the only context linking the
    two records beside a name and an estimated birth year.  Only a pair of
    one Border Patrol row and one referral is compared; siblings referred
    together agree as well, which training weighs like any other comparison.
    When both records name their apprehension event the hand-over is not
    compared: the event comparison has already counted that apprehension.
    """
    days = f"abs(l.handover_day - r.handover_day) <= {HANDOVER_DAYS}"
    return _comparison(
        "handover",
        "Border Patrol to ORR handover",
        [
            _level(
                "l.handover_side IS NULL OR r.handover_side IS NULL OR l.handover_side = r.handover_side"
                # Both records name their event: the event comparison has said it; the hand-over would count the
                # same apprehension twice (and siblings share both).
                " OR (l.event_id IS NOT NULL AND r.event_id IS NOT NULL)",
                MISSING,
                null=True,
            ),
            _level(f"l.handover_office = r.handover_office AND {days}", HANDOVER_SAME),
            _level(days, HANDOVER_DAYS_ONLY),
            _level("l.handover_office = r.handover_office", HANDOVER_OFFICE_ONLY),
            _else("another handover"),
        ],
    )


def comparisons(extra_fields: Sequence[ExtraField] = ()) -> list[dict[str, Any]]:
    """Every comparison of the person model, extra fields last."""
    result = [given_name_comparison(), surname_comparison(), dob_comparison()]
    for column, description in IDENTITY_COMPARISONS:
        result.append(exact_comparison(column, description))
    result.append(family_comparison())
    result.append(handover_comparison())
    for extra in extra_fields:
        if extra.kind == "text":
            result.append(text_comparison(extra.column, extra.name.replace("_", " ")))
        else:
            result.append(exact_comparison(extra.column, extra.name.replace("_", " ")))
    return result


# --------------------------------------------------------------------------- training rules

#: Blocking rules for expectation maximisation.  Each leaves some comparisons
#: free to be estimated: the date-of-birth block estimates names and
#: identifiers, the name block estimates the date of birth and identifiers.
EM_BLOCKING_RULES: tuple[str, ...] = (
    "l.dob = r.dob",
    "l.g1p = r.g1p AND l.s1p = r.s1p",
)

#: Deterministic rules for the prior (probability that two random records
#: match): pairs these rules find are taken as matches.  Their recall is
#: PersonLinkSettings.deterministic_recall.
DETERMINISTIC_RULES: tuple[str, ...] = (
    "l.fin = r.fin AND l.dob = r.dob",
    "l.a_number = r.a_number AND l.dob = r.dob",
    "l.uac_id = r.uac_id",
    "l.gset = r.gset AND l.skey = r.skey AND l.dob = r.dob AND NOT l.dob_est",
)


def settings_dict(extra_fields: Sequence[ExtraField] = ()) -> dict[str, Any]:
    """Splink settings for the person model, before training."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": comparisons(extra_fields),
        "blocking_rules_to_generate_predictions": [],
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
        "em_convergence": 0.0001,
        "max_iterations": 25,
    }


# --------------------------------------------------------------------------- blocking


@dataclass(frozen=True)
class BlockingKey:
    """One family of blocking keys: records sharing a key value are compared.

    ``sql`` selects ``(unique_id, k)`` rows from the feature table ``f`` (and
    the token tables); ``max_block`` skips a key value held by more records
    than that, since a key that common says little and would make the
    comparisons grow with the square of the data (near-linear cost comes from
    this cap); ``one_side_without_dob`` keeps only pairs where a side has no
    date of birth, for name-only keys that exist to reach records (DNA kits,
    NGO locates, court findings) that carry nothing else; ``one_side_estimated``
    keeps only pairs where a side's date of birth is an estimate, for keys
    that exist to reach a child whose estimated year is all the date says.
    """

    name: str
    description: str
    sql: str
    max_block: int
    one_side_without_dob: bool = False
    one_side_estimated: bool = False


def blocking_keys(
    extra_fields: Sequence[ExtraField], max_block: int, max_name_block: int
) -> list[BlockingKey]:
    """The blocking keys, identifiers first.

    Why these: identifiers (A-number, FIN, ORR case id, apprehension event)
    find most pairs cheaply; a name word with the date of birth read both ways
    (day/month sorted) finds the rest when the date is right or swapped; a pair
    of name words (order-free, phonetic) with the birth year finds pairs whose
    date is an estimate or has a typo; a pair of name words alone reaches
    records without any date of birth.  Every name key is order-free and
    phonetic, so swapped given/family names, dropped second names, particles
    and Mayan transcriptions still share keys.  An extra field (an address
    line, a postcode) gives a key with each name word.
    """

    def id_key(column: str, name: str, description: str) -> BlockingKey:
        return BlockingKey(
            name, description, f"SELECT unique_id, {column} AS k FROM f WHERE {column} IS NOT NULL", max_block
        )

    keys = [
        id_key("a_number", "a_number", "same A-number"),
        id_key("fin", "fin", "same FIN"),
        id_key("uac_id", "uac_id", "same ORR case id"),
        id_key("event_id", "event", "same apprehension event"),
    ]
    for extra in extra_fields:
        if extra.kind == "identifier":
            keys.append(id_key(extra.column, extra.name, f"same {extra.name}"))
    for extra in extra_fields:
        if extra.kind != "identifier":
            keys.append(
                BlockingKey(
                    f"token_{extra.name}",
                    f"a name word and the same {extra.name}",
                    f"SELECT t.unique_id, t.token || '|' || f.{extra.column} AS k FROM tokens t "
                    f"JOIN f USING (unique_id) WHERE f.{extra.column} IS NOT NULL",
                    max_block,
                )
            )
    keys += [
        BlockingKey(
            "token_dob",
            "a name word and the date of birth (day and month in either order)",
            "SELECT t.unique_id, t.token || '|' || f.dob_y || '-' || least(f.dob_m, f.dob_d) || '-' "
            "|| greatest(f.dob_m, f.dob_d) AS k FROM tokens t JOIN f USING (unique_id) WHERE f.dob IS NOT NULL",
            max_block,
        ),
        BlockingKey(
            "token_pair_year",
            "two name words and the birth year, give or take one for an estimated date",
            # An estimate files the record under the year before and after too,
            # so it meets a record of either year; exact dates keep one year.
            "SELECT p.unique_id, p.k || '|' || unnest(CASE WHEN f.dob_est "
            "THEN [f.dob_y - 1, f.dob_y, f.dob_y + 1] ELSE [f.dob_y] END) AS k "
            "FROM token_pairs p JOIN f USING (unique_id) WHERE f.dob IS NOT NULL",
            max_block,
        ),
        BlockingKey(
            "token_year_estimated",
            "a name word and the birth year, give or take one, where a date is an estimate",
            # An estimated date with a misspelt or dropped name word shares no
            # word pair and no date with its person's other records; one word
            # and the year is what is left.  Only pairs with an estimate are
            # kept, so exact dates do not pay for this key.
            "SELECT t.unique_id, t.token || '|' || unnest(CASE WHEN f.dob_est "
            "THEN [f.dob_y - 1, f.dob_y, f.dob_y + 1] ELSE [f.dob_y] END) AS k "
            "FROM tokens t JOIN f USING (unique_id) WHERE f.dob IS NOT NULL",
            max_block,
            one_side_estimated=True,
        ),
        BlockingKey(
            "token_pair_day",
            "two name words and the day and month of birth (a year slipped)",
            "SELECT p.unique_id, p.k || '|' || least(f.dob_m, f.dob_d) || '-' || greatest(f.dob_m, f.dob_d) AS k "
            "FROM token_pairs p JOIN f USING (unique_id) WHERE f.dob IS NOT NULL AND NOT f.dob_est",
            max_block,
        ),
        BlockingKey(
            "relative_and_name",
            "a relative named on both and a name word",
            # Any name word, not only the first given name: a free-text
            # record with a misspelt given name still shares its surname.
            "SELECT t.unique_id, t.token || '#' || unnest(f.family_keys) AS k FROM tokens t "
            "JOIN f USING (unique_id) WHERE f.family_keys IS NOT NULL",
            max_block,
        ),
        BlockingKey(
            "token_pair_no_dob",
            "two name words, where a record has no date of birth",
            "SELECT unique_id, k FROM token_pairs",
            max_name_block,
            one_side_without_dob=True,
        ),
        BlockingKey(
            "token_no_dob",
            "one uncommon name word, where a record has no date of birth",
            # A free-text name with one surname and a typing error keeps one
            # word in common with its person; the block cap keeps only words
            # rare enough to be worth comparing on.
            "SELECT unique_id, token AS k FROM tokens",
            max_name_block,
            one_side_without_dob=True,
        ),
    ]
    return keys


def token_tables_sql() -> list[str]:
    """SQL creating ``tokens`` (one row per phonetic name word) and ``token_pairs`` (unordered pairs)."""
    return [
        "CREATE OR REPLACE TEMP TABLE tokens AS SELECT unique_id, unnest(name_tokens) AS token FROM f",
        "CREATE OR REPLACE TEMP TABLE token_pairs AS "
        "SELECT DISTINCT a.unique_id, a.token || '|' || b.token AS k "
        "FROM tokens a JOIN tokens b ON a.unique_id = b.unique_id AND a.token < b.token",
    ]


def kept_keys_sql(key: BlockingKey) -> str:
    """SQL selecting (unique_id, k, no_dob, est, feed) for one key family, blocks above the cap left out."""
    return f"""
        WITH keyed AS (SELECT DISTINCT * FROM ({key.sql}))
        SELECT keyed.unique_id, keyed.k, f.dob IS NULL AS no_dob, coalesce(f.dob_est, false) AS est, f.feed
        FROM keyed JOIN f USING (unique_id)
        WHERE keyed.k IN (SELECT k FROM keyed GROUP BY k HAVING count(*) BETWEEN 2 AND {key.max_block})
    """


def key_pairs_sql(keys_table: str, key: BlockingKey, within_feed: bool, rank: int) -> str:
    """SQL selecting the (l, r, rank) pairs sharing a key in ``keys_table`` (from kept_keys_sql), l < r.

    A pair may come out more than once (two shared name words, or two key
    families); the caller keeps each pair once, with its smallest rank.
    """
    extra = ""
    if key.one_side_without_dob:
        extra += " AND (a.no_dob OR b.no_dob)"
    if key.one_side_estimated:
        extra += " AND (a.est OR b.est)"
    if not within_feed:
        extra += " AND a.feed <> b.feed"
    return (
        f"SELECT a.unique_id AS l, b.unique_id AS r, {rank}::UTINYINT AS rank "
        f"FROM {keys_table} a JOIN {keys_table} b ON a.k = b.k AND a.unique_id < b.unique_id{extra}"
    )


# --------------------------------------------------------------------------- hard constraints


#: Birth dates at least this many years apart make a child and an adult two people.
CHILD_ADULT_MIN_GAP_YEARS = 12


#: The feed whose rows from one apprehension event with different case ids are different children.
ONE_REFERRAL_PER_CHILD_PER_EVENT_FEED = "orr_referrals"


def constraint_sql(alias_l: str = "l", alias_r: str = "r") -> str:
    """SQL: true when two feature rows can never be one person, by the feed contract.

    Two ``cbp_apprehensions`` rows of one event are two people (one row per
    person per event), and so are two refugee-office referrals from one
    apprehension event under different case ids (``uac_id``: a child referred
    again keeps its case id, and is referred from a later apprehension, so
    two case ids from one event are siblings); a child (by role, or under 14 at the record's date) and
    an adult born twelve years or more apart are two people; the subject of a
    parent feed (a DNA kit's adult, a court finding's parent, a located
    parent) is not someone born after ``born_by`` (twelve years before that
    record's date).  These come from FEEDS.md, not from a generator, which is
    why they are logic and not weights.
    """
    left, right = alias_l, alias_r
    too_young = "coalesce({a}.born_by < {b}.dob_y * 12 + {b}.dob_m, false)"
    return (
        f"{too_young.format(a=left, b=right)} OR {too_young.format(a=right, b=left)} OR "
        f"coalesce(({left}.one_per_event AND {right}.one_per_event AND {left}.event_id = {right}.event_id), false) "
        f"OR coalesce(({left}.feed = '{ONE_REFERRAL_PER_CHILD_PER_EVENT_FEED}' AND {right}.feed = "
        f"'{ONE_REFERRAL_PER_CHILD_PER_EVENT_FEED}' AND {left}.event_id = {right}.event_id "
        f"AND {left}.uac_id <> {right}.uac_id), false) "
        f"OR coalesce((({left}.role = 'child' AND {right}.role = 'adult') OR ({left}.role = 'adult' AND {right}.role = 'child')) "
        f"AND abs(({left}.dob_y * 12 + {left}.dob_m) - ({right}.dob_y * 12 + {right}.dob_m)) >= "
        f"{CHILD_ADULT_MIN_GAP_YEARS * 12}, false)"
    )
