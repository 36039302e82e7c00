from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "tongban.security"
    label = "security"
    verbose_name = _("Security")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from tongban.security import sessions

        user_logged_in.connect(sessions.on_signed_in, dispatch_uid="tongban.security.signed_in")
        user_logged_out.connect(sessions.on_signed_out, dispatch_uid="tongban.security.signed_out")
