from django.urls import path

from tongban.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cases/", views.drill, name="drill"),
    path("export/", views.period_export, name="export"),
]
