from django.urls import path

from reunify.app.search import views

app_name = "search"
urlpatterns = [path("", views.search, name="search")]
