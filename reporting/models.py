"""What reporting keeps: every national return produced, with the exact bytes sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReturnFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"


class ReturnRecordQuerySet(models.QuerySet):
    def for_partnership(self, partnership) -> ReturnRecordQuerySet:
        return self.filter(partnership=partnership)

    def without_content(self) -> ReturnRecordQuerySet:
        """Everything but the file itself, for lists."""
        return self.defer("content")


class ReturnRecord(models.Model):
    """A national return (spec §7) as it was produced: who, when, for which period, and the
    file's bytes with their SHA-256, so that what was sent can be shown and downloaded again."""

    partnership = models.ForeignKey(
        "conversations.Partnership", on_delete=models.PROTECT, related_name="returns"
    )
    period = models.CharField(max_length=12, help_text="As given, e.g. 2026-27 or 2026-27 Q1")
    format = models.CharField(max_length=4, choices=ReturnFormat.choices)
    generated_at = models.DateTimeField()
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when produced from the command line without --user.",
    )
    sha256 = models.CharField("SHA-256", max_length=64)
    period_incomplete = models.BooleanField(
        "period still under way",
        default=False,
        help_text="Produced on or before the period's last day: its figures could still change.",
    )
    row_count = models.PositiveIntegerField(help_text="Data rows, not counting the header")
    byte_size = models.PositiveIntegerField()
    content = models.BinaryField()

    objects = ReturnRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-generated_at", "-pk"]
        indexes = [
            models.Index(fields=["partnership", "-generated_at"], name="return_partnership_time")
        ]

    def __str__(self) -> str:
        when = f"{self.generated_at:%Y-%m-%d %H:%M}"
        return f"{self.partnership.code} {self.period} ({self.format}) {when}"

    @property
    def filename(self) -> str:
        period = self.period.replace(" ", "-")
        return f"national-return-{self.partnership.code}-{period}.{self.format}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


CONTENT_TYPES = {
    ReturnFormat.CSV: "text/csv; charset=utf-8",
    ReturnFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class CountSummary(models.Model):
    """The counts of one partnership in one closed period (a quarter or a financial year),
    kept so that a dashboard or return need not count them again (issue 9).

    ``built`` is true while the rows below it equal live counting. Every write that changes
    the period's figures sets it false in the writing transaction (``reporting.summary.
    summaries_stale``); until ``rebuild_summaries --stale`` rebuilds it, reads count the period
    live. Only counts are kept:
    percentages, intervals, suppression and targets are computed from them as from live
    counts."""

    partnership = models.ForeignKey(
        "conversations.Partnership", on_delete=models.CASCADE, related_name="+"
    )
    period = models.CharField(max_length=12, help_text="2026-27 or 2026-27 Q1")
    built = models.BooleanField(default=False)
    built_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "period"], name="summary_partnership_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partnership_id} {self.period} ({'built' if self.built else 'stale'})"


class MeasureCount(models.Model):
    """A measure's numerator and denominator (spec §5) for the whole partnership (``team``
    empty) or one team, whole (``breakdown`` empty) or in one cell of a breakdown. The cell of
    a client-group breakdown is ``client_group``; of the interviewer and type breakdowns,
    ``cell``. A team breakdown of the partnership is its teams' whole rows. Rows exist only
    where an answer was counted."""

    summary = models.ForeignKey(
        CountSummary, on_delete=models.CASCADE, related_name="measure_counts"
    )
    team = models.ForeignKey(
        "conversations.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    breakdown = models.CharField(max_length=20, blank=True)
    cell = models.CharField(max_length=40, blank=True)
    client_group = models.ForeignKey(
        "frameworks.ClientGroup",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    measure = models.ForeignKey("frameworks.Measure", on_delete=models.CASCADE, related_name="+")
    numerator = models.PositiveIntegerField()
    denominator = models.PositiveIntegerField()

    def __str__(self) -> str:
        return (
            f"{self.measure_id} {self.breakdown} {self.cell}: {self.numerator}/{self.denominator}"
        )


class OutcomeCount(models.Model):
    """Outcome records of one team's completed reviews with one status at review (achieved,
    partly or not achieved), per outcome of the recorded framework version. A partnership's or
    several teams' counts are the sums of their teams' (each record belongs to one team)."""

    summary = models.ForeignKey(
        CountSummary, on_delete=models.CASCADE, related_name="outcome_counts"
    )
    team = models.ForeignKey("conversations.Team", on_delete=models.CASCADE, related_name="+")
    outcome = models.ForeignKey("frameworks.Outcome", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20)
    count = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.outcome_id} {self.status}: {self.count}"


class BarrierCount(models.Model):
    """Outcome records of one team's completed conversations naming ``barrier``, per outcome;
    with ``barrier`` empty, the records naming at least one barrier (the denominator of the
    barrier counts, which a record naming two barriers enters once)."""

    summary = models.ForeignKey(
        CountSummary, on_delete=models.CASCADE, related_name="barrier_counts"
    )
    team = models.ForeignKey("conversations.Team", on_delete=models.CASCADE, related_name="+")
    outcome = models.ForeignKey("frameworks.Outcome", on_delete=models.CASCADE, related_name="+")
    barrier = models.ForeignKey(
        "frameworks.BarrierCode",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    count = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.outcome_id} {self.barrier_id or 'any barrier'}: {self.count}"
