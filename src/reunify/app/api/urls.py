"""``/api/``: the ninja routes, and a JSON 404 or 405 for anything else under the prefix.

ninja answers an unknown method with a plain-text 405 and Django an unknown
path with an HTML 404; a client of a JSON API should get the one error shape
for those too, so each route is wrapped and a catch-all closes the prefix.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, re_path

from .api import api
from .errors import error_response


def _json_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response.get("Allow", "")
            answer = error_response(
                405, f"{request.method} is not allowed on {request.path}; allowed: {allowed}"
            )
            answer["Allow"] = allowed
            return answer
        return response

    return wrapper


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return error_response(404, f"no API route {request.path}; the routes are listed at /api/docs", "no_route")


_ninja_patterns, _ninja_app, _namespace = api.urls
app_name = "api"  # the namespace ninja reverses its docs and OpenAPI routes in (urls_namespace)
urlpatterns = [
    URLPattern(p.pattern, _json_not_allowed(p.callback), p.default_args, p.name) for p in _ninja_patterns
] + [re_path(r"^.*$", not_found, name="not_found")]
