"""Everyone changes their own password, or resets it from an e-mailed link that works once."""

import datetime
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse

from accounts.models import AccountEvent

INVALID_LINK = "Liên kết này không còn dùng được"
LINK = re.compile(r"http://testserver/password-reset/[^/\s]+/[^/\s]+/")


def signs_in(username, password):
    return Client().post(reverse("login"), {"username": username, "password": password}).status_code == 302


def test_the_login_page_offers_a_reset(db):
    page = Client().get(reverse("login")).content.decode()
    assert reverse("accounts:password_reset") in page and "Quên mật khẩu?" in page


def test_a_signed_in_person_changes_their_password(client, backan):
    client.force_login(backan)
    assert reverse("accounts:password_change") in client.get(reverse("cluster:home"), follow=True).content.decode()
    url = reverse("accounts:password_change")
    new = {"new_password1": "Xuan-2026-moi", "new_password2": "Xuan-2026-moi"}
    wrong = client.post(url, {"old_password": "sai", **new})
    assert "Mật khẩu cũ không chính xác" in wrong.content.decode()
    assert signs_in("backan", "thidua2015")
    done = client.post(url, {"old_password": "thidua2015", **new})
    assert done["Location"] == reverse("accounts:password_change_done")
    assert "Mật khẩu đã được đổi" in client.get(done["Location"]).content.decode()  # still signed in
    assert signs_in("backan", "Xuan-2026-moi") and not signs_in("backan", "thidua2015")
    assert AccountEvent.objects.get(user=backan).kind == AccountEvent.Kind.PASSWORD_CHANGED


def ask_for_link(address, client=None):
    return (client or Client()).post(reverse("accounts:password_reset"), {"email": address})


def test_a_reset_link_works_once(smtp, backan):
    response = ask_for_link("BacKan@example.vn")
    assert response["Location"] == reverse("accounts:password_reset_done")
    [message] = smtp.messages
    assert message["To"] == "backan@example.vn"
    assert message["Subject"].strip() == "Đặt mật khẩu mới cho phần mềm cụm thi đua"
    body = smtp.bodies()[0]
    assert "Kính gửi Cán bộ thi đua Bắc Kạn" in body and "chỉ dùng được một lần" in body
    link = LINK.search(body).group(0)

    browser = Client()
    form = browser.get(link, follow=True)
    assert "Chọn mật khẩu mới" in form.content.decode()
    mismatch = browser.post(form.redirect_chain[-1][0], {"new_password1": "Mua-thu-2026", "new_password2": "khac"})
    assert "Hai trường mật khẩu không giống nhau" in mismatch.content.decode()
    saved = browser.post(form.redirect_chain[-1][0], {"new_password1": "Mua-thu-2026", "new_password2": "Mua-thu-2026"})
    assert saved["Location"] == reverse("accounts:password_reset_complete")
    assert signs_in("backan", "Mua-thu-2026")
    assert AccountEvent.objects.get(user=backan).kind == AccountEvent.Kind.PASSWORD_RESET

    # the same link again, from any browser
    for again in (Client(), browser):
        page = again.get(link, follow=True).content.decode()
        assert INVALID_LINK in page and "đã được dùng hoặc đã quá hạn" in page
        assert reverse("accounts:password_reset") in page
        assert 'name="new_password1"' not in page


def test_a_reset_link_too_old_is_refused(smtp, backan, settings, monkeypatch):
    ask_for_link("backan@example.vn")
    link = LINK.search(smtp.bodies()[0]).group(0)
    later = datetime.datetime.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)  # noqa: DTZ005 (the token generator's own naive clock)
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    page = Client().get(link, follow=True).content.decode()
    assert INVALID_LINK in page and "trong vòng 72 giờ" in page
    assert signs_in("backan", "thidua2015")


def test_an_unknown_address_is_answered_the_same_and_gets_nothing(smtp, backan):
    known, unknown = ask_for_link("backan@example.vn"), ask_for_link("khong-co@example.vn")
    assert known.status_code == unknown.status_code == 302 and known["Location"] == unknown["Location"]
    assert len(smtp.messages) == 1


def test_a_deactivated_account_gets_no_link(smtp, backan):
    backan.is_active = False
    backan.save(update_fields=["is_active"])
    assert ask_for_link("backan@example.vn")["Location"] == reverse("accounts:password_reset_done")
    assert smtp.messages == []


@pytest.mark.parametrize("address", ["backan@example.vn", "khong-co@example.vn"])
def test_reset_requests_are_limited_per_address_alike_for_unknown_ones(smtp, backan, address):
    for _ in range(3):
        assert ask_for_link(address).status_code == 302
    refused = ask_for_link(address, Client(REMOTE_ADDR="198.51.100.7"))  # another machine too
    page = refused.content.decode()
    assert refused.status_code == 429 and "quá nhiều lần" in page
    assert f'value="{address}"' in page  # what was typed is kept
    assert len(smtp.messages) == (3 if address.startswith("backan") else 0)


def test_reset_requests_are_limited_per_client(smtp, backan):
    for number in range(5):
        assert ask_for_link(f"nguoi{number}@example.vn").status_code == 302
    assert ask_for_link("backan@example.vn").status_code == 429
    assert smtp.messages == []
    assert ask_for_link("backan@example.vn", Client(REMOTE_ADDR="198.51.100.7")).status_code == 302
