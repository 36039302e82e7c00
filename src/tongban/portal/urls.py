from django.urls import path

from tongban.portal import account, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("items/<str:code>/", views.guide, name="guide"),
    path("items/<str:code>/apply/", views.apply, name="apply"),
    path("applied/", views.applied, name="applied"),
    path("track/", views.track, name="track"),
    path("track/rate/", views.rate, name="rate"),
    path("account/", account.my_cases, name="account"),
    path("account/sign-in/", account.sign_in, name="account_sign_in"),
    path("account/code/", account.code, name="account_code"),
    path("account/sign-out/", account.sign_out, name="account_sign_out"),
]
