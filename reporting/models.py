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
