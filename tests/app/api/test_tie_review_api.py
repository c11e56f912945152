"""The API's tie queue and tie detail: why a candidate is in review, and its evidence for and against."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.app.people.contrary_tie import (
    ADULT,
    CBP_KEY,
    CHILD,
    CONSTRAINT,
    OTHER_ADULT,
    REASON,
    REMARK_TEXT,
    TOO_YOUNG,
    store_contrary_tie,
)

pytestmark = pytest.mark.django_db


def test_the_queue_item_says_why_the_tie_is_in_review(make_api: Callable[..., tuple[Any, Any]]) -> None:
    store_contrary_tie()
    _, api = make_api("matcher")
    status, queue = api.get("/api/review/ties")
    assert status == 200 and queue["count"] == 2
    first, second = queue["items"]
    assert (first["parent_person_id"], first["child_person_id"]) == (ADULT, CHILD)
    assert first["review_reasons"][0] == {
        "code": "possible_relative",
        "label": "possible relative, not parent",
        "text": REASON,
    }
    assert [r["code"] for r in first["review_reasons"]] == ["possible_relative", "too_young"]
    assert [f["kind"] for f in first["flags"]] == ["POSSIBLE_RELATIVE"]
    assert first["flags"][0]["record_keys"] == [CBP_KEY]
    assert {line["kind"]: line["side"] for line in first["evidence"]} == {
        "prior": "neutral",
        "together": "for",
        "surname": "for",
        "declared_relation": "against",
        "constraint": "against",
    }
    assert second["parent_person_id"] == OTHER_ADULT
    assert [r["code"] for r in second["review_reasons"]] == ["review_band"]


def test_the_tie_detail_groups_the_evidence_for_and_against(make_api: Callable[..., tuple[Any, Any]]) -> None:
    store_contrary_tie()
    _, api = make_api("matcher")
    status, tie = api.get(f"/api/ties/{ADULT}/{CHILD}")
    assert status == 200, tie
    assert tie["status"] == "CANDIDATE"
    assert [(line["kind"], line["weight"]) for line in tie["evidence_for"]] == [
        ("together", 4.5),
        ("surname", 1.25),
    ]
    against = tie["evidence_against"]
    assert [(line["kind"], line["weight"]) for line in against] == [
        ("declared_relation", -3.75),
        ("constraint", 0.0),
    ]
    assert against[0]["text"] == REMARK_TEXT and against[0]["record_keys"] == [CBP_KEY]
    assert against[1]["text"] == CONSTRAINT and TOO_YOUNG in CONSTRAINT
    assert [line["kind"] for line in tie["evidence_neutral"]] == ["prior"]
    assert tie["review_reasons"][0]["code"] == "possible_relative"


def test_an_asserted_tie_has_no_reason_to_be_in_review(make_api: Callable[..., tuple[Any, Any]]) -> None:
    store_contrary_tie()
    _, api = make_api("matcher")
    status, ties = api.get("/api/ties", status="PROBABLE")
    assert status == 200 and ties["count"] == 1
    assert ties["items"][0]["review_reasons"] == [] and ties["items"][0]["flags"] == []
