"""Every main page as a browser receives it: loads, breaks no content-security rule, labels the right fields.

What only a real browser shows: a script or style the content security policy
blocks (a console error, not a server error), a JavaScript error, and labels
tied to the wrong field because two elements share an id (a screen reader
then reads the wrong label, and clicking the label focuses another form).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.app.web.browser.live import World

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The main pages by the role that uses them; paths name real objects of the world.
PAGES: dict[str, list[str]] = {
    "caseworker": [
        "/",
        "/search/?q={child_name}",
        "/persons/{child_id}/",
        "/persons/{child_id}/links/",
        "/cases/",
        "/cases/{case_id}/",
    ],
    "matcher": ["/review/", "/review/?tab=ties", "/persons/{parent_id}/"],
    "supervisor": ["/separations/", "/data/deliveries/"],
    "data_officer": ["/data/quarantine/", "/data/deliveries/"],
    "court_monitor": ["/reports/status/", "/cases/{case_id}/"],
    "state_monitor": ["/", "/separations/"],
    "auditor": ["/audit/?action=auth."],
    "administrator": ["/accounts/users/"],
}

PAGE_CHECKS = """() => {
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  const duplicates = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
  const unlabelled = [...document.querySelectorAll('label[for]')]
    .filter(l => { const t = document.getElementById(l.htmlFor); return !t || (l.form && t.form !== l.form); })
    .map(l => l.htmlFor + ': ' + l.textContent.trim());
  return {duplicates, unlabelled, h1: document.querySelectorAll('h1').length, lang: document.documentElement.lang};
}"""


def _watch(page: Any) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    return problems


@pytest.mark.parametrize("role", sorted(PAGES))
def test_main_pages_load_cleanly_with_unique_ids_and_labels(
    page_as: Callable[[str], Any], world: World, role: str
) -> None:
    page = page_as(role)
    problems = _watch(page)
    failures = []
    for template in PAGES[role]:
        path = template.format(**world.facts["team_case"])
        response = page.goto(path)
        page.wait_for_load_state("networkidle")
        checks = page.evaluate(PAGE_CHECKS)
        status = response.status if response else None
        if status != 200 or problems or checks["duplicates"] or checks["unlabelled"] or checks["h1"] != 1:
            failures.append({"path": path, "status": status, "console": list(problems), **checks})
        problems.clear()
    assert not failures, failures


def test_the_sign_in_page_loads_cleanly(new_page: Callable[[], Any]) -> None:
    page = new_page()
    problems = _watch(page)
    response = page.goto("/accounts/sign-in/")
    page.wait_for_load_state("networkidle")
    checks = page.evaluate(PAGE_CHECKS)
    assert response is not None and response.status == 200
    assert not problems and not checks["duplicates"] and not checks["unlabelled"] and checks["h1"] == 1, (
        problems,
        checks,
    )
    # Static files come fingerprinted from WhiteNoise: the stylesheet really loaded and applies.
    assert page.evaluate("getComputedStyle(document.querySelector('.usa-button')).display") != "inline"
