"""Construction projects (工程建设项目) under the "extremely simple, extremely fast" model.

A project belongs to an enterprise and a service center, sits on a land parcel and has a class
(分类审批: its risk level). The class's current rule table (a versioned JSON document, see
`rules.py`) is frozen onto the project when it is registered: it decides which items each of the
four stages bundles, whether a stage may start before its predecessor, how many parts the
construction permit may be split into, which acceptance items there are, and the time targets.

    approval ──► engineering ──► construction ──► acceptance
    (立项用地规划许可) (工程建设许可)   (施工许可, parts)   (竣工验收, items + joint record)

Each stage is one application ("one form") whose items are real cases handled in parallel by
their departments; items a land pre-assessment replaces are exempted (用地清单制).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Enterprise(models.Model):
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=100)
    legal_representative = models.CharField(_("legal representative"), max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return f"{self.name} ({self.credit_code})"


class Agreement(models.Model):
    """帮办代办协议: a service center agrees to assist an enterprise through an assigned agent."""

    center = models.ForeignKey("org.Center", on_delete=models.PROTECT, related_name="agreements")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="agreements")
    signed_on = models.DateField(_("signed on"))
    scope = models.TextField(_("scope of assistance"))
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("agent"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["center", "signed_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["center", "enterprise"], name="agreement_one_per_center_enterprise"),
        ]
        verbose_name = _("assisted-handling agreement")
        verbose_name_plural = _("assisted-handling agreements")

    def __str__(self) -> str:
        return f"{self.center} · {self.enterprise.name}"


class AgreementContact(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=40)
    title = models.CharField(_("position"), max_length=40, blank=True)
    phone_enc = models.BinaryField(null=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=11, blank=True)

    class Meta:
        ordering = ["agreement", "id"]
        verbose_name = _("enterprise contact")
        verbose_name_plural = _("enterprise contacts")

    def __str__(self) -> str:
        return f"{self.name} {self.phone_masked}"


class InvestmentType(models.TextChoices):
    GOVERNMENT = "government", _("government investment")
    ENTERPRISE = "enterprise", _("enterprise (social) investment")


class RiskLevel(models.TextChoices):
    LOW = "low", _("simple, low risk")
    ORDINARY = "ordinary", _("ordinary")
    MAJOR = "major", _("major")


class ProjectClass(models.Model):
    """分类审批: a class of projects, with a versioned rule table (`ClassRules`)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    investment_type = models.CharField(_("investment type"), max_length=12, choices=InvestmentType.choices)
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("project class")
        verbose_name_plural = _("project classes")

    def __str__(self) -> str:
        return self.name


class ClassRules(models.Model):
    """One version of a class's rule table. Projects keep the version they were registered under."""

    project_class = models.ForeignKey(ProjectClass, on_delete=models.PROTECT, related_name="rule_versions")
    version = models.PositiveIntegerField(_("version"))
    is_current = models.BooleanField(_("current"), default=True)
    rules = models.JSONField(_("rule table"))
    target_working_days = models.PositiveSmallIntegerField(_("target for the whole process (working days)"))
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["project_class", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["project_class", "version"], name="classrules_unique_version"),
            models.UniqueConstraint(fields=["project_class"], condition=models.Q(is_current=True),
                                    name="classrules_one_current"),
        ]
        verbose_name = _("class rule table")
        verbose_name_plural = _("class rule tables")

    def __str__(self) -> str:
        return f"{self.project_class} v{self.version}"


class LandParcel(models.Model):
    """A parcel of land offered for sale, pre-assessed by regional evaluations (用地清单制)."""

    code = models.CharField(_("parcel code"), max_length=40, unique=True)
    location = models.CharField(_("location"), max_length=200)
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=12, decimal_places=2)
    center = models.ForeignKey("org.Center", on_delete=models.PROTECT, related_name="land_parcels")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("land parcel")
        verbose_name_plural = _("land parcels")

    def __str__(self) -> str:
        return self.code


class AssessmentKind(models.TextChoices):
    GEOLOGICAL_HAZARD = "geological_hazard", _("geological hazard assessment")
    MINERAL_OVERLAY = "mineral_overlay", _("mineral resources overlay")
    CULTURAL_RELICS = "cultural_relics", _("cultural relics survey")
    SOIL_WATER = "soil_water", _("soil and water conservation")
    ENVIRONMENTAL_IMPACT = "environmental_impact", _("environmental impact assessment")


class PreAssessment(models.Model):
    parcel = models.ForeignKey(LandParcel, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(_("evaluation"), max_length=24, choices=AssessmentKind.choices)
    conclusion = models.CharField(_("conclusion"), max_length=200)
    reference = models.CharField(_("document number"), max_length=60, blank=True)
    completed_on = models.DateField(_("completed on"))

    class Meta:
        ordering = ["parcel", "kind"]
        constraints = [models.UniqueConstraint(fields=["parcel", "kind"], name="preassessment_one_per_kind")]
        verbose_name = _("regional pre-assessment")
        verbose_name_plural = _("regional pre-assessments")

    def __str__(self) -> str:
        return f"{self.parcel} {self.get_kind_display()}"


class Stage(models.TextChoices):
    APPROVAL = "approval", _("project approval and land-use planning permit")
    ENGINEERING = "engineering", _("construction engineering planning permit")
    CONSTRUCTION = "construction", _("construction permit")
    ACCEPTANCE = "acceptance", _("completion acceptance")


STAGE_ORDER = [Stage.APPROVAL, Stage.ENGINEERING, Stage.CONSTRUCTION, Stage.ACCEPTANCE]


class Project(models.Model):
    code = models.CharField(_("project code"), max_length=24, unique=True)
    name = models.CharField(_("name"), max_length=120)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="projects")
    center = models.ForeignKey("org.Center", on_delete=models.PROTECT, related_name="projects")
    location = models.CharField(_("location"), max_length=200)
    parcel = models.ForeignKey(LandParcel, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="projects", verbose_name=_("land parcel"))
    project_class = models.ForeignKey(ProjectClass, on_delete=models.PROTECT, related_name="projects")
    rules = models.ForeignKey(ClassRules, on_delete=models.PROTECT, related_name="projects")
    agreement = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="projects")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("agent"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["center", "code"]
        indexes = [models.Index(fields=["agent", "center"], name="project_agent_idx")]
        verbose_name = _("construction project")
        verbose_name_plural = _("construction projects")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def investment_type(self) -> str:
        return self.project_class.investment_type


class StageState(models.TextChoices):
    PENDING = "pending", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    COMPLETED = "completed", _("completed")


class ProjectStage(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    position = models.PositiveSmallIntegerField()
    state = models.CharField(_("state"), max_length=12, choices=StageState.choices, default=StageState.PENDING)
    target_days = models.PositiveSmallIntegerField(_("target (working days)"))
    started_on = models.DateField(_("started on"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True, db_index=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    working_days = models.IntegerField(_("working days taken"), null=True, blank=True)

    class Meta:
        ordering = ["project", "position"]
        constraints = [models.UniqueConstraint(fields=["project", "stage"], name="projectstage_unique")]
        verbose_name = _("project stage")
        verbose_name_plural = _("project stages")

    def __str__(self) -> str:
        return f"{self.project.code} {self.get_stage_display()}"


class StageItem(models.Model):
    """One item a stage needs: a case handled by its department, or exempted by the land checklist."""

    project_stage = models.ForeignKey(ProjectStage, on_delete=models.CASCADE, related_name="items")
    item_code = models.CharField(_("item code"), max_length=40)
    item_name = models.CharField(_("item"), max_length=120)
    case = models.OneToOneField("cases.Case", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="project_item")
    exempted = models.BooleanField(_("exempted"), default=False)
    exemption_source = models.CharField(_("exemption source"), max_length=40, blank=True)
    exemption_note = models.CharField(_("why exempted"), max_length=300, blank=True)

    class Meta:
        ordering = ["project_stage", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project_stage", "item_code"], name="stageitem_unique_item"),
        ]
        verbose_name = _("stage item")
        verbose_name_plural = _("stage items")

    def __str__(self) -> str:
        return f"{self.item_code} {self.item_name}"


class PermitPart(models.Model):
    """分段许可: one part of a construction permit, its own case (decision) and its own license."""

    project_stage = models.ForeignKey(ProjectStage, on_delete=models.CASCADE, related_name="permit_parts")
    sequence = models.PositiveSmallIntegerField(_("part"))
    scope = models.CharField(_("scope of works"), max_length=120)
    is_final = models.BooleanField(_("completes the permit"), default=False)
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="permit_part")
    license = models.OneToOneField("licenses.License", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="permit_part")
    issued_on = models.DateField(_("issued on"), null=True, blank=True)

    class Meta:
        ordering = ["project_stage", "sequence"]
        constraints = [models.UniqueConstraint(fields=["project_stage", "sequence"], name="permitpart_unique_seq")]
        verbose_name = _("permit part")
        verbose_name_plural = _("permit parts")

    def __str__(self) -> str:
        return f"{self.project_stage} #{self.sequence} {self.scope}"


class AcceptanceKind(models.TextChoices):
    PLANNING = "planning", _("planning verification")
    FIRE = "fire", _("fire protection")
    CIVIL_AIR_DEFENCE = "civil_air_defence", _("civil air defence")
    ARCHIVES = "archives", _("construction archives")
    QUALITY = "quality", _("quality supervision")


class AcceptanceState(models.TextChoices):
    PENDING = "pending", _("awaiting acceptance")
    PASSED = "passed", _("accepted")
    FAILED = "failed", _("not accepted, to rectify")


class AcceptanceItem(models.Model):
    """分项验收: one acceptance item, accepted separately (and its case, when it has one)."""

    project_stage = models.ForeignKey(ProjectStage, on_delete=models.CASCADE, related_name="acceptance_items")
    kind = models.CharField(_("acceptance item"), max_length=20, choices=AcceptanceKind.choices)
    case = models.OneToOneField("cases.Case", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="acceptance_item")
    state = models.CharField(_("state"), max_length=10, choices=AcceptanceState.choices,
                             default=AcceptanceState.PENDING)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["project_stage", "id"]
        constraints = [models.UniqueConstraint(fields=["project_stage", "kind"], name="acceptanceitem_unique")]
        verbose_name = _("acceptance item")
        verbose_name_plural = _("acceptance items")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_state_display()})"


class JointAcceptance(models.Model):
    """联合验收: the record closing completion acceptance once every item is accepted."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="joint_acceptance")
    recorded_on = models.DateField(_("recorded on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    participants = models.CharField(_("participating departments"), max_length=300)
    conclusion = models.TextField(_("conclusion"))

    class Meta:
        verbose_name = _("joint acceptance record")
        verbose_name_plural = _("joint acceptance records")

    def __str__(self) -> str:
        return f"{self.project.code} {self.recorded_on}"


class WorklogKind(models.TextChoices):
    VISIT = "visit", _("visit to the enterprise or site")
    DOCUMENTS = "documents", _("documents prepared")
    ESCALATION = "escalation", _("problem escalated")
    OTHER = "other", _("other")


class WorklogEntry(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="worklog")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=WorklogKind.choices)
    happened_on = models.DateField(_("date"))
    note = models.TextField(_("what was done"))
    escalated_to = models.CharField(_("escalated to"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "-happened_on", "-id"]
        verbose_name = _("worklog entry")
        verbose_name_plural = _("worklog entries")

    def __str__(self) -> str:
        return f"{self.happened_on} {self.get_kind_display()}"


class ProjectEvent(models.Model):
    """Append-only history of a project: one row per act."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    actor_label = models.CharField(_("by"), max_length=150)
    action = models.CharField(_("action"), max_length=40)
    stage = models.CharField(_("stage"), max_length=16, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["project", "id"]
        verbose_name = _("project event")
        verbose_name_plural = _("project events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"
