"""An admin logs in, opens 2016, accepts the proposed chair and vice-chair, and the
dashboard of 2016 shows them."""

import re

import pytest
from playwright.sync_api import expect

from cluster.demo import ADMIN_PASSWORD, ADMIN_USERNAME
from cluster.enums import Role
from cluster.models import Membership

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_opens_2016_and_accepts_the_proposal(page, login, demo, screenshot):
    login(ADMIN_USERNAME, ADMIN_PASSWORD)
    expect(page.get_by_test_id("chair")).to_have_text("Bắc Giang")
    screenshot("dashboard-2015-admin")

    page.get_by_role("link", name="Mở năm 2016 và xác nhận Cụm trưởng, Cụm phó.").click()
    expect(page.get_by_role("heading", name="Mở năm thi đua 2016")).to_be_visible()
    expect(page.get_by_test_id("proposal")).to_contain_text("Cụm trưởng Bắc Kạn, Cụm phó Hòa Bình.")
    expect(page.get_by_label("Cụm trưởng")).to_have_value(
        str(Membership.objects.get(year=2015, province__code="06").province_id)
    )
    screenshot("rotation-2016")

    page.get_by_role("button", name="Mở năm 2016 và xác nhận nhiệm kỳ").click()
    expect(page).to_have_url(re.compile(r"/years/2016/$"))
    expect(page.get_by_role("alert")).to_contain_text("Năm thi đua 2016 đã được mở")
    expect(page.get_by_test_id("chair")).to_have_text("Bắc Kạn")
    expect(page.get_by_test_id("vice-chair")).to_have_text("Hòa Bình")
    expect(page.get_by_role("heading", name="Năm thi đua 2016")).to_be_visible()
    screenshot("dashboard-2016")

    assert Membership.objects.get(year=2016, role=Role.CHAIR).province.name == "Bắc Kạn"
    assert Membership.objects.filter(year=2016).count() == 7


def test_refused_rotation_keeps_the_form_and_opens_nothing(page, login, demo):
    login(ADMIN_USERNAME, ADMIN_PASSWORD)
    page.goto(f"/clusters/{demo.pk}/rotation/")
    page.get_by_label("Cụm phó").select_option(label="Bắc Kạn")
    page.get_by_role("button", name="Mở năm 2016 và xác nhận nhiệm kỳ").click()
    expect(page.get_by_text("Cụm trưởng và Cụm phó phải là hai tỉnh khác nhau.")).to_be_visible()
    expect(page.get_by_label("Cụm phó")).to_have_value(
        str(Membership.objects.get(year=2015, province__code="06").province_id)
    )
    assert not Membership.objects.filter(year=2016).exists()
