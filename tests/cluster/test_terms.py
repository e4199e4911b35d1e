"""Each power belongs to its term: the meeting elects, an admin confirms, and only an admin
changes a confirmed term, with the reason; nobody chairs twice before everybody once."""

import pytest
from django.core.exceptions import ValidationError

from awards import services as award_services
from cluster import services
from cluster.models import EmulationYear
from provinces.models import Province
from tests.awards.test_services import everyone_present


def province(code):
    return Province.objects.get(code=code)


@pytest.fixture
def elected_2016(meeting_2015, demo_user):
    """The 2015 review, quorate, records Bắc Kạn and Hòa Bình for 2016."""
    everyone_present(meeting_2015)
    meeting_2015.refresh_from_db()
    award_services.next_term_record(
        meeting=meeting_2015, chair=province("06"), vice_chair=province("17"), user=demo_user("bacgiang")
    )
    return EmulationYear.objects.get(year=2016)


def test_the_elected_chair_has_no_power_before_an_admin_confirms(elected_2016, demo_user):
    backan = demo_user("backan")
    assert elected_2016.term_confirmed_at is None
    assert not backan.has_perm("cluster.chair_year", elected_2016)
    assert not backan.has_perm("scoring.edit_criteria", elected_2016)
    services.term_assign(
        emulation_year=elected_2016, chair=province("06"), vice_chair=province("17"), user=demo_user("admin")
    )
    year = EmulationYear.objects.get(pk=elected_2016.pk)
    assert year.term_confirmed_at is not None and year.term_confirmed_by.username == "admin"
    assert demo_user("backan").has_perm("cluster.chair_year", year)


def test_a_confirmed_term_is_changed_only_by_an_admin_with_the_reason(elected_2016, meeting_2015, demo_user):
    admin = demo_user("admin")
    services.term_assign(emulation_year=elected_2016, chair=province("06"), vice_chair=province("17"), user=admin)
    # The outgoing chair cannot re-record another term once the admin confirmed it.
    with pytest.raises(ValidationError, match="chỉ quản trị viên"):
        award_services.next_term_record(
            meeting=meeting_2015, chair=province("24"), vice_chair=province("06"), user=demo_user("bacgiang")
        )
    with pytest.raises(ValidationError) as refused:
        services.term_assign(emulation_year=elected_2016, chair=province("17"), vice_chair=province("19"), user=admin)
    assert list(refused.value.message_dict) == ["reason"]
    services.term_assign(
        emulation_year=elected_2016,
        chair=province("17"),
        vice_chair=province("19"),
        user=admin,
        reason="Tỉnh Bắc Kạn sáp nhập, đề nghị của Ban TĐKT Trung ương",
    )
    year = EmulationYear.objects.get(pk=elected_2016.pk)
    assert year.history.first().history_change_reason.startswith("Tỉnh Bắc Kạn sáp nhập")
    assert year.memberships.get(role="chair").province.code == "17"


def test_a_term_that_breaks_the_rotation_needs_an_admin_s_reason(meeting_2015, demo_user):
    everyone_present(meeting_2015)
    meeting_2015.refresh_from_db()
    # Phú Thọ chaired 2014: chairing 2016 before Bắc Kạn, Hòa Bình… have chaired once is refused.
    with pytest.raises(ValidationError, match="Phú Thọ đã làm Cụm trưởng"):
        award_services.next_term_record(
            meeting=meeting_2015, chair=province("25"), vice_chair=province("06"), user=demo_user("bacgiang")
        )
    assert not EmulationYear.objects.filter(year=2016).exists()
    year = services.emulation_year_open(
        cluster=meeting_2015.emulation_year.cluster,
        year=2016,
        members=[
            (m.province, m.rotation_order) for m in meeting_2015.emulation_year.memberships.select_related("province")
        ],
    )
    with pytest.raises(ValidationError, match="Phú Thọ đã làm Cụm trưởng"):
        services.term_assign(
            emulation_year=year, chair=province("25"), vice_chair=province("06"), user=demo_user("admin")
        )
    services.term_assign(
        emulation_year=year,
        chair=province("25"),
        vice_chair=province("06"),
        user=demo_user("admin"),
        reason="Quyết định của Ban TĐKT Trung ương",
    )
    assert EmulationYear.objects.get(pk=year.pk).memberships.get(role="chair").province.code == "25"


def test_the_previous_chair_holds_nothing_of_the_next_year(full_demo, demo_user):
    year_2015 = EmulationYear.objects.get(year=2015)
    phutho = demo_user("phutho")  # chair of 2014: only the 2015 covenant its review signed
    from reports import services as report_services
    from reports.enums import DocumentKind

    assert not phutho.has_perm("cluster.chair_year", year_2015)
    for kind in (DocumentKind.MINUTES, DocumentKind.SCORE_SUMMARY, DocumentKind.YEAR_REPORT):
        with pytest.raises(ValidationError, match="do Cụm trưởng năm 2015"):
            report_services.report_request(kind=kind, emulation_year=year_2015, user=phutho)
    assert demo_user("bacgiang").has_perm("reports.request_document", year_2015)
