"""Each role's daily work, done in Chromium against ``reunify serve`` and a database the pipeline filled.

The tests click and type as a person does (navigation links, the live search
box, htmx forms), then reload the page to prove that what the screen showed
was stored. What they expect comes from the world's facts, read with the
models when the world was built, never from the pages under test.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.app.web.browser.live import World, misspell, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FORBIDDEN_HEADING = "You may not open this page"


def open_from_navigation(page: Any, label: str) -> None:
    with page.expect_navigation():
        page.locator("nav").get_by_role("link", name=label, exact=True).first.click()


def test_misspell_changes_exactly_one_word() -> None:
    assert misspell("Wuilmer Perez") == "Wulimer Perez"
    assert misspell("Ana Lee") != "Ana Lee"


def test_caseworker_finds_a_child_by_a_misspelt_name_and_works_the_case(
    page_as: Callable[[str], Any], world: World
) -> None:
    family = world.facts["team_case"]
    page = page_as("caseworker")
    open_from_navigation(page, "Search")

    # Live results (htmx) as the caseworker types a misspelt name.
    misspelt = misspell(family["child_name"])
    assert misspelt != family["child_name"]
    page.locator("#search-q").press_sequentially(misspelt, delay=20)
    child_link = page.locator(f'#search-results a[href="/persons/{family["child_id"]}/"]')
    child_link.wait_for()
    assert "one letter apart" in page.inner_text("#search-results")
    with page.expect_navigation():
        child_link.click()

    # The child's page: the custody timeline and the family case.
    assert page.locator("h1").inner_text() == family["child_name"]
    assert page.locator("ol.reunify-timeline li").count() >= 1
    with page.expect_navigation():
        page.get_by_role("link", name=family["case_id"]).click()
    assert page.url.endswith(f"/cases/{family['case_id']}/")

    # Where the parent is now, as the custody records say.
    parent_row = page.locator(
        "#panel-family tr", has=page.locator(f'a[href="/persons/{family["parent_id"]}/"]')
    )
    where = family["parent_location"]
    row_text = parent_row.inner_text()
    assert where["facility"] in row_text and where["agency"] in row_text, row_text

    # Complete the first open step (htmx swaps the steps panel).
    step = page.locator(f"#step-{family['first_open_step'].lower()}")
    step.get_by_role("button", name="Complete", exact=True).click()
    page.locator(f"#step-{family['first_open_step'].lower()} .usa-tag", has_text="done").wait_for()

    # Log a phone call between the parent and the child.
    contacts = page.locator("#panel-contacts")
    contacts.locator("summary", has_text="Log a call or visit").click()
    # By field name: the labels are checked on their own in test_pages.py (unique ids).
    contacts.locator("[name=parent_person_id]").select_option(family["parent_id"])
    contacts.locator("[name=kind]").select_option("PHONE")
    when = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    contacts.locator("[name=occurred_at]").fill(when)
    contacts.locator("[name=duration_minutes]").fill("15")
    contacts.locator("label", has_text="It happened").click()
    note = "Call from the shelter office; both in good spirits."
    contacts.locator("[name=notes]").fill(note)
    contacts.get_by_role("button", name="Log the contact").click()
    page.locator("#panel-contacts td", has_text=note).wait_for()

    # Both were stored, not only drawn: a fresh load of the page shows them.
    page.reload()
    assert page.locator(f"#step-{family['first_open_step'].lower()} .usa-tag", has_text="done").count() == 1
    logged = page.locator("#panel-contacts tr", has_text=note)
    assert logged.count() == 1
    assert family["parent_id"] in logged.inner_text() and "caseworker" in logged.inner_text()


def test_caseworker_reads_but_cannot_work_a_case_of_another_team(
    page_as: Callable[[str], Any], world: World
) -> None:
    page = page_as("caseworker")
    response = page.goto(f"/cases/{world.facts['other_case']}/")
    assert response is not None and response.status == 200
    assert page.locator("#panel-steps").count() == 1
    assert page.locator("#panel-steps").get_by_role("button", name="Complete").count() == 0
    assert page.locator("#panel-contacts").get_by_role("button", name="Log the contact").count() == 0


def test_matcher_confirms_a_tie_in_the_review_queue(page_as: Callable[[str], Any], world: World) -> None:
    tie = world.facts["review_tie"]
    page = page_as("matcher")
    open_from_navigation(page, "Review queue")
    with page.expect_navigation():
        page.get_by_role("link", name="Parent and child?").click()
    card = page.locator(
        "section",
        has=page.locator(f'a[href="/persons/{tie["parent_id"]}/"]'),
    ).filter(has=page.locator(f'a[href="/persons/{tie["child_id"]}/"]'))
    assert card.count() == 1
    # The evidence is there, each line with its weight.
    assert card.locator("table", has_text="Evidence").locator("tbody tr").count() >= 1
    card.locator("label", has_text="Yes: confirm the tie").click()  # USWDS draws the label, not the input
    card.get_by_label("Reason (required)").fill(
        "Same address and DNA result on file; the parent named the child."
    )
    card.get_by_role("button", name="Record the decision").click()
    page.get_by_text("Decision recorded and applied: the tie is now CONFIRMED").wait_for()

    page.reload()
    assert card.count() == 0, "a decided tie leaves the queue"
    page.goto(f"/persons/{tie['child_id']}/")
    confirmed = page.locator("#ties + div table tbody tr").filter(
        has=page.locator("th", has_text=tie["parent_id"])
    )
    assert "CONFIRMED" in confirmed.inner_text()


def test_data_officer_sees_the_quarantine_of_their_agency_only(
    page_as: Callable[[str], Any], world: World
) -> None:
    own = world.facts["quarantine_files"]["orr_referrals"]
    others = [
        name
        for feed, names in world.facts["quarantine_files"].items()
        if feed != "orr_referrals"
        for name in names
    ]
    assert own and others, "the world must have quarantined rows in ORR's feed and in others"
    page = page_as("data_officer")
    open_from_navigation(page, "Quarantine")
    count = world.facts["quarantine_by_feed"]["orr_referrals"]
    body = page.inner_text("main")
    assert re.search(rf"\b{count} quarantined rows?\b", body), body[:500]
    files = {cell.strip() for cell in page.locator("main tbody th").all_inner_texts()}
    assert files == set(own)
    # Asking for another agency's feed by URL changes nothing.
    page.goto("/data/quarantine/?feed=ice_detentions")
    body = page.inner_text("main")
    assert not any(name in body for name in others)
    assert re.search(rf"\b{count} quarantined rows?\b", body)
    # Deliveries: ORR's files only.
    open_from_navigation(page, "Deliveries")
    body = page.inner_text("main")
    assert "orr_referrals_" in body and not any(
        f"{feed}_" in body for feed in world.facts["quarantine_files"] if feed != "orr_referrals"
    )


def test_court_monitor_reads_the_status_report_and_case_status_without_names(
    page_as: Callable[[str], Any], world: World
) -> None:
    family = world.facts["team_case"]
    names = [*world.facts["children_names"], family["child_name"], family["parent_name"]]
    page = page_as("court_monitor")
    open_from_navigation(page, "Reports")
    report = page.inner_text("main")
    assert re.search(r"\d", report) and "reunified" in report.lower()
    assert not [name for name in names if name in report]

    response = page.goto(f"/cases/{family['case_id']}/")
    assert response is not None and response.status == 200
    status = page.inner_text("main")
    assert family["case_id"] in status
    assert not [name for name in names if name in status]
    assert family["child_id"] not in status and family["parent_id"] not in status


def test_auditor_searches_the_audit_log(
    page_as: Callable[[str], Any], new_page: Callable[[], Any], world: World
) -> None:
    # Something to find: the caseworker signs in and opens their cases.
    caseworker = new_page()
    sign_in(caseworker, "", world.facts["users"]["caseworker"], world.password)
    caseworker.goto("/cases/")

    page = page_as("auditor")
    open_from_navigation(page, "Audit log")
    page.get_by_label("Actor (username)").fill(world.facts["users"]["caseworker"])
    page.get_by_label("Action (or its start, e.g. auth.)").fill("auth.")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"actor=caseworker"))
    rows = page.locator("#audit-results tbody tr")
    rows.first.wait_for()
    assert rows.count() >= 1
    for row in rows.all():
        cells = row.locator("td").all_inner_texts()
        assert cells[2] == world.facts["users"]["caseworker"] and cells[3].startswith("auth."), cells


def test_state_monitor_reads_cases_in_their_state_only_and_changes_nothing(
    page_as: Callable[[str], Any], world: World
) -> None:
    cases = world.facts["state_cases"]
    assert cases["in"] and cases["out"], cases
    page = page_as("state_monitor")
    response = page.goto(f"/cases/{cases['in']}/")
    assert response is not None and response.status == 200
    assert page.locator("#panel-family").count() == 1
    assert page.locator("main form[method=post]").count() == 0, "a state monitor is read-only"
    response = page.goto(f"/cases/{cases['out']}/")
    assert response is not None and response.status in (403, 404)
    assert cases["out"] not in page.inner_text("main") or FORBIDDEN_HEADING in page.inner_text("main")


# Pages each role must not open, refused with the 403 page; the paths name real objects of the world.
REFUSED: list[tuple[str, str]] = [
    ("data_officer", "/search/?q=Perez"),
    ("data_officer", "/cases/{case_id}/"),
    ("matcher", "/cases/{case_id}/"),
    ("matcher", "/data/quarantine/"),
    ("caseworker", "/audit/"),
    ("caseworker", "/accounts/users/"),
    ("supervisor", "/audit/"),
    ("state_monitor", "/review/"),
    ("court_monitor", "/search/?q=Perez"),
    ("court_monitor", "/persons/{child_id}/"),
    ("auditor", "/cases/"),
    ("auditor", "/persons/{parent_id}/"),
    ("administrator", "/cases/{case_id}/"),
    ("administrator", "/persons/{child_id}/"),
]


@pytest.mark.parametrize(("role", "path"), REFUSED)
def test_each_role_is_refused_what_it_must_not_see(
    page_as: Callable[[str], Any], world: World, role: str, path: str
) -> None:
    page = page_as(role)
    response = page.goto(path.format(**world.facts["team_case"]))
    assert response is not None and response.status == 403
    assert FORBIDDEN_HEADING in page.inner_text("main")
    main = page.inner_text("main")
    family = world.facts["team_case"]
    assert family["child_name"] not in main and family["parent_name"] not in main
