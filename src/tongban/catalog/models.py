"""The service catalog (政务服务事项清单).

An `Item` is the stable identity (its code); its content lives in numbered `ItemVersion`s.
Changing an item writes a new version and marks it current: cases keep pointing at the version
they were filed under, so a change never alters a case already filed.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    TAX = "tax", _("tax")
    HOUSING_FUND = "housing_fund", _("housing provident fund")
    BUSINESS_REGISTRATION = "business_registration", _("business registration")
    SOCIAL_SECURITY = "social_security", _("social security")
    MEDICAL_INSURANCE = "medical_insurance", _("medical insurance")
    PENSION = "pension", _("elderly care")
    ENTERPRISE_INVESTMENT = "enterprise_investment", _("enterprise investment")
    VEHICLE_DRIVER = "vehicle_driver", _("vehicles and drivers")
    GAS_PAYMENT = "gas_payment", _("gas service")
    INVOICE = "invoice", _("invoice issuance")
    CONSTRUCTION = "construction", _("construction projects")
    CIVIL_AFFAIRS = "civil_affairs", _("civil affairs")
    HOUSEHOLD = "household", _("household registration")


class Subject(models.TextChoices):
    PERSON = "person", _("natural person")
    ENTITY = "entity", _("legal entity")
    BOTH = "both", _("person or entity")


class SharedSource(models.TextChoices):
    POPULATION = "population", _("population and household register")
    SOCIAL_SECURITY = "social_security", _("social security records")
    HOUSING_FUND = "housing_fund", _("housing fund records")
    VEHICLE = "vehicle", _("vehicle and driver records")
    LICENSE = "license", _("electronic license library")


class Department(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


item_code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]{2,39}$", _("An item code uses capital letters, digits and hyphens (3-40).")
)


class Item(models.Model):
    code = models.CharField(_("item code"), max_length=40, unique=True, validators=[item_code_validator])
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("service item")
        verbose_name_plural = _("service items")

    def __str__(self) -> str:
        return self.code


class ItemVersion(models.Model):
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    is_current = models.BooleanField(_("current"), default=True)
    name = models.CharField(_("name"), max_length=120)
    name_initials = models.CharField(_("pinyin initials"), max_length=120, db_index=True)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices, db_index=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="item_versions")
    subject = models.CharField(_("applicant type"), max_length=8, choices=Subject.choices)
    legal_limit_days = models.PositiveSmallIntegerField(
        _("legal time limit (working days)"), validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    promised_limit_days = models.PositiveSmallIntegerField(
        _("promised time limit (working days)"), validators=[MaxValueValidator(120)]
    )
    fee = models.DecimalField(_("fee (yuan)"), max_digits=10, decimal_places=2, default=0)
    channel_window = models.BooleanField(_("at a window"), default=True)
    channel_online = models.BooleanField(_("online"), default=False)
    channel_self_service = models.BooleanField(_("self-service terminal"), default=False)
    id_only = models.BooleanField(_("ID-card-only eligible"), default=False)
    cross_region = models.BooleanField(_("cross-region eligible"), default=False)
    holiday_open = models.BooleanField(_("offered on holidays"), default=False)
    special_steps = models.JSONField(_("special procedures (clock paused)"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["item__code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="itemversion_unique_number"),
            models.UniqueConstraint(
                fields=["item"], condition=models.Q(is_current=True), name="itemversion_one_current"
            ),
            models.CheckConstraint(
                condition=models.Q(promised_limit_days__lte=models.F("legal_limit_days")),
                name="itemversion_promised_within_legal",
            ),
            models.CheckConstraint(condition=models.Q(fee__gte=0), name="itemversion_fee_not_negative"),
        ]
        verbose_name = _("item version")
        verbose_name_plural = _("item versions")

    def __str__(self) -> str:
        return f"{self.item.code} v{self.version} {self.name}"

    @property
    def channels(self) -> list[str]:
        return [c for c, on in (("window", self.channel_window), ("online", self.channel_online),
                                ("self_service", self.channel_self_service)) if on]


class Material(models.Model):
    item_version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="materials")
    position = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=120)
    required = models.BooleanField(_("required"), default=True)
    shared_source = models.CharField(
        _("shared-data source"), max_length=20, choices=SharedSource.choices, blank=True
    )
    data_item = models.CharField(_("data item"), max_length=40, blank=True)
    waived = models.BooleanField(_("waived for ID-only handling"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["item_version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["item_version", "position"], name="material_unique_position"),
        ]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.name

    @property
    def obtainable_from_shared_data(self) -> bool:
        return bool(self.shared_source)
