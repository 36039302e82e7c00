from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionQuerySet(models.QuerySet):
    def local(self):
        return self.get(code=settings.TONGBAN_REGION_CODE)


class Region(models.Model):
    """A bureau's region. Each region runs its own deployment; the local one is this deployment's."""

    code = models.CharField(_("region code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=60)
    bureau = models.CharField(_("bureau"), max_length=100)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    @property
    def is_local(self) -> bool:
        return self.code == settings.TONGBAN_REGION_CODE


class CenterLevel(models.TextChoices):
    AREA = "area", _("area service center")
    CITY = "city", _("new-city service center")
    STATION = "station", _("street/town service station")


class Center(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="centers")
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=8, choices=CenterLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("parent center"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("service phone"), max_length=30, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=100, blank=True)

    class Meta:
        ordering = ["region", "level", "code"]
        verbose_name = _("service center")
        verbose_name_plural = _("service centers")

    def __str__(self) -> str:
        return self.name


class Hall(models.Model):
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="halls")
    name = models.CharField(_("name"), max_length=100)
    floor = models.CharField(_("floor"), max_length=20, blank=True)

    class Meta:
        ordering = ["center", "name"]
        constraints = [models.UniqueConstraint(fields=["center", "name"], name="hall_unique_name_per_center")]
        verbose_name = _("hall")
        verbose_name_plural = _("halls")

    def __str__(self) -> str:
        return f"{self.center.name} {self.name}"


class Window(models.Model):
    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="windows")
    number = models.CharField(_("window number"), max_length=10)
    name = models.CharField(_("name"), max_length=60)
    categories = models.JSONField(_("item categories served"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["hall", "number"]
        constraints = [models.UniqueConstraint(fields=["hall", "number"], name="window_unique_number_per_hall")]
        verbose_name = _("window")
        verbose_name_plural = _("windows")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Role(models.TextChoices):
    CLERK = "clerk", _("window clerk")
    APPROVER = "approver", _("approver")
    AGENT = "agent", _("assisted-handling agent")
    CENTER_ADMIN = "center_admin", _("center administrator")
    LEADER = "leader", _("bureau leader")


class StaffProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff")
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="staff")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    window = models.ForeignKey(
        Window, null=True, blank=True, on_delete=models.SET_NULL, related_name="staff",
        verbose_name=_("usual window"),
    )
    display_name = models.CharField(_("name"), max_length=40)
    employee_no = models.CharField(_("employee number"), max_length=20, blank=True)

    class Meta:
        ordering = ["center", "role", "display_name"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_role_display()}, {self.center.name})"


class ApiToken(models.Model):
    """A bearer token for a staff member's API client; only its hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
