from decimal import Decimal

from django.utils import translation

from awards import services
from awards.models import Nomination
from scoring.models import Scorecard
from tests.awards.test_services import everyone_present


def test_the_default_rationale_is_vietnamese_with_a_decimal_comma(meeting_2015):
    Scorecard.objects.filter(emulation_year=meeting_2015.emulation_year, rank=1).update(agreed_total=Decimal("99.50"))
    everyone_present(meeting_2015)
    meeting_2015.refresh_from_db()
    services.ranking_adopt(meeting=meeting_2015)
    with translation.override("en"):
        services.nominations_propose_defaults(meeting=meeting_2015)
    rationale = Nomination.objects.get(emulation_year=meeting_2015.emulation_year, rank=1).rationale
    assert "99,5 " in rationale and "99.5" not in rationale and "99,50" not in rationale
    assert rationale.startswith("Xếp thứ 1 với")
