"""Rule-set presets: starting points the rule set page offers, each naming the document it
follows. Applying one copies its values into the year's rule set (which stays editable until
the review meeting confirms its attendance); nothing reads a preset afterwards, the rule set
is the data.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .enums import VoteBase


@dataclass(frozen=True)
class Preset:
    key: str
    name: str
    #: Stored in `RuleSet.source_document`.
    source: str
    #: The rule-set fields the preset sets; the others keep their values.
    values: dict
    #: The last day the source was in force (None: still in force).
    in_force_until: datetime.date | None = None

    def outdated_for(self, year):
        """The source stopped being in force before the end of `year` (check it still applies)."""
        return self.in_force_until is not None and self.in_force_until < datetime.date(year, 12, 31)


PRESETS = (
    Preset(
        key="decree_98_2023_art_30_7",
        # xgettext:no-python-format
        name=_("At least 80% of all members, absent members in writing"),
        source="Nghị định 98/2023/NĐ-CP, Điều 30 khoản 7",
        values={
            "vote_threshold_percent": Decimal("80"),
            "vote_threshold_strict": False,
            "vote_base": VoteBase.MEMBERS,
            "written_votes_allowed": True,
        },
        # Replaced by decree 152/2025/NĐ-CP from 01/07/2025 (domain.md §9).
        in_force_until=datetime.date(2025, 6, 30),
    ),
    Preset(
        key="operating_rules_majority",
        # xgettext:no-python-format
        name=_("More than 50% of members"),
        source="Quy chế hoạt động của Cụm thi đua",
        values={
            "vote_threshold_percent": Decimal("50"),
            "vote_threshold_strict": True,
            "vote_base": VoteBase.MEMBERS,
            "written_votes_allowed": False,
        },
    ),
)

BY_KEY = {preset.key: preset for preset in PRESETS}


def preset_lines(preset):
    """[(field label, value as shown)] of what applying the preset sets, the source first."""
    from .history import shown
    from .models import RuleSet

    values = {"source_document": preset.source, **preset.values}
    return [(RuleSet._meta.get_field(name).verbose_name, shown(name, value)) for name, value in values.items()]
