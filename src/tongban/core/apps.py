from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tongban.core"
    label = "core"
    verbose_name = _("Platform core")

    def ready(self) -> None:
        from tongban.core import checks  # noqa: F401  (registers the system checks)
        from tongban.core.choices import install_choice_labels

        install_choice_labels()
