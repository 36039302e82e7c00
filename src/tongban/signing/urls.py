from django.urls import path

from tongban.signing import views

app_name = "signing"

urlpatterns = [
    path("tsa", views.tsa, name="tsa"),
    path("crl.der", views.crl, name="crl"),
    path("root.pem", views.root_certificate, name="root"),
    path("keys.json", views.key_set, name="keys"),
]
