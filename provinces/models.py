import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Province(models.Model):
    """A province with its official two-digit code and validity period.

    A province merged into another (1 July 2025) keeps its row, its name and its code:
    records of earlier years keep pointing at it. `successor` says where it went.
    """

    code = models.CharField(_("official code"), max_length=2)
    name = models.CharField(_("name"), max_length=100)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Last day before the merger."))
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["name"]
        constraints = [
            # A code is reused after a merger (the new Phú Thọ keeps 25): unique per start date.
            models.UniqueConstraint(
                fields=["code", "valid_from"],
                name="province_code_unique_per_start",
                violation_error_message=_("A province with this code already starts on this date."),
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(valid_from__isnull=True),
                name="province_code_unique_without_start",
                violation_error_message=_("A province with this code already starts on this date."),
            ),
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{2}$"), name="province_code_two_digits"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="province_validity_ordered",
            ),
            models.CheckConstraint(
                condition=Q(successor__isnull=True) | Q(valid_to__isnull=False),
                name="province_successor_needs_end",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def official_title(self):
        """The issuing name used on documents: "UBND tỉnh Bắc Giang"."""
        return f"UBND tỉnh {self.name}"

    @property
    def merged_on(self):
        """The first day as part of its successor (the day after `valid_to`)."""
        if self.valid_to is None:
            return None
        return self.valid_to + datetime.timedelta(days=1)

    def is_valid_on(self, day):
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def is_valid_in(self, year):
        """It existed on at least one day of `year` (as provinces.selectors.provinces_valid_in)."""
        return (self.valid_from is None or self.valid_from.year <= year) and (
            self.valid_to is None or self.valid_to.year >= year
        )
