"""Why a candidate tie is in review, and its evidence for and against: one reading, on the pages and the command.

The tie is stored as the pipeline stores a tie run (``ties_store`` of a core
``TieResult``); the reading is ``people.services.ties_read``.
"""

from __future__ import annotations

import html
import json

import pytest
from click.testing import CliRunner
from django.utils import translation

from reunify.app.people.models import PersonFlag
from reunify.app.people.models import Tie as StoredTie
from reunify.app.people.services import evidence_side, tie_review_reasons, ties_read
from reunify.cli import main
from tests.app.pages import signed_in, text
from tests.app.people.contrary_tie import (
    ADULT,
    CBP_KEY,
    CHILD,
    OTHER_ADULT,
    OTHER_CHILD,
    REASON,
    REMARK,
    REMARK_TEXT,
    TOGETHER,
    TOO_YOUNG,
    store_contrary_tie,
)

pytestmark = pytest.mark.django_db


def _between(page: str, start: str, end: str) -> str:
    """The part of ``page`` from the first ``start`` to the next ``end`` after it."""
    begin = page.index(start)
    return page[begin : page.index(end, begin + len(start))]


def test_a_stored_flag_keeps_the_child_it_is_about() -> None:
    store_contrary_tie()
    flag = PersonFlag.objects.select_related("person", "other").get(kind="POSSIBLE_RELATIVE")
    assert (flag.person.public_id, flag.other.public_id) == (ADULT, CHILD)


def test_each_line_has_its_side_and_the_prior_is_neither() -> None:
    assert evidence_side({"kind": "prior", "weight": -2.0}) == "neutral"
    assert evidence_side({"kind": "together", "weight": 4.5}) == "for"
    assert evidence_side({"kind": "surname", "weight": -0.5}) == "against"
    assert evidence_side({"kind": "declared_relation", "weight": -3.75}) == "against"
    assert evidence_side({"kind": "constraint", "weight": 0.0}) == "against"
    assert evidence_side({"kind": "decision", "weight": 0.0}) == "neutral"


def test_the_reasons_of_a_candidate_most_telling_first() -> None:
    store_contrary_tie()
    stored = StoredTie.objects.select_related("parent", "child")
    with translation.override(
        "en"
    ):  # labels are in the reader's language; a page test may leave another active
        relative, unsure = ties_read(
            [
                stored.get(parent__public_id=ADULT),
                stored.get(parent__public_id=OTHER_ADULT, child__public_id=OTHER_CHILD),
            ]
        )
    assert [r["code"] for r in relative["review_reasons"]] == ["possible_relative", "too_young"]
    assert relative["review_reasons"][0]["label"] == "possible relative, not parent"
    assert relative["review_reasons"][0]["text"] == REASON  # the flag's reason, without its prefix
    assert relative["review_reasons"][1]["text"] == TOO_YOUNG  # the gap alone, from the constraint line
    assert [r["code"] for r in unsure["review_reasons"]] == ["review_band"]
    competing = {
        "kind": "constraint",
        "weight": 0.0,
        "text": "another mother (P1, PROBABLE, 0.9) is more likely",
    }
    assert [r["code"] for r in tie_review_reasons("CANDIDATE", 0.95, [competing], [])] == ["competing_parent"]
    assert tie_review_reasons("PROBABLE", 0.95, [competing], []) == []
    gap = {
        "kind": "constraint",
        "weight": 0.0,
        "text": "only 9.3 years older: too young to be a parent; kept for review",
    }
    assert [r["code"] for r in tie_review_reasons("CANDIDATE", 0.1, [gap], [])] == ["too_young"]
    unknown = {"kind": "constraint", "weight": 0.0, "text": "a rule nobody here has seen yet"}
    assert tie_review_reasons("CANDIDATE", 0.1, [unknown], [])[0]["text"] == unknown["text"]


def test_the_queue_says_why_each_tie_is_in_review_and_quotes_the_remark_against() -> None:
    store_contrary_tie()
    _, client = signed_in("matcher")
    response = client.get("/review/", {"tab": "ties"})
    assert response.status_code == 200
    page = text(response)
    assert "2 ties wait for a decision" in page
    quoted = html.escape(REMARK, quote=True)
    assert quoted in page and REMARK not in page  # escaped, word for word
    why = _between(page, f'id="why-{ADULT}-{CHILD}"', "</div>")
    assert "possible relative, not parent" in why and quoted in why and "too young to be the parent" in why
    entry = _between(page, f'id="why-{ADULT}-{CHILD}"', "</section>")
    in_favour = _between(entry, "Evidence for the tie", "</table>")
    against = _between(entry, "Evidence against the tie", "</table>")
    assert TOGETHER in in_favour and "4.50" in in_favour and "cbp_apprehensions:E3-1000123-02" in in_favour
    assert quoted in against and "-3.75" in against and CBP_KEY in against
    assert TOO_YOUNG in against and TOGETHER not in against and quoted not in in_favour
    assert "share of candidate pairs" in _between(entry, "Neither for nor against", "</table>")
    other = _between(page, f'id="why-{OTHER_ADULT}-{OTHER_CHILD}"', "</div>")
    assert "the model is unsure (review band)" in other and "possible relative" not in other


def test_the_person_page_shows_each_tie_grouped_with_its_reasons() -> None:
    store_contrary_tie()
    _, client = signed_in("matcher")
    page = text(client.get(f"/persons/{CHILD}/"))
    section = _between(page, f'id="tie-{ADULT}-{CHILD}"', "</section>")
    assert "Why it is in review" in section and "possible relative, not parent" in section
    assert html.escape(REMARK, quote=True) in _between(section, "Evidence against the tie", "</table>")
    assert f'href="#tie-{ADULT}-{CHILD}"' in page and "3 for, 2 against" not in page  # prior is neither
    assert "2 for, 2 against" in page
    asserted = _between(page, f'id="tie-{OTHER_ADULT}-{CHILD}"', "</section>")
    assert (
        "Why it is in review" not in asserted
        and "Nothing in the records speaks against this tie." in asserted
    )


def test_the_queue_in_spanish() -> None:
    store_contrary_tie()
    _, client = signed_in("matcher")
    page = text(client.get("/review/", {"tab": "ties"}, headers={"Accept-Language": "es"}))
    assert "Por qué está en revisión" in page and "posible familiar, no progenitor" in page
    assert "Evidencia en contra del vínculo" in page and "Evidencia a favor del vínculo" in page


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_command_lists_the_reasons_and_explains_the_tie_for_and_against() -> None:
    store_contrary_tie()
    listed = _invoke("review", "list", "--ties")
    assert "2 candidate parent-child ties wait for review" in listed
    assert "in review: possible relative, not parent" in listed and REMARK in listed  # markup not eaten
    assert "in review: the model is unsure (review band)" in listed
    rows = json.loads(_invoke("review", "list", "--ties", "--json"))
    assert rows["open"] == 2
    first = rows["ties"][0]
    assert (first["parent_person_id"], first["child_person_id"]) == (ADULT, CHILD)
    assert first["review_reasons"][0]["code"] == "possible_relative"
    assert [line["kind"] for line in first["evidence_against"]] == ["declared_relation", "constraint"]

    explained = _invoke("explain", "tie", ADULT, CHILD)
    in_favour = _between(explained, "evidence for the tie:", "evidence against the tie:")
    against = _between(explained, "evidence against the tie:", "neither")
    assert TOGETHER in in_favour and "+4.5" in in_favour and "cbp_apprehensions:E3-1000123-02" in in_favour
    assert REMARK in against and "-3.8" in against and CBP_KEY in against and TOO_YOUNG in against
    assert "flag POSSIBLE_RELATIVE: possible relative, not parent:" in explained
    data = json.loads(_invoke("explain", "tie", ADULT, CHILD, "--json"))
    assert data["evidence_against"][0]["text"] == REMARK_TEXT
