"""The statistics roll-up: daily additive figures rebuilt from the case records (never typed in)
by `tongban.stats.rollup.rollup_rebuild`, read by the metrics whose filters it can answer.

A `DailyFigure` row holds, for one local day and one combination of the case's dimensions
(receiving region, center, item version, channel, ID-only), the counts and sums of the cases
whose *respective* date falls on that day: received by submission day, accepted by clock-start
day, refused by decision day, concluded (with on-time, late, durations, on-the-spot minutes) by
conclusion day, ratings by rating day. `DurationFigure` holds the histogram of durations of the
cases concluded that day (working days; whole minutes of on-the-spot cases) so that medians are
exact. Each is kept at two grains: days, and whole months (the sums of a month's days) so that a
year reads twelve rows per combination instead of 365. `RollupState` records up to which day the roll-up is complete.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Grain(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")


class RollupRow(models.Model):
    """The key both roll-up tables share: grain, day and the dimensions a filter can restrict."""

    grain = models.CharField(_("grain"), max_length=5, choices=Grain.choices)
    day = models.DateField(_("day"))  # the day, or the first day of the month
    region_code = models.CharField(_("region"), max_length=6)
    center = models.ForeignKey("org.Center", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    item_version = models.ForeignKey("catalog.ItemVersion", on_delete=models.DO_NOTHING, db_constraint=False,
                                     related_name="+")
    channel = models.CharField(_("channel"), max_length=16)
    id_only = models.BooleanField(_("handled ID-card-only"))

    class Meta:
        abstract = True


class DailyFigure(RollupRow):
    # by submission day
    received = models.PositiveIntegerField(default=0)
    # by clock-start day
    accepted = models.PositiveIntegerField(default=0)
    # by decision day, state refused
    refused = models.PositiveIntegerField(default=0)
    # by conclusion day
    concluded = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)  # on_time true
    late = models.PositiveIntegerField(default=0)  # on_time false
    legal_on_time = models.PositiveIntegerField(default=0)  # concluded_on <= legal_due
    late_legal = models.PositiveIntegerField(default=0)  # concluded_on > legal_due
    duration_n = models.PositiveIntegerField(default=0)  # duration_days known
    duration_sum = models.BigIntegerField(default=0)  # working days
    spot_n = models.PositiveIntegerField(default=0)  # on-the-spot window cases
    spot_seconds = models.BigIntegerField(default=0)  # whole seconds, submission to conclusion
    # by rating day, one column per score
    rated_1 = models.PositiveIntegerField(default=0)
    rated_2 = models.PositiveIntegerField(default=0)
    rated_3 = models.PositiveIntegerField(default=0)
    rated_4 = models.PositiveIntegerField(default=0)
    rated_5 = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        constraints = [models.UniqueConstraint(
            fields=["grain", "day", "region_code", "center", "item_version", "channel", "id_only"],
            name="dailyfigure_key")]

    def __str__(self) -> str:
        return f"{self.grain} {self.day} {self.center_id} {self.item_version_id} {self.channel}"


class DurationKind(models.TextChoices):
    DAYS = "days", _("working days")
    MINUTES = "minutes", _("minutes (on the spot)")


class DurationFigure(RollupRow):  # day: the conclusion day, or the first day of its month
    kind = models.CharField(_("kind"), max_length=8, choices=DurationKind.choices)
    value = models.IntegerField(_("value"))
    n = models.PositiveIntegerField(_("cases"))

    class Meta:
        verbose_name = _("duration figure")
        verbose_name_plural = _("duration figures")
        indexes = [models.Index(fields=["grain", "kind", "day"], name="durationfigure_grain_kind_day")]

    def __str__(self) -> str:
        return f"{self.grain} {self.day} {self.kind}={self.value}: {self.n}"


class RollupState(models.Model):
    """One row: the roll-up holds every day up to `covered_through` (inclusive)."""

    covered_through = models.DateField(_("complete through"))
    built_at = models.DateTimeField(_("built at"))
    seconds = models.FloatField(_("build time (s)"), default=0)

    class Meta:
        verbose_name = _("roll-up state")
        verbose_name_plural = _("roll-up state")

    def __str__(self) -> str:
        return f"through {self.covered_through}"
