"""The case pages under ``/cases/``: the list, one case, and one POST URL per change (see ``views``)."""

from django.urls import path

from . import views

app_name = "cases"

_CASE = "<str:case_id>/"

urlpatterns = [
    path("", views.case_list, name="list"),
    path(_CASE, views.case_detail, name="detail"),
    path(_CASE + "steps/<str:kind>/start/", views.step_start, name="step_start"),
    path(_CASE + "steps/<str:kind>/complete/", views.step_complete, name="step_complete"),
    path(_CASE + "steps/<str:kind>/", views.step_update, name="step_update"),
    path(_CASE + "flags/", views.flag_raise, name="flag_raise"),
    path(_CASE + "flags/<int:flag_id>/resolve/", views.flag_resolve, name="flag_resolve"),
    path(_CASE + "track/", views.track_set, name="track_set"),
    path(_CASE + "review/", views.review_resolve, name="review_resolve"),
    path(_CASE + "assignment/", views.assign, name="assign"),
    path(_CASE + "contacts/", views.contact_log, name="contact_log"),
    path(_CASE + "choices/", views.choice_record, name="choice_record"),
    path(_CASE + "removals/", views.removal_record, name="removal_record"),
    path(_CASE + "tasks/", views.task_create, name="task_create"),
    path(_CASE + "tasks/<int:task_id>/", views.task_update, name="task_update"),
]
