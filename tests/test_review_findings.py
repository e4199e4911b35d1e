"""Holes found by reading the code as an attacker would, each closed and kept closed."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cluster import selectors as cluster_selectors
from cluster import services as cluster_services
from cluster.models import EmulationYear
from covenants import services as covenant_services
from provinces.models import Province
from tests.covenants.test_services import draft_covenant_2016, row, sign


def test_a_covenant_text_no_longer_changes_once_a_member_has_signed_it(full_demo, demo_user):
    covenant = draft_covenant_2016(full_demo)
    sign(row(covenant, "15"))
    with pytest.raises(ValidationError, match="Các thành viên đã ký"):
        covenant_services.covenant_update(covenant=covenant, user=demo_user("bacgiang"), title="Văn bản khác")


def test_a_ticked_clear_box_on_the_scan_is_not_a_crash(full_demo, demo_user):
    covenant = draft_covenant_2016(full_demo)
    signatory = sign(row(covenant, "15"), signed=False, scan=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n"))
    kept = signatory.scan.name
    covenant_services.signatory_update(
        signatory=signatory,
        user=demo_user("yenbai"),
        representative="Vũ Thị Giang",
        post="",
        signed=False,
        signed_on=None,
        scan=False,
    )
    assert row(covenant, "15").scan.name == kept


def test_an_elected_term_appraises_nothing_before_an_admin_confirms(full_demo, demo_user):
    year = EmulationYear.objects.get(year=2015)
    EmulationYear.objects.filter(pk=year.pk).update(term_confirmed_at=None)
    year = EmulationYear.objects.get(pk=year.pk)
    assert cluster_selectors.appraiser_province_id(year, Province.objects.get(code="19").pk) is None


def test_only_an_admin_names_the_appraiser_of_the_chair(full_demo, demo_user):
    year = EmulationYear.objects.get(year=2015)
    with pytest.raises(ValidationError, match="Chỉ quản trị viên"):
        cluster_services.rule_set_update(
            rule_set=year.rule_set,
            data={"chair_appraiser": Province.objects.get(code="15")},
            user=demo_user("bacgiang"),
        )


def test_members_no_longer_change_once_the_covenant_is_drawn_up(full_demo, demo_user):
    covenant = draft_covenant_2016(full_demo)
    members = [(m.province, m.rotation_order) for m in covenant.emulation_year.memberships.select_related("province")]
    with pytest.raises(ValidationError, match="Giao ước thi đua năm 2016 đã được soạn"):
        cluster_services.membership_replace(emulation_year=covenant.emulation_year, members=members[:-1])
    assert covenant.emulation_year.memberships.count() == 7


def test_a_changed_maximum_is_checked_again_at_submit(scoring_demo, demo_user):
    from scoring import selectors, services
    from scoring.models import Scorecard

    card = Scorecard.objects.select_related("emulation_year").get(emulation_year__year=2015, province__code="06")
    a1 = next(c for c in selectors.criteria_table(card.emulation_year).leaves if c.code == "A1")
    services.scorecard_save_self(
        scorecard=card, user=demo_user("backan"), version=card.version, entries={a1.pk: ("9", "")}
    )
    a1.max_points = 8
    services.criterion_save(criterion=a1, user=demo_user("bacgiang"))
    missing = services.scorecard_missing(Scorecard.objects.get(pk=card.pk))
    assert any(line.startswith("A1: ") and "8,00" in line for line in missing), missing


def test_no_nomination_for_an_award_the_rules_allow_none_of(meeting_2015, demo_user):
    from awards import services
    from awards.models import AwardType
    from cluster.models import RuleSet
    from tests.awards.test_services import everyone_present

    RuleSet.objects.filter(emulation_year=meeting_2015.emulation_year).update(certificate_quota=0)
    everyone_present(meeting_2015)
    meeting_2015.refresh_from_db()
    services.ranking_adopt(meeting=meeting_2015)
    with pytest.raises(ValidationError) as refused:
        services.nomination_save(
            meeting=meeting_2015,
            award_type=AwardType.objects.get(code="certificate"),
            province=Province.objects.get(code="25"),
            rationale="Hạng 3",
        )
    assert list(refused.value.message_dict) == ["award_type"]
