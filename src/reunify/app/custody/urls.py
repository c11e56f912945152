"""Two URL groups, included under their own namespaces: ``separations:`` and ``reports:``."""

from django.urls import path

from reunify.app.custody import views

separation_patterns = [path("", views.separations, name="list")]
report_patterns = [
    path("status/", views.status_report, name="status"),
    path("status/csv/", views.status_report_csv, name="status_csv"),
]
