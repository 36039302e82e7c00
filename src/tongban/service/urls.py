from django.urls import path

from tongban.service import views

app_name = "service"

urlpatterns = [
    path("plans/<int:plan_id>/roster/", views.roster, name="roster"),
]
