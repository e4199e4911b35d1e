"""The meeting's forms pick people of the year instead of typing names again: the presiding
person and the secretary, each delegation's delegates."""

import html
import re

from django.urls import reverse

from awards.models import Delegate, ReviewMeeting
from cluster.models import Person


def text(response):
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def person(name, year=2015):
    return Person.objects.get(emulation_year__year=year, full_name=name)


def test_the_meeting_form_copies_the_picked_presiding_person_and_secretary(client, year_2015, demo_user):
    client.force_login(demo_user("bacgiang"))
    url = reverse("awards:meeting_edit", args=[year_2015.cluster_id, 2015])
    page = text(client.get(url))
    assert "Nguyễn Văn An – Phó Chủ tịch UBND tỉnh Bắc Giang (Bắc Giang)" in page
    data = {
        "starts_at": "10/03/2016 08:00",
        "place": "Trụ sở UBND tỉnh Bắc Giang",
        "host_province": person("Nguyễn Văn An").province_id,
    }
    refused = text(client.post(url, data))
    assert "Hãy chọn người chủ trì hoặc nhập họ tên." in refused and "Hãy chọn thư ký hoặc nhập họ tên." in refused
    assert not ReviewMeeting.objects.filter(emulation_year=year_2015).exists()
    data.update(presiding_person=person("Nguyễn Văn An").pk, secretary_person=person("Trần Văn Bảo").pk)
    client.post(url, data)
    meeting = ReviewMeeting.objects.get(emulation_year=year_2015)
    assert (meeting.presiding_person, meeting.presiding_name, meeting.presiding_post) == (
        person("Nguyễn Văn An"),
        "Nguyễn Văn An",
        "Phó Chủ tịch UBND tỉnh Bắc Giang",
    )
    assert (meeting.secretary_name, meeting.secretary_post) == (
        "Trần Văn Bảo",
        "Chuyên viên Ban Thi đua - Khen thưởng tỉnh Bắc Giang",
    )


def test_a_secretary_typed_once_joins_the_host_provinces_people(client, year_2015, demo_user):
    client.force_login(demo_user("bacgiang"))
    url = reverse("awards:meeting_edit", args=[year_2015.cluster_id, 2015])
    client.post(
        url,
        {
            "starts_at": "10/03/2016 08:00",
            "place": "Trụ sở UBND tỉnh Bắc Giang",
            "host_province": person("Nguyễn Văn An").province_id,
            "presiding_person": person("Nguyễn Văn An").pk,
            "secretary_name": "Lý Thị Thư",
            "secretary_post": "Chuyên viên Văn phòng UBND tỉnh",
        },
    )
    meeting = ReviewMeeting.objects.get(emulation_year=year_2015)
    added = person("Lý Thị Thư")
    assert (added.province.name, added.post) == ("Bắc Giang", "Chuyên viên Văn phòng UBND tỉnh")
    assert meeting.secretary_person == added and meeting.secretary_name == "Lý Thị Thư"


def attendance_data(meeting, **extra):
    data = {}
    for d in meeting.delegations.select_related("province"):
        data[f"present_{d.province_id}"] = "on"
    data.update(extra)
    return data


def test_delegates_are_ticked_among_the_people_and_someone_new_is_entered_once(client, meeting_2015, demo_user):
    client.force_login(demo_user("bacgiang"))
    url = reverse("awards:attendance", args=[meeting_2015.emulation_year.cluster_id, 2015])
    page = text(client.get(url))
    assert "Hoàng Văn Đức – Phó Chủ tịch UBND tỉnh Tuyên Quang" in page
    leaders = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Chu Ngọc Anh", "Phạm Thị Dung", "Hoàng Văn Đức"]
    data = attendance_data(meeting_2015)
    for name in [*leaders, "Vũ Thị Giang"]:
        chosen = person(name)
        data.setdefault(f"people_{chosen.province_id}", []).append(chosen.pk)
    bac_giang = person("Nguyễn Văn An").province_id
    data[f"delegates_{bac_giang}"] = "Đỗ Thị Lan – Trưởng ban Thi đua - Khen thưởng tỉnh\nNguyễn Văn An"
    client.post(url, data)
    delegates = Delegate.objects.filter(delegation__meeting=meeting_2015, delegation__province_id=bac_giang)
    # Nguyễn Văn An ticked and typed is one delegate; Đỗ Thị Lan joins Bắc Giang's people.
    assert [(d.full_name, d.person.full_name) for d in delegates] == [
        ("Nguyễn Văn An", "Nguyễn Văn An"),
        ("Đỗ Thị Lan", "Đỗ Thị Lan"),
    ]
    assert person("Đỗ Thị Lan").province_id == bac_giang
    assert Delegate.objects.filter(delegation__meeting=meeting_2015).count() == 8
    # Opened again, every delegate is ticked, nobody typed.
    page = client.get(url).content.decode()
    lan = person("Đỗ Thị Lan")
    assert re.search(rf'name="people_{bac_giang}" value="{lan.pk}"[^>]*checked', page)
    assert f'name="delegates_{bac_giang}"' in page and "Đỗ Thị Lan –" not in page.split("<textarea")[1]


def test_a_person_of_another_province_is_refused_as_a_delegate(client, meeting_2015, demo_user):
    client.force_login(demo_user("bacgiang"))
    url = reverse("awards:attendance", args=[meeting_2015.emulation_year.cluster_id, 2015])
    stranger = person("Vũ Thị Giang")  # Yên Bái's
    bac_giang = person("Nguyễn Văn An").province_id
    response = client.post(url, attendance_data(meeting_2015, **{f"people_{bac_giang}": [stranger.pk]}))
    assert "Chỉ nhân sự của Bắc Giang mới có thể là đại biểu của tỉnh." in text(response)
    assert not Delegate.objects.filter(delegation__meeting=meeting_2015).exists()
    meeting_2015.refresh_from_db()
    assert meeting_2015.attendance_confirmed_at is None


def test_guests_are_ticked_among_the_central_delegates_and_a_new_one_is_entered_once(client, meeting_2015, demo_user):
    client.force_login(demo_user("bacgiang"))
    url = reverse("awards:attendance", args=[meeting_2015.emulation_year.cluster_id, 2015])
    central = Person.objects.get(emulation_year__year=2015, province=None, full_name="Trần Thị Hà")
    data = attendance_data(meeting_2015, guest_people=[central.pk], guests="Phạm Văn Khách – Vụ Thi đua - Khen thưởng")
    for d in meeting_2015.delegations.all():
        data[f"delegates_{d.province_id}"] = f"Đại biểu {d.province_id}"
    client.post(url, data)
    guests = [(g.full_name, g.person.province_id) for g in meeting_2015.guests.select_related("person")]
    assert guests == [("Trần Thị Hà", None), ("Phạm Văn Khách", None)]
    assert Person.objects.get(full_name="Phạm Văn Khách").post == "Vụ Thi đua - Khen thưởng"
    page = client.get(url).content.decode()
    assert re.search(rf'name="guest_people" value="{central.pk}"[^>]*checked', page)
