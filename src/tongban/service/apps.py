from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "tongban.service"
    label = "service"
    verbose_name = _("Holiday service, queueing, consultations and outreach")
