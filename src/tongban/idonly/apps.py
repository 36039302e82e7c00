from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdonlyConfig(AppConfig):
    name = "tongban.idonly"
    label = "idonly"
    verbose_name = _("ID-card-only handling")
