"""URL routes. The pages and the API arrive with the application issue; health is here from the start."""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from reunify.app.custody import urls as custody_urls
from reunify.app.people import urls as people_urls


def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 only when the database answers, so a load balancer never routes to a broken node."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        return JsonResponse({"status": "error", "detail": str(exc)}, status=503)
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("healthz", healthz),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("reunify.app.accounts.urls")),
    path("audit/", include("reunify.app.audit.urls")),
    path("api/", include("reunify.app.api.urls")),
    path("cases/", include("reunify.app.cases.urls")),
    # The data pages (search, persons, review, data officer, separations, reports): one app per concern.
    path("search/", include("reunify.app.search.urls")),
    path("persons/", include((people_urls.person_patterns, "people"))),
    path("review/", include((people_urls.review_patterns, "review"))),
    path("data/", include("reunify.app.records.urls")),
    path("separations/", include((custody_urls.separation_patterns, "separations"))),
    path("reports/", include((custody_urls.report_patterns, "reports"))),
    path("", include("reunify.app.web.urls")),
]
