from django.urls import path

from tongban.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("agreements/", views.agreement_list, name="agreements"),
    path("<str:code>/", views.project_detail, name="detail"),
    path("<str:code>/act/<str:action>/", views.project_act, name="act"),
]
