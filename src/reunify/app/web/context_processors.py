"""What every page's layout needs: the navigation the access policy opens to this user."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from reunify.app.accounts import policy


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    action: str


# Pages register here as they arrive; an item shows only when its action is allowed and its URL exists.
NAVIGATION: list[NavItem] = [
    NavItem(_("Dashboard"), "web:dashboard", ""),
    NavItem(_("Search"), "search:search", "search.run"),
    NavItem(_("Cases"), "cases:list", "case.view_status"),
    NavItem(_("Review queue"), "review:queue", "review.view"),
    NavItem(_("Separations"), "separations:list", "separation.view"),
    NavItem(_("Deliveries"), "records:deliveries", "delivery.view"),
    NavItem(_("Quarantine"), "records:quarantine", "quarantine.view"),
    NavItem(_("Reports"), "reports:status", "report.status"),
    NavItem(_("Audit log"), "audit:search", "audit.view"),
    NavItem(_("Users"), "accounts:users", "user.manage"),
]


def navigation_for(request: HttpRequest) -> list[dict[str, object]]:
    """The items this user may use, with their URLs and whether the current page is under them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = []
    for item in NAVIGATION:
        if item.action and not policy.allows(user, item.action):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue  # the page is not built yet
        current = request.path == url or (url != "/" and request.path.startswith(url))
        items.append({"label": item.label, "url": url, "current": current})
    return items


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    access = policy.access_of(user) if user is not None else None
    return {
        "nav_items": navigation_for(request),
        "user_role": access.role if access else "",
        "user_access": access,
    }
