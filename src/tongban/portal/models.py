from django.db import models
from django.utils.translation import gettext_lazy as _


class PageKind(models.TextChoices):
    HOME = "home", _("home")
    SEARCH = "search", _("catalog search")
    GUIDE = "guide", _("service guide")
    APPLY = "apply", _("online application")
    APPLIED = "applied", _("application filed")
    TRACK = "track", _("progress query")
    RATE = "rate", _("rating")


class PageView(models.Model):
    """Portal visits counted per day, path and kind, for the statistics. Deliberately holds no
    personal data: no IP address, user agent, session or query string is ever stored."""

    day = models.DateField(_("day"))
    path = models.CharField(_("path"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=PageKind.choices)
    count = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("page view count")
        verbose_name_plural = _("page view counts")
        constraints = [models.UniqueConstraint(fields=["day", "path", "kind"], name="pageview_unique_day_path_kind")]
        indexes = [models.Index(fields=["kind", "day"], name="pageview_kind_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.path} {self.count}"


class CitizenAccount(models.Model):
    """A citizen's portal sign-in, bound to a real-name-verified ID number (kept only as its
    blind index and a masked copy) and the phone the code went to (encrypted)."""

    id_index = models.CharField(max_length=64, unique=True, editable=False)
    id_masked = models.CharField(_("ID number"), max_length=18)
    phone_enc = models.BinaryField(null=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=11)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("citizen account")
        verbose_name_plural = _("citizen accounts")

    def __str__(self) -> str:
        return self.id_masked
