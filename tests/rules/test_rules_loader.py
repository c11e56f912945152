"""Rule-set files: the packaged ones load, versions govern by date, and bad files fail precisely."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reunify.rules import PACKAGED_DIR, RuleSetError, check_rule_sets, load_rule_book, parse_rule_set

GOOD = """
id = "test-order"
version = 1
title = "A test order"
in_force_from = 2018-06-26

[source]
court = "A court"
case = "A v. B"
date = 2018-06-26
citation = "1 F. Supp. 1"

[[rules]]
id = "reunify"
kind = "deadline"
title = "Reunify within 14 days"
applies_to = "class_member"
event = "reunification"
anchor = [2018-06-26, "separated_at"]
days = 14
"""


def test_packaged_rule_sets_load_with_their_sources() -> None:
    book = load_rule_book()
    labels = {rs.label for rs in book.rule_sets}
    assert {"ms-l-injunction@1", "ms-l-class@1", "ms-l-class@2", "tvpra-transfer@1"} <= labels
    for rule_set in book.rule_sets:
        assert (
            rule_set.source.court
            and rule_set.source.case
            and (rule_set.source.citation or rule_set.source.url)
        )
    injunction = book.get("ms-l-injunction")
    under5 = next(r for r in injunction.rules if r.id == "reunify-under-5")
    assert (under5.days, under5.child_age_under, under5.age_on) == (14, 5, dt.date(2018, 6, 26))
    assert under5.anchor == (dt.date(2018, 6, 26), "separated_at")


def test_the_version_in_force_depends_on_the_date() -> None:
    book = load_rule_book()
    assert "ms-l-class@1" in [rs.label for rs in book.in_force(dt.date(2018, 7, 26))]
    assert "ms-l-class@2" in [rs.label for rs in book.in_force(dt.date(2019, 3, 8))]
    assert all(rs.id != "ms-l-class" for rs in book.in_force(dt.date(2018, 6, 25)))


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        (
            ("days = 14", 'days = 14\ntitel = "x"'),
            "rules[0].titel",
            "not a known key here (did you mean 'title'?)",
        ),
        (('title = "A test order"\n', ""), "title", "is required but missing"),
        (("version = 1", 'version = "1"'), "version", "must be a whole number"),
        (("version = 1", "version = 0"), "version", "out of range"),
        (('"separated_at"]', '"separated_on"]'), "rules[0].anchor[1]", "'separated_on' is not one of"),
        (
            ('kind = "deadline"', 'kind = "deadlin"'),
            "rules[0].kind",
            "is not one of class, deadline, prohibition",
        ),
        (("days = 14", "days = 14\nhours = 2"), "rules[0].days", "exactly one of days or hours"),
        (("in_force_from = 2018-06-26", 'in_force_from = "2018-06-26"'), "in_force_from", "must be a date"),
        (
            ("in_force_from = 2018-06-26", "in_force_from = 2018-06-26T10:00:00"),
            "in_force_from",
            "not the date-time",
        ),
        (('citation = "1 F. Supp. 1"', ""), "source", "needs a citation or a url"),
        (('event = "reunification"', 'event = "contact"'), "rules[0].contact_kinds", "is required"),
    ],
)
def test_bad_files_name_the_file_the_key_and_the_problem(
    change: tuple[str, str], key: str, words: str
) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(RuleSetError) as caught:
        parse_rule_set(GOOD.replace(old, new, 1), "orders/test.toml")
    assert (caught.value.file, caught.value.key) == ("orders/test.toml", key)
    assert words in caught.value.message
    assert str(caught.value).startswith(f"orders/test.toml: {key}: ")


def test_invalid_toml_and_duplicate_rule_ids() -> None:
    with pytest.raises(RuleSetError, match="not valid TOML"):
        parse_rule_set("id = ", "x.toml")
    doubled = GOOD + GOOD[GOOD.index("[[rules]]") :]
    with pytest.raises(RuleSetError, match=r"rules\[1\]\.id: 'reunify' is already the id of rules\[0\]"):
        parse_rule_set(doubled, "x.toml")


def test_check_collects_every_error_and_refuses_a_duplicate_version(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "c.toml").write_text(GOOD.replace("days = 14", "days = -1"), encoding="utf-8")
    rule_sets, errors = check_rule_sets([tmp_path])
    assert [rs.label for rs in rule_sets] == ["test-order@1"]
    assert [(Path(e.file).name, e.key) for e in errors] == [
        ("b.toml", "version"),
        ("c.toml", "rules[0].days"),
    ]
    assert "also defined in" in errors[0].message
    packaged, none = check_rule_sets([PACKAGED_DIR])
    assert packaged and not none


def test_an_extra_folder_adds_a_version_that_then_governs(tmp_path: Path) -> None:
    text = (PACKAGED_DIR / "ms-l-injunction.toml").read_text(encoding="utf-8")
    (tmp_path / "injunction-v2.toml").write_text(
        text.replace("version = 1", "version = 2").replace(
            "in_force_from = 2018-06-26", "in_force_from = 2018-07-01"
        ),
        encoding="utf-8",
    )
    book = load_rule_book([tmp_path])
    assert "ms-l-injunction@1" in [rs.label for rs in book.in_force(dt.date(2018, 6, 30))]
    assert "ms-l-injunction@2" in [rs.label for rs in book.in_force(dt.date(2018, 7, 1))]
    with pytest.raises(RuleSetError, match="no such file or folder"):
        load_rule_book([tmp_path / "missing"])
