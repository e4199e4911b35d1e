import re

from django.urls import reverse


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_merged_province_page_shows_its_successor(client, demo, demo_user):
    client.force_login(demo_user("backan"))
    page = text(client.get(reverse("provinces:detail", args=["24"])))
    assert "Tỉnh Bắc Giang" in page
    assert "Từ ngày 01/07/2025 thuộc tỉnh Bắc Ninh" in page
    # records of earlier years keep the old name
    assert re.search(
        r">2015</a></td><td>Cụm thi đua 7 tỉnh trung du và miền núi phía Bắc</td><td>Cụm trưởng</td>", page
    )


def test_province_history_in_english(client, demo, demo_user):
    client.force_login(demo_user("backan"))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = text(client.get(reverse("provinces:detail", args=["24"])))
    assert "Since 01/07/2025 part of Bắc Ninh" in page


def test_successor_lists_the_provinces_it_absorbed(client, demo, demo_user):
    client.force_login(demo_user("phutho"))
    page = text(client.get(reverse("provinces:detail", args=["25"])))
    assert "Từ ngày 01/07/2025 bao gồm tỉnh Hòa Bình cũ" in page
    assert "Từ ngày 01/07/2025 bao gồm tỉnh Vĩnh Phúc cũ" in page


def test_province_codes_are_official(demo):
    from provinces.models import Province

    codes = dict(Province.objects.values_list("name", "code"))
    assert codes["Phú Thọ"] == "25" and codes["Bắc Giang"] == "24" and codes["Bắc Kạn"] == "06"
    assert codes["Hòa Bình"] == "17" and codes["Thái Nguyên"] == "19" and codes["Tuyên Quang"] == "08"
    assert codes["Yên Bái"] == "15"


def test_unknown_province_is_404(client, demo, demo_user):
    client.force_login(demo_user("backan"))
    assert client.get(reverse("provinces:detail", args=["99"])).status_code == 404


def test_two_digit_code_is_enforced_by_the_database(db):
    import pytest
    from django.db import IntegrityError, transaction

    from provinces.models import Province

    with pytest.raises(IntegrityError), transaction.atomic():
        Province.objects.create(code="7", name="Sai mã")
