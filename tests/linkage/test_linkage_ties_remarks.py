"""Reading the clerks' free text for what it says against a parent-child tie."""

from __future__ import annotations

import pytest

from reunify.linkage.ties_remarks import DENIAL, DOUBT, RELATIVE, read_remark


@pytest.mark.parametrize(
    ("text", "kind", "sex"),
    [
        ("NOT PARENT", DENIAL, None),
        ("ADULT IS NOT THE FATHER OF THE UAC", DENIAL, "M"),
        ("NO ES SU MADRE, ES SU TIA", DENIAL, "F"),
        ("TRAVELING WITH UNCLE", RELATIVE, "M"),
        ("VIAJA CON SU TÍA", RELATIVE, "F"),
        ("viaja con su tia", RELATIVE, "F"),
        ("CLAIMS TO BE OLDER SISTER", RELATIVE, "F"),
        ("GRANDMOTHER, NOT LEGAL GUARDIAN", RELATIVE, "F"),
        ("ABUELO DEL MENOR", RELATIVE, "M"),
        ("TRAVELING WITH COUSIN", RELATIVE, None),
        ('CLAIMS TO BE PARENT, "NO DOCUMENTS"', DOUBT, None),
        ('FAMILY RELATIONSHIP "NOT VERIFIED", SEPARATED FROM FATHER', DOUBT, None),
        ("separation_reason FRAUD_SUSPECTED", DOUBT, None),
    ],
)
def test_remarks_that_speak_against_a_tie(text: str, kind: str, sex: str | None) -> None:
    signal = read_remark(text)
    assert signal is not None
    assert (signal.kind, signal.sex) == (kind, sex)


@pytest.mark.parametrize(
    "text",
    [
        "SEPARATED FROM MOTHER DUE TO 1325 PROSECUTION",
        "REFERRED FOR 1325, CHILDREN REMAIN WITH MOTHER",
        "VR TO MEXICO",
        "PATIO",  # a kin word must be a whole word (TIO)
        "",
    ],
)
def test_remarks_that_say_nothing_about_kinship(text: str) -> None:
    assert read_remark(text) is None
