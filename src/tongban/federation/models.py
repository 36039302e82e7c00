"""Cross-region handling (跨区通办) between independent deployments.

Partner (another region's deployment: endpoint and public keys) ── Agreement (items either side
may receive for the other, with validity dates). A case received here for a partner's item is
forwarded; the partner (the home region, 属地) creates its own case; both sides keep a
`CrossRegionLink` on their case. Every message in or out is a `Message` row: the outbox is the
pending outgoing rows (written in the transaction of the case change), the log is all of them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class KeyAlg(models.TextChoices):
    ES256 = "ES256", "ES256 (ECDSA P-256)"
    SM2 = "SM2", "SM2 (SM3)"


class Partner(models.Model):
    region_code = models.CharField(_("region code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=60)
    endpoint_url = models.URLField(_("endpoint URL"), max_length=200,
                                   help_text=_("Base URL of the partner's deployment, e.g. https://tongban.xianyang.example"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region_code"]
        verbose_name = _("partner region")
        verbose_name_plural = _("partner regions")

    def __str__(self) -> str:
        return f"{self.name} ({self.region_code})"


class PartnerKey(models.Model):
    """A public key the partner signs its messages with (its platform key); rotation adds one."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="keys")
    kid = models.CharField(_("key id"), max_length=64)
    alg = models.CharField(_("algorithm"), max_length=8, choices=KeyAlg.choices)
    public_key = models.BinaryField(_("public key (SPKI DER)"))
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64)
    added_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partner", "kid"], name="partnerkey_unique_kid")]
        verbose_name = _("partner key")
        verbose_name_plural = _("partner keys")

    def __str__(self) -> str:
        return self.kid


class Agreement(models.Model):
    """A signed cross-region agreement with one partner. Symmetric: each listed item may be
    received by either side for the other; the receiving clerk names the home region."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="agreements")
    code = models.CharField(_("agreement code"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    home_center = models.ForeignKey(
        "org.Center", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("handling center here"),
        help_text=_("Where this deployment handles the partner's applications (default: the area center)."),
    )
    imported_at = models.DateTimeField(_("imported at"))
    source_sha256 = models.CharField(_("import file SHA-256"), max_length=64, blank=True)

    class Meta:
        ordering = ["partner", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["partner", "code"], name="agreement_unique_code")]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class AgreementItem(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="items")
    item_code = models.CharField(_("item code"), max_length=40, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agreement", "item_code"], name="agreementitem_unique")]
        verbose_name = _("agreed item")
        verbose_name_plural = _("agreed items")

    def __str__(self) -> str:
        return self.item_code


class LinkRole(models.TextChoices):
    RECEIVING = "receiving", _("received here for the partner")
    HOME = "home", _("handled here for the partner")


class CrossRegionLink(models.Model):
    """A local case's cross-region side. (origin_region, origin_number) is the application's
    identity on both deployments: statistics count it once by its origin."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="crossregion")
    role = models.CharField(_("role"), max_length=10, choices=LinkRole.choices)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="links")
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="links")
    origin_region = models.CharField(_("receiving region"), max_length=6)
    origin_number = models.CharField(_("receiving case number"), max_length=24)
    origin_submitted_at = models.DateTimeField(_("received at"))
    remote_number = models.CharField(_("partner's case number"), max_length=24, blank=True)
    remote_state = models.CharField(_("state at the partner"), max_length=24, blank=True)
    remote_seq = models.PositiveIntegerField(default=0, help_text="last status sequence applied from the partner")
    remote_updated_at = models.DateTimeField(null=True, blank=True)
    checks = models.JSONField(_("receiving checks"), default=dict)
    forwarded_at = models.DateTimeField(_("forwarded at"), null=True, blank=True)
    forwarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["origin_region", "origin_number"], name="link_one_per_origin")]
        indexes = [models.Index(fields=["role", "origin_submitted_at"], name="link_role_period_idx")]
        verbose_name = _("cross-region case")
        verbose_name_plural = _("cross-region cases")

    def __str__(self) -> str:
        return f"{self.origin_region}/{self.origin_number}"


class Direction(models.TextChoices):
    OUT = "out", _("sent")
    IN = "in", _("received")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be delivered")
    DELIVERED = "delivered", _("delivered and acknowledged")
    ACCEPTED = "accepted", _("received and processed")
    DUPLICATE = "duplicate", _("received again (already processed)")
    REJECTED = "rejected", _("rejected")


class Message(models.Model):
    """One signed message, sent or received. `jws_enc` is the compact JWS exactly as signed,
    encrypted at rest (it carries personal data); `sha256` and `signature` stay readable."""

    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    message_id = models.CharField(_("message id"), max_length=36)
    kind = models.CharField(_("kind"), max_length=24)
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="messages")
    partner_region = models.CharField(_("partner region"), max_length=6, blank=True)
    case_number = models.CharField(_("case"), max_length=24, blank=True, db_index=True)
    created_at = models.DateTimeField(_("time"))
    kid = models.CharField(_("key id"), max_length=64, blank=True)
    sha256 = models.CharField(_("SHA-256 of the JWS"), max_length=64)
    signature = models.CharField(_("signature (base64url)"), max_length=200, blank=True)
    jws_enc = models.BinaryField(editable=False)
    size = models.PositiveIntegerField(default=0)
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices)
    reason = models.CharField(_("reason code"), max_length=40, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    delivered_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    ack_jws = models.TextField(_("signed acknowledgement"), blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            # a message is processed (or queued) once; rejected and duplicate arrivals are extra log rows
            models.UniqueConstraint(
                fields=["direction", "partner_region", "message_id"],
                condition=models.Q(status__in=["pending", "delivered", "accepted"]),
                name="message_once",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "partner", "id"], name="message_outbox_idx"),
            models.Index(fields=["partner_region", "message_id"], name="message_lookup_idx"),
        ]
        verbose_name = _("federation message")
        verbose_name_plural = _("federation messages")

    def __str__(self) -> str:
        return f"{self.direction} {self.kind} {self.message_id}"
