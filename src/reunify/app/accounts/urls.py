from django.urls import path

from reunify.app.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/code/", views.sign_in_code, name="sign_in_code"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("second-factor/", views.second_factor, name="second_factor"),
    path("users/", views.users, name="users"),
]
