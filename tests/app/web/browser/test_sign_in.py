"""Signing in through the real server: the page, the lockout after repeated failures, the language switch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.app.web.browser.live import SPARE_USER, LiveServer, World, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_an_anonymous_visitor_is_sent_to_sign_in_and_back_after_it(
    new_page: Callable[[], Any], world: World, server: LiveServer
) -> None:
    page = new_page()
    page.goto("/cases/")
    assert "/accounts/sign-in/" in page.url and "next=/cases/" in page.url
    page.fill("#id_username", world.facts["users"]["caseworker"])
    page.fill("#id_password", world.password)
    with page.expect_navigation():
        page.click("form.usa-form button[type=submit]")
    assert page.url == f"{server.url}/cases/"
    # The session cookie is HttpOnly: no script on the page can read it.
    assert "sessionid" not in page.evaluate("document.cookie")


def test_a_wrong_password_is_refused_with_a_message(new_page: Callable[[], Any], world: World) -> None:
    page = new_page()
    sign_in(page, "", world.facts["users"]["matcher"], "not the password")
    assert "/accounts/sign-in/" in page.url
    assert "The username or password is not right." in page.inner_text("#sign-in-error")


def test_five_failures_lock_the_account_even_against_the_right_password(
    new_page: Callable[[], Any], world: World
) -> None:
    page = new_page()
    for _attempt in range(5):
        sign_in(page, "", SPARE_USER, "a wrong guess")
        assert "/accounts/sign-in/" in page.url
    assert "Too many failed sign-ins" in page.inner_text("#sign-in-error")
    sign_in(page, "", SPARE_USER, world.password)
    assert "/accounts/sign-in/" in page.url, "a locked account must not sign in with its right password"
    assert "Too many failed sign-ins" in page.inner_text("#sign-in-error")
    # Another account is not affected by this one's lockout.
    sign_in(page, "", world.facts["users"]["auditor"], world.password)
    assert "/accounts/sign-in/" not in page.url


def test_switching_to_spanish_translates_the_pages_and_stays(page_as: Callable[[str], Any]) -> None:
    page = page_as("caseworker")
    page.goto("/")
    assert page.get_attribute("html", "lang") == "en"
    page.select_option("#language-select", "es")
    with page.expect_navigation():
        page.click("form.reunify-language button[type=submit]")
    assert page.get_attribute("html", "lang") == "es"
    navigation = page.inner_text("header")
    assert "Panel" in navigation and "Dashboard" not in navigation
    page.goto("/cases/")
    assert page.get_attribute("html", "lang") == "es", "the choice holds on the next page"
