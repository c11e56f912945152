"""Screenshots of the main pages, as a new user of each role sees them, taken with Debian's Chromium.

Usage: .venv/bin/python bench/screenshots.py [--families 100] [--out var/screenshots]

Builds a world the way the browser tests do (synth -> ingest -> link -> demo
users, in a scratch SQLite database), serves it with ``reunify serve``, signs in
as each role through the form and saves one full-page PNG per page into
``--out`` (not committed). Prints the paths.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.app.web.browser.live import (  # noqa: E402
    LiveServer,
    build_world,
    chromium_unavailable,
    launch_chromium,
    misspell,
    scratch_database,
    sign_in,
)

VIEWPORT = {"width": 1280, "height": 860}  # a laptop in a shelter office


def shots(facts: dict) -> list[tuple[str, str | None, str, str | None]]:
    """(file name, role or None for anonymous, path, text to type into the search box or None)."""
    family = facts["team_case"]
    tie = facts["review_tie"] or {}
    return [
        ("01-sign-in", None, "/accounts/sign-in/", None),
        ("02-dashboard-caseworker", "caseworker", "/", None),
        ("03-search-misspelt-name", "caseworker", "/search/", misspell(family["child_name"])),
        ("04-person-child-timeline", "caseworker", f"/persons/{family['child_id']}/", None),
        ("05-person-parent-timeline", "caseworker", f"/persons/{family['parent_id']}/", None),
        ("06-case", "caseworker", f"/cases/{family['case_id']}/", None),
        ("07-cases-list", "caseworker", "/cases/", None),
        ("08-review-queue-ties", "matcher", "/review/?tab=ties", None),
        ("09-review-queue-records", "matcher", "/review/", None),
        ("10-quarantine-data-officer", "data_officer", "/data/quarantine/", None),
        ("11-deliveries-data-officer", "data_officer", "/data/deliveries/", None),
        ("12-status-report-court-monitor", "court_monitor", "/reports/status/", None),
        ("13-case-status-court-monitor", "court_monitor", f"/cases/{family['case_id']}/", None),
        ("14-separations-supervisor", "supervisor", "/separations/", None),
        ("15-audit-log-auditor", "auditor", "/audit/?action=auth.", None),
        ("16-refused-court-monitor-person", "court_monitor", f"/persons/{tie.get('child_id', family['child_id'])}/", None),
        ("17-dashboard-spanish", "caseworker", "/", "es"),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--out", type=Path, default=REPO / "var" / "screenshots")
    args = parser.parse_args()
    reason = chromium_unavailable()
    if reason:
        sys.exit(f"cannot take screenshots: {reason}")
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="reunify-screenshots-") as scratch:
        workdir = Path(scratch)
        with scratch_database(workdir) as url:
            print(f"building a world of {args.families} families ...", flush=True)
            world = build_world(url, workdir, families=args.families, seed=args.seed, noise=2.0)
            with LiveServer(world, workdir) as server, sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                for name, role, path, extra in shots(world.facts):
                    context = browser.new_context(base_url=server.url, viewport=VIEWPORT, locale="en-US")
                    page = context.new_page()
                    if role:
                        sign_in(page, "", world.facts["users"][role], world.password)
                    if extra == "es":
                        page.goto("/")
                        page.select_option("#language-select", "es")
                        with page.expect_navigation():
                            page.click("form.reunify-language button[type=submit]")
                    page.goto(path)
                    if extra and extra != "es":
                        page.locator("#search-q").press_sequentially(extra, delay=20)
                        page.locator("#search-results tbody tr").first.wait_for()
                    page.wait_for_load_state("networkidle")
                    target = args.out / f"{name}.png"
                    page.screenshot(path=str(target), full_page=True)
                    print(target)
                    context.close()
                browser.close()


if __name__ == "__main__":
    main()
