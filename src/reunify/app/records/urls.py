from django.urls import path

from reunify.app.records import views

app_name = "records"
urlpatterns = [
    path("deliveries/", views.deliveries, name="deliveries"),
    path("quarantine/", views.quarantine, name="quarantine"),
]
