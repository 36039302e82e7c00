from django.urls import path

from tongban.policy import views

app_name = "policy"

urlpatterns = [
    path("measures/", views.measures, name="measures"),
]
