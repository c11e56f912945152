from django.urls import path

from reunify.app.audit import views

app_name = "audit"
urlpatterns = [path("", views.search, name="search")]
