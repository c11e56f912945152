"""Two URL groups, included under their own namespaces: ``people:`` (person pages) and ``review:``."""

from django.urls import path

from reunify.app.people import views

person_patterns = [
    path("<str:public_id>/", views.person, name="person"),
    path("<str:public_id>/links/", views.person_links, name="links"),
]
review_patterns = [
    path("", views.review_queue, name="queue"),
    path("ties/decide/", views.review_tie_decide, name="tie_decide"),
    path("persons/decide/", views.review_pair_decide, name="pair_decide"),
]
