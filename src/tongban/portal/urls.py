from django.urls import path

from tongban.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("items/<str:code>/", views.guide, name="guide"),
    path("items/<str:code>/apply/", views.apply, name="apply"),
    path("applied/", views.applied, name="applied"),
    path("track/", views.track, name="track"),
    path("track/rate/", views.rate, name="rate"),
]
