"""Stable person ids: the mapping from a run's clusters to the persons of the run before."""

from __future__ import annotations

import itertools

from reunify.app.people.services import assign_person_ids


def counter(start: int = 100):
    numbers = itertools.count(start)
    return lambda: f"P{next(numbers):08d}"


def test_unchanged_persons_keep_their_ids_and_new_ones_get_fresh_ids() -> None:
    previous = {"a": "P1", "b": "P1", "c": "P2"}
    members = {"a": ["a", "b"], "c": ["c"], "d": ["d"]}
    result = assign_person_ids(members, previous, counter())
    assert result.person_of_cluster == {"a": "P1", "c": "P2", "d": "P00000100"}
    assert result.kept == 2
    assert result.new_clusters == ["d"]
    assert result.retired == {}


def test_a_merge_keeps_the_larger_side_and_retires_the_other_pointing_to_it() -> None:
    previous = {"a": "P1", "b": "P1", "c": "P2"}
    members = {"a": ["a", "b", "c"]}
    result = assign_person_ids(members, previous, counter())
    assert result.person_of_cluster == {"a": "P1"}
    assert result.retired == {"P2": "P1"}
    assert result.kept == 0


def test_a_split_keeps_the_id_on_the_larger_part() -> None:
    previous = {"a": "P1", "b": "P1", "c": "P1"}
    members = {"a": ["a", "b"], "c": ["c"]}
    result = assign_person_ids(members, previous, counter(7))
    assert result.person_of_cluster == {"a": "P1", "c": "P00000007"}
    assert result.retired == {}


def test_ties_are_broken_deterministically() -> None:
    previous = {"a": "P2", "b": "P1"}
    members = {"a": ["a", "b"]}
    first = assign_person_ids(members, previous, counter())
    second = assign_person_ids(dict(reversed(members.items())), dict(reversed(previous.items())), counter())
    assert first.person_of_cluster == second.person_of_cluster == {"a": "P1"}
    assert first.retired == {"P2": "P1"}
