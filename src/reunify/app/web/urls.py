from django.urls import path

from reunify.app.web import views

app_name = "web"
urlpatterns = [path("", views.dashboard, name="dashboard")]
