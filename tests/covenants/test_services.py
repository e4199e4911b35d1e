"""Covenant services: one signature row per member, signed once every member signed,
a signed text never changes, a signature needs its representative and date, scans are
PDF or pictures."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cluster import services as cluster_services
from cluster.models import EmulationYear
from covenants import services
from covenants.models import Covenant, Signatory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n% giao uoc\n"


def draft_covenant_2016(cluster, user=None):
    """2016 opened with the 2015 members, Bắc Kạn chair (2015's vice-chair), Hòa Bình
    vice-chair, and its covenant drawn up with two commitments: a draft nobody has signed."""
    year_2015 = EmulationYear.objects.get(cluster=cluster, year=2015)
    members = [(m.province, m.rotation_order) for m in year_2015.memberships.select_related("province")]
    by_code = {p.code: p for p, _order in members}
    year_2016 = cluster_services.emulation_year_open_with_term(
        cluster=cluster, year=2016, members=members, chair=by_code["06"], vice_chair=by_code["17"], user=user
    )
    covenant = services.covenant_create(
        emulation_year=year_2016,
        user=user,
        title="Giao ước thi đua năm 2016",
        place="Bắc Giang",
        signing_date=datetime.date(2016, 3, 10),
        host_province=by_code["24"],
    )
    return services.covenant_update(
        covenant=covenant,
        user=user,
        commitments=[
            ("Tổ chức các phong trào thi đua thiết thực, hiệu quả.", None),
            ("Tham gia đầy đủ các hoạt động của Cụm, gửi báo cáo đúng thời hạn.", None),
        ],
    )


@pytest.fixture
def covenant_2016(full_demo):
    return draft_covenant_2016(full_demo)


def row(covenant, code):
    return Signatory.objects.select_related("covenant__emulation_year").get(covenant=covenant, province__code=code)


def sign(signatory, **overrides):
    fields = {
        "representative": "Vũ Thị Giang",
        "post": "Phó Chủ tịch UBND tỉnh",
        "signed": True,
        "signed_on": datetime.date(2016, 3, 10),
        **overrides,
    }
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.filter(province_id=signatory.province_id).first()
    return services.signatory_update(signatory=signatory, user=staff, **fields)


def test_a_new_covenant_has_one_draft_row_per_member(covenant_2016):
    assert covenant_2016.status == "draft"
    assert sorted(covenant_2016.signatories.values_list("province__code", flat=True)) == [
        "06",
        "08",
        "15",
        "17",
        "19",
        "24",
        "25",
    ]
    assert not covenant_2016.signatories.filter(signed=True).exists()
    with pytest.raises(ValidationError, match="Giao ước thi đua năm 2016 đã tồn tại."):
        services.covenant_create(emulation_year=covenant_2016.emulation_year)
    assert Covenant.objects.filter(emulation_year=covenant_2016.emulation_year).count() == 1


def test_no_covenant_is_drawn_up_in_a_closed_year(full_demo):
    year_2014 = EmulationYear.objects.get(cluster=full_demo, year=2014)
    with pytest.raises(ValidationError, match="Năm thi đua 2014 đã khóa sổ."):
        services.covenant_create(emulation_year=year_2014)
    assert not Covenant.objects.filter(emulation_year=year_2014).exists()


def test_the_covenant_is_signed_when_the_last_member_signs(covenant_2016):
    codes = ["06", "08", "15", "17", "19", "24", "25"]
    for code in codes[:-1]:
        sign(row(covenant_2016, code))
        assert Covenant.objects.get(pk=covenant_2016.pk).status == "draft"
    sign(row(covenant_2016, codes[-1]))
    assert Covenant.objects.get(pk=covenant_2016.pk).status == "signed"


def test_a_signature_needs_the_representative_and_the_date(covenant_2016):
    with pytest.raises(ValidationError) as error:
        sign(row(covenant_2016, "15"), representative="  ", signed_on=None)
    assert error.value.message_dict == {
        "representative": ["Hãy nhập tên người đại diện đã ký."],
        "signed_on": ["Hãy nhập ngày ký."],
    }
    assert not row(covenant_2016, "15").signed


def test_a_signed_covenant_keeps_its_text_and_its_signatures(full_demo):
    covenant = Covenant.objects.get(emulation_year__year=2015)
    assert covenant.status == "signed"
    with pytest.raises(ValidationError, match="Giao ước thi đua đã được ký: không thể sửa nội dung nữa."):
        services.covenant_update(covenant=covenant, title="Sửa tiêu đề")
    with pytest.raises(ValidationError, match="Chữ ký này đã được ghi nhận"):
        sign(row(covenant, "15"), signed=False)
    assert Covenant.objects.get(pk=covenant.pk).title.startswith("Giao ước thi đua năm 2015")
    assert row(covenant, "15").signed


def test_a_scan_must_be_a_pdf_or_a_picture(covenant_2016, media):
    upload = SimpleUploadedFile("ban-ky.pdf", b"Day khong phai PDF", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        sign(row(covenant_2016, "15"), scan=upload)
    assert error.value.message_dict["scan"] == ["Tệp ban-ky.pdf không phải là tệp PDF hoặc ảnh (JPG, PNG)."]
    signatory = row(covenant_2016, "15")
    assert not signatory.signed and not signatory.scan


def test_a_picture_scan_keeps_its_type(covenant_2016, media):
    """A PNG stored as .pdf would be downloaded as a PDF that opens nowhere."""
    sign(row(covenant_2016, "15"), scan=SimpleUploadedFile("ban-ky.png", PNG, content_type="image/png"))
    signatory = row(covenant_2016, "15")
    assert signatory.scan.name.startswith("covenants/2016/") and signatory.scan.name.endswith(".png")
    assert signatory.scan.open("rb").read() == PNG


def test_a_replaced_scan_is_kept_with_who_replaced_it_and_why(covenant_2016, media, demo_user):
    sign(row(covenant_2016, "15"), signed=False, scan=SimpleUploadedFile("lan-1.pdf", PDF))
    first = row(covenant_2016, "15").scan.name
    sign(row(covenant_2016, "15"), scan=SimpleUploadedFile("lan-2.pdf", PDF + b"2"))
    signatory = row(covenant_2016, "15")
    assert signatory.scan.name != first and (media / signatory.scan.name).exists()
    kept = signatory.replaced_scans.get()
    assert kept.scan.name == first and (media / first).exists()  # never deleted
    assert kept.replaced_by.username == "yenbai"
    # An admin's correction of the signed row keeps the second scan too, with the reason.
    services.signatory_correct(
        signatory=signatory,
        user=demo_user("admin"),
        reason="Bản chụp thiếu trang 2",
        representative="Vũ Thị Giang",
        post="Phó Chủ tịch UBND tỉnh",
        signed=True,
        signed_on=datetime.date(2016, 3, 10),
        scan=SimpleUploadedFile("lan-3.pdf", PDF + b"3"),
    )
    signatory = row(covenant_2016, "15")
    assert signatory.replaced_scans.count() == 2
    assert signatory.history.first().history_change_reason == "Bản chụp thiếu trang 2"


def test_each_member_signs_only_its_own_row_the_chair_included(covenant_2016, demo_user):
    for username in ("bacgiang", "backan", "thainguyen", "admin"):
        with pytest.raises(ValidationError, match="Chỉ cán bộ của tỉnh Yên Bái"):
            services.signatory_update(
                signatory=row(covenant_2016, "15"),
                user=demo_user(username),
                representative="Người khác",
                post="",
                signed=True,
                signed_on=datetime.date(2016, 3, 10),
            )
    assert not row(covenant_2016, "15").signed


def test_a_signed_row_is_corrected_only_by_an_admin_with_a_reason(covenant_2016, demo_user):
    sign(row(covenant_2016, "15"))
    fields = {
        "representative": "Vũ Thị Giang",
        "post": "Chủ tịch",
        "signed": True,
        "signed_on": datetime.date(2016, 3, 11),
    }
    with pytest.raises(ValidationError, match="Chỉ quản trị viên"):
        services.signatory_correct(signatory=row(covenant_2016, "15"), user=demo_user("yenbai"), reason="x", **fields)
    with pytest.raises(ValidationError) as refused:
        services.signatory_correct(signatory=row(covenant_2016, "15"), user=demo_user("admin"), reason=" ", **fields)
    assert list(refused.value.message_dict) == ["reason"]
    assert row(covenant_2016, "15").post == "Phó Chủ tịch UBND tỉnh"
    services.signatory_correct(
        signatory=row(covenant_2016, "15"), user=demo_user("admin"), reason="Sai chức vụ", **fields
    )
    assert row(covenant_2016, "15").post == "Chủ tịch"


def test_nothing_changes_once_the_year_is_closed(covenant_2016):
    year = covenant_2016.emulation_year
    EmulationYear.objects.filter(pk=year.pk).update(closed_at=timezone.now())
    with pytest.raises(ValidationError, match="Năm thi đua 2016 đã khóa sổ."):
        sign(row(covenant_2016, "15"))
    with pytest.raises(ValidationError, match="Năm thi đua 2016 đã khóa sổ."):
        services.covenant_update(covenant=Covenant.objects.get(pk=covenant_2016.pk), title="x")
    assert not row(covenant_2016, "15").signed


# --- The representative, picked among the people of the year ----------------------------------------


def people_2016(code):
    from cluster import selectors as cluster_selectors

    return {p.full_name: p for p in cluster_selectors.people_of(EmulationYear.objects.get(year=2016), code)}


def test_a_member_picks_its_leader_and_the_signed_row_keeps_the_words_it_was_signed_with(covenant_2016, demo_user):
    from provinces.models import Province

    leader = people_2016(Province.objects.get(code="15"))["Vũ Thị Giang"]  # copied from 2015 when 2016 opened
    services.signatory_update(
        signatory=row(covenant_2016, "15"),
        user=demo_user("yenbai"),
        person=leader,
        signed=True,
        signed_on=datetime.date(2016, 3, 10),
    )
    signed = row(covenant_2016, "15")
    assert (signed.person, signed.representative, signed.post, signed.authority) == (
        leader,
        "Vũ Thị Giang",
        "Phó Chủ tịch UBND tỉnh Yên Bái",
        "vice_chairman",
    )
    cluster_services.person_save(
        emulation_year=leader.emulation_year, person=leader, full_name=leader.full_name, post="Chủ tịch UBND tỉnh"
    )
    assert row(covenant_2016, "15").post == "Phó Chủ tịch UBND tỉnh Yên Bái"


def test_another_provinces_person_is_refused_and_a_typed_name_joins_the_people_once(covenant_2016, demo_user):
    from cluster.models import Person
    from provinces.models import Province

    bac_giang = people_2016(Province.objects.get(code="24"))["Nguyễn Văn An"]
    with pytest.raises(ValidationError) as refused:
        services.signatory_update(
            signatory=row(covenant_2016, "15"), user=demo_user("yenbai"), person=bac_giang, signed=False, signed_on=None
        )
    assert (
        "Nguyễn Văn An không có trong danh sách nhân sự của Yên Bái năm 2016." in refused.value.message_dict["person"]
    )
    assert row(covenant_2016, "15").representative == ""
    for _time in range(2):  # typed twice: one person
        services.signatory_update(
            signatory=row(covenant_2016, "15"),
            user=demo_user("yenbai"),
            representative="Lê Thị Mới",
            post="Phó Chủ tịch UBND tỉnh Yên Bái",
            signed=False,
            signed_on=None,
        )
    added = Person.objects.get(emulation_year__year=2016, full_name="Lê Thị Mới")
    assert added.province.code == "15" and row(covenant_2016, "15").person == added
