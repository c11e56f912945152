"""Fixtures of the browser tests: one world and one real server per session, a fresh browser context per test.

The world (a database the real pipeline filled) and ``reunify serve`` are
built once per session: both take seconds, and the tests only read them or
change cases that no other test looks at. Every test gets its own browser
context, so cookies, sessions and language never carry over between tests.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.app.web.browser.live import (
    LiveServer,
    World,
    build_world,
    chromium_unavailable,
    launch_chromium,
    scratch_database,
    sign_in,
)


@pytest.fixture(scope="session")
def chromium_ready() -> None:
    reason = chromium_unavailable()
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def world(chromium_ready: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """130 families through synth -> ingest -> link (separations, search index, cases) -> demo users.

    Twice the usual noise, so the family model leaves a few ties as candidates for the review queue;
    enough families that more cases open than the demo team's 60, so another team's case exists.
    """
    workdir = tmp_path_factory.mktemp("browser_world")
    with scratch_database(workdir, os.environ.get("REUNIFY_DATABASE_URL", "")) as url:
        built = build_world(url, workdir, families=130, seed=2018, noise=2.0)
        missing = [k for k in ("team_case", "other_case", "review_tie") if not built.facts.get(k)]
        assert not missing, f"the scenario lacks what the tests need: {missing}; facts: {built.facts}"
        yield built


@pytest.fixture(scope="session")
def server(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``reunify serve`` (gunicorn, two workers) on that database, on a free port."""
    with LiveServer(world, tmp_path_factory.mktemp("browser_server")) as live:
        yield live


@pytest.fixture(scope="session")
def browser(chromium_ready: None) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_page(browser: Any, server: LiveServer) -> Iterator[Callable[[], Any]]:
    """A page in a context of its own (no cookies), addressed relative to the server."""
    contexts: list[Any] = []

    def make() -> Any:
        context = browser.new_context(base_url=server.url, locale="en-US")
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page_as(new_page: Callable[[], Any], server: LiveServer, world: World) -> Callable[[str], Any]:
    """``page_as("caseworker")``: a page signed in through the form as that role's demo user."""

    def sign_in_as(role: str) -> Any:
        page = new_page()
        sign_in(page, server.url, world.facts["users"][role], world.password)
        assert "/accounts/sign-in/" not in page.url, f"{role} could not sign in: {page.content()[:2000]}"
        return page

    return sign_in_as
