from django.urls import path

from tongban.security import views

app_name = "security"

urlpatterns = [
    path("second-factor/", views.verify, name="verify"),
    path("second-factor/enrol/", views.enrol, name="enrol"),
    path("sign-out-everywhere/", views.sign_out_everywhere_view, name="sign_out_everywhere"),
]
