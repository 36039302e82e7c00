from django.urls import path

from tongban.licenses import views

app_name = "licenses"

urlpatterns = [
    path("verify/", views.verify_page, name="verify"),
    path("verify/<str:identifier>/", views.verify_page, name="verify_identifier"),
    path("revocations.json", views.revocation_list, name="revocations"),
]
