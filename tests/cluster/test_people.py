"""The people of a year: entered once per province, copied to the next year, picked by forms."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cluster import selectors, services
from cluster.models import EmulationYear, Person
from provinces.models import Province


def year(number):
    return EmulationYear.objects.get(year=number)


def province(code):
    return Province.objects.get(code=code)


def test_the_demo_years_hold_each_members_people_and_the_central_delegates(demo):
    people = list(selectors.people_of(year(2015)))
    assert people[0].province is None and people[0].full_name == "Trần Thị Hà"  # central delegates first
    bac_giang = [p.full_name for p in selectors.people_of(year(2015), province("24"))]
    assert bac_giang == ["Nguyễn Văn An", "Trần Văn Bảo", "Đỗ Thị Hạnh"]
    leader = Person.objects.get(emulation_year=year(2015), full_name="Chu Ngọc Anh")
    assert (leader.post, leader.authority) == ("Chủ tịch UBND tỉnh Phú Thọ", "chairman")
    assert [p.full_name for p in selectors.people_of(year(2015), "central")] == ["Trần Thị Hà"]


def test_a_new_year_starts_with_a_copy_of_the_people_of_the_members_that_stay(demo):
    from cluster.demo import MEMBERS

    members = [(province(code), order) for order, code in enumerate(MEMBERS, start=1) if code != "15"]
    services.emulation_year_open(cluster=year(2015).cluster, year=2016, members=members)
    copied = {(p.province.code if p.province else None, p.full_name) for p in selectors.people_of(year(2016))}
    assert (None, "Trần Thị Hà") in copied and ("24", "Đỗ Thị Hạnh") in copied
    assert not any(code == "15" for code, _name in copied)  # Yên Bái left the cluster
    # A copy: changing a 2016 person leaves 2015's as it was.
    moved = Person.objects.get(emulation_year=year(2016), full_name="Nguyễn Văn An")
    services.person_save(emulation_year=year(2016), person=moved, full_name=moved.full_name, post="Chủ tịch UBND tỉnh")
    assert Person.objects.get(emulation_year=year(2015), full_name="Nguyễn Văn An").post.startswith("Phó Chủ tịch")


@pytest.mark.parametrize(
    ("username", "code", "allowed"),
    [
        ("backan", "06", True),  # its own province
        ("backan", "24", False),
        ("backan", None, False),  # the central delegates: chair and admins
        ("bacgiang", "06", True),  # the chair of 2015 keeps everybody's
        ("bacgiang", None, True),
        ("admin", "15", True),
        ("admin", None, True),
    ],
)
def test_who_keeps_which_people(demo, demo_user, username, code, allowed):
    where = province(code) if code else None
    save = lambda: services.person_save(  # noqa: E731 (called in two branches)
        emulation_year=year(2015), user=demo_user(username), province=where, full_name="Nguyễn Thị Mới", post="x"
    )
    if allowed:
        assert save().pk
    else:
        with pytest.raises(ValidationError, match="Chỉ"):
            save()
        assert not Person.objects.filter(full_name="Nguyễn Thị Mới").exists()


def test_a_person_is_entered_once_per_province_and_year(demo):
    with pytest.raises(ValidationError) as refused:
        services.person_save(emulation_year=year(2015), province=province("24"), full_name=" Đỗ  Thị Hạnh ")
    assert "Người này đã có trong danh sách nhân sự của tỉnh năm nay." in str(refused.value)
    with pytest.raises(ValidationError, match="đại biểu Trung ương"):
        services.person_save(emulation_year=year(2015), province=None, full_name="Trần Thị Hà")
    with pytest.raises(ValidationError, match="không phải là thành viên|is not a member"):
        services.person_save(emulation_year=year(2015), province=province("20"), full_name="Người Lạng Sơn")
    with pytest.raises(ValidationError) as empty:
        services.person_save(emulation_year=year(2015), province=province("24"), full_name="  ")
    assert list(empty.value.message_dict) == ["full_name"]


def test_a_person_named_on_a_signed_row_stays_and_a_draft_row_keeps_the_typed_name(full_demo):
    from covenants.models import Signatory

    signed = Signatory.objects.get(covenant__emulation_year__year=2015, province__code="24")
    assert signed.signed and signed.person.full_name == "Nguyễn Văn An"
    with pytest.raises(ValidationError, match="Nguyễn Văn An có tên trên một văn bản đã ký"):
        services.person_remove(person=signed.person)
    # Not named anywhere final: removed (and a closed year keeps its people whatever happens).
    spare = Person.objects.get(emulation_year=year(2015), full_name="Bùi Thị Lan")
    services.person_remove(person=spare)
    assert not Person.objects.filter(pk=spare.pk).exists()
    with pytest.raises(ValidationError, match="đã khóa sổ"):
        services.person_remove(person=Person.objects.filter(emulation_year=year(2014)).first())


# --- The page ------------------------------------------------------------------------------------------


def people_url(number=2015):
    return reverse("cluster:people", args=[year(number).cluster_id, number])


def test_a_province_adds_its_own_person_and_sees_everyones(client, demo, demo_user):
    client.force_login(demo_user("backan"))
    page = client.get(people_url()).content.decode()
    assert "Trần Thị Hà" in page and "Đỗ Thị Hạnh" in page  # everybody's people, read
    assert page.count('name="action" value="remove"') == 2  # only Bắc Kạn's own two
    response = client.post(
        people_url(),
        {
            "province": province("06").pk,
            "full_name": "Hà Thị Thu",
            "post": "Phó Giám đốc Sở Nội vụ",
            "authority": "own_post",
        },
        follow=True,
    )
    assert "Đã lưu Hà Thị Thu – Phó Giám đốc Sở Nội vụ vào danh sách nhân sự của năm." in response.content.decode()
    assert Person.objects.get(full_name="Hà Thị Thu").province.code == "06"
    # Another province is not offered, and a forged choice is refused with nothing saved.
    forged = client.post(people_url(), {"province": province("24").pk, "full_name": "Giả Mạo", "authority": "own_post"})
    assert forged.status_code == 400 and not Person.objects.filter(full_name="Giả Mạo").exists()


def test_the_chair_corrects_a_post_and_a_removal_is_refused_with_the_reason(client, full_demo, demo_user):
    client.force_login(demo_user("bacgiang"))
    leader = Person.objects.get(emulation_year=year(2015), full_name="Nguyễn Văn An")
    page = client.get(people_url() + f"?edit={leader.pk}").content.decode()
    assert 'value="Phó Chủ tịch UBND tỉnh Bắc Giang"' in page
    client.post(
        people_url(),
        {
            "person": leader.pk,
            "province": leader.province_id,
            "full_name": leader.full_name,
            "post": "Chủ tịch UBND tỉnh Bắc Giang",
            "authority": "chairman",
        },
    )
    leader.refresh_from_db()
    assert (leader.post, leader.authority) == ("Chủ tịch UBND tỉnh Bắc Giang", "chairman")
    # The covenant row he signed keeps the post it was signed with.
    assert leader.emulation_year.covenant.signatories.get(person=leader).post == "Phó Chủ tịch UBND tỉnh Bắc Giang"
    response = client.post(people_url(), {"person": leader.pk, "action": "remove"}, follow=True)
    assert "có tên trên một văn bản đã ký hoặc đã xác nhận" in response.content.decode()
    assert Person.objects.filter(pk=leader.pk).exists()


def test_the_people_page_makes_the_same_number_of_queries_at_two_sizes(
    client, demo, demo_user, django_assert_num_queries
):
    client.force_login(demo_user("backan"))
    client.get(people_url())  # warm the caches of the session and the site
    with django_assert_num_queries(11) as small:  # 9 + the calendar banner + the unread notifications
        client.get(people_url())
    for i in range(30):
        Person.objects.create(
            emulation_year=year(2015), province=province(("06", "24", "25")[i % 3]), full_name=f"Người {i}"
        )
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(people_url())


PEOPLE_TABLE = {
    #                           admin  bacgiang backan  yenbai phutho
    ("Trần Thị Bình", 2015): (True, True, True, False, False),  # Bắc Kạn's: its staff and the chair
    ("Trần Thị Hà", 2015): (True, True, False, False, False),  # central: the chair and admins
    ("Trần Thị Bình", 2014): (False, False, False, False, False),  # 2014 is closed
    ("Chu Ngọc Anh", 2014): (False, False, False, False, False),
}


@pytest.mark.parametrize(("name", "number"), list(PEOPLE_TABLE))
def test_the_permission_to_keep_a_person(full_demo, demo_user, name, number):
    target = Person.objects.select_related("emulation_year").get(emulation_year__year=number, full_name=name)
    roles = ["admin", "bacgiang", "backan", "yenbai", "phutho"]
    assert tuple(demo_user(r).has_perm("cluster.manage_person", target) for r in roles) == PEOPLE_TABLE[name, number]
