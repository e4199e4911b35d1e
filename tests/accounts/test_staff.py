"""Admins open, close and reopen staff accounts and send password links from a page of the app;
each action is in the accounts' history on that page."""

import re

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services
from accounts.models import AccountEvent, User
from provinces.models import Province

LINK = re.compile(r"http://testserver/password-reset/[^/\s]+/[^/\s]+/")


@pytest.fixture
def admin_client(demo, demo_user):
    client = Client()
    client.force_login(demo_user("admin"))
    return client


def new_account(**changes):
    return {
        "username": "backan.lethib",
        "full_name": "Lê Thị B",
        "email": "lethib@backan.gov.vn",
        "province": Province.objects.get(code="06").pk,
        **changes,
    }


@pytest.mark.parametrize("username", ["backan", "bacgiang", "yenbai"])
def test_staff_cannot_manage_accounts(demo, demo_user, username):
    client = Client()
    client.force_login(demo_user(username))
    assert client.get(reverse("accounts:staff")).status_code == 403
    assert client.post(reverse("accounts:staff_new"), new_account()).status_code == 403
    target = demo_user("thainguyen")
    assert client.post(reverse("accounts:staff_deactivate", args=[target.pk]), {"confirmed": "1"}).status_code == 403
    assert User.objects.get(pk=target.pk).is_active
    assert not User.objects.filter(username="backan.lethib").exists()
    with pytest.raises(PermissionDenied):
        services.account_deactivate(actor=demo_user(username), user=target)


def test_the_page_lists_each_province_and_links_from_the_navbar(admin_client):
    page = admin_client.get(reverse("accounts:staff")).content.decode()
    assert 'data-testid="account-backan"' in page and "Cán bộ thi đua Bắc Kạn" in page
    assert page.index("Bắc Giang") < page.index("Bắc Kạn")
    assert f'href="{reverse("accounts:staff")}"' in page  # the admin's navbar
    bac_kan = Province.objects.get(code="06")
    only = admin_client.get(reverse("accounts:staff"), {"province": bac_kan.pk}).content.decode()
    assert 'data-testid="account-backan"' in only and 'data-testid="account-bacgiang"' not in only


def test_the_page_reads_the_same_few_queries_however_many_accounts(admin_client, django_assert_num_queries):
    from tests.factories import UserFactory

    url = reverse("accounts:staff")
    admin_client.get(url)
    with CaptureQueriesContext(connection) as small:
        admin_client.get(url)
    for province in Province.objects.all()[:5]:
        user = UserFactory(province=province)
        AccountEvent.objects.create(user=user, kind=AccountEvent.Kind.CREATED)
    with django_assert_num_queries(len(small.captured_queries)):
        page = admin_client.get(url)
    assert page.content.decode().count("Tạo tài khoản") >= 6


def test_an_admin_creates_an_account_whose_person_chooses_the_password(admin_client, smtp):
    response = admin_client.post(reverse("accounts:staff_new"), new_account())
    user = User.objects.get(username="backan.lethib")
    assert response["Location"] == f"{reverse('accounts:staff')}?province={user.province_id}"
    assert user.province.code == "06" and user.is_active and not user.has_usable_password()
    [message] = smtp.messages
    assert message["To"] == "lethib@backan.gov.vn"
    body = smtp.bodies()[0]
    assert "Kính gửi Lê Thị B" in body and "tỉnh Bắc Kạn" in body and "backan.lethib" in body
    page = admin_client.get(response["Location"]).content.decode()
    assert "liên kết để đặt mật khẩu đã được gửi đến lethib@backan.gov.vn" in page
    history = page[page.index('data-testid="account-history"') :]
    assert "Lê Thị B" in history and "Tạo tài khoản" in history and "Quản trị viên" in history

    browser = Client()
    form = browser.get(LINK.search(body).group(0), follow=True)
    set_url = form.redirect_chain[-1][0]
    browser.post(set_url, {"new_password1": "Hoa-sen-2026", "new_password2": "Hoa-sen-2026"})
    signed_in = Client().post(reverse("login"), {"username": "backan.lethib", "password": "Hoa-sen-2026"})
    assert signed_in.status_code == 302
    assert [e.kind for e in AccountEvent.objects.filter(user=user).order_by("pk")] == ["created", "password_reset"]


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"username": "backan"}, "Tên đăng nhập đã được sử dụng"),
        ({"email": "khong-phai-thu"}, "Nhập địa chỉ email."),
        ({"province": ""}, "Trường này là bắt buộc"),
    ],
)
def test_a_refused_account_keeps_what_was_typed(admin_client, smtp, changes, error):
    response = admin_client.post(reverse("accounts:staff_new"), new_account(**changes))
    page = response.content.decode()
    assert response.status_code == 200 and error in page
    assert 'value="Lê Thị B"' in page
    assert smtp.messages == [] and not User.objects.filter(full_name="Lê Thị B").exists()


def test_an_address_already_used_is_refused(admin_client, demo_user, smtp):
    other = demo_user("yenbai")
    other.email = "lethib@backan.gov.vn"
    other.save(update_fields=["email"])
    page = admin_client.post(reverse("accounts:staff_new"), new_account()).content.decode()
    assert "đã được một tài khoản khác sử dụng" in page and 'value="backan.lethib"' in page


def test_a_mail_server_that_refuses_creates_nothing(admin_client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    page = admin_client.post(reverse("accounts:staff_new"), new_account()).content.decode()
    assert "Không gửi được thư đến lethib@backan.gov.vn" in page and 'value="backan.lethib"' in page
    assert not User.objects.filter(username="backan.lethib").exists()
    assert not AccountEvent.objects.exists()


def test_deactivating_asks_first_then_ends_sign_in_and_sessions(admin_client, demo_user):
    backan = demo_user("backan")
    session = Client()
    session.force_login(backan)
    assert session.get(reverse("cluster:home")).status_code == 302  # to the dashboard: signed in
    url = reverse("accounts:staff_deactivate", args=[backan.pk])
    confirm = admin_client.post(url).content.decode()
    assert "Khóa tài khoản Cán bộ thi đua Bắc Kạn?" in confirm and "không đăng nhập được nữa" in confirm
    assert User.objects.get(pk=backan.pk).is_active
    done = admin_client.post(url, {"confirmed": "1"}, follow=True).content.decode()
    assert "Đã khóa tài khoản Cán bộ thi đua Bắc Kạn." in done
    assert not User.objects.get(pk=backan.pk).is_active
    # the open session is over, and the password no longer signs in
    assert session.get(reverse("cluster:home"))["Location"].startswith(reverse("login"))
    refused = Client().post(reverse("login"), {"username": "backan", "password": "thidua2015"})
    assert refused.status_code == 200
    assert "Vui lòng điền vào Tên đăng nhập và mật khẩu chính xác" in refused.content.decode()

    again = admin_client.post(reverse("accounts:staff_reactivate", args=[backan.pk]), {"confirmed": "1"}, follow=True)
    assert "Tài khoản Cán bộ thi đua Bắc Kạn đã được mở lại." in again.content.decode()
    assert Client().post(reverse("login"), {"username": "backan", "password": "thidua2015"}).status_code == 302
    kinds = list(AccountEvent.objects.filter(user=backan).order_by("pk").values_list("kind", "actor__username"))
    assert kinds == [("deactivated", "admin"), ("reactivated", "admin")]
    history = again.content.decode().split('data-testid="account-history"')[1]
    assert "Khóa tài khoản" in history and "Mở lại tài khoản" in history


def test_an_admin_cannot_deactivate_themself(admin_client, demo_user):
    admin = demo_user("admin")
    page = admin_client.post(reverse("accounts:staff_deactivate", args=[admin.pk]), {"confirmed": "1"}, follow=True)
    assert "Bạn không thể khóa tài khoản của chính mình." in page.content.decode()
    assert User.objects.get(pk=admin.pk).is_active and not AccountEvent.objects.exists()
    with pytest.raises(ValidationError):
        services.account_deactivate(actor=admin, user=admin)
    # the page offers no such button either
    row = admin_client.get(reverse("accounts:staff")).content.decode().split('data-testid="account-admin"')[1]
    assert reverse("accounts:staff_deactivate", args=[admin.pk]) not in row.split("</tr>")[0]


def test_an_admin_sends_a_password_link_and_ends_a_lock_out(admin_client, demo_user, smtp):
    backan = demo_user("backan")
    backan.email = "backan@example.vn"
    backan.save(update_fields=["email"])
    for _ in range(5):
        Client(REMOTE_ADDR="198.51.100.1").post(reverse("login"), {"username": "backan", "password": "sai"})
    assert AccessAttempt.objects.filter(username="backan").exists()
    page = admin_client.post(reverse("accounts:staff_send_link", args=[backan.pk]), follow=True).content.decode()
    assert "Đã gửi liên kết đặt mật khẩu mới đến backan@example.vn." in page
    assert [m["To"] for m in smtp.messages] == ["backan@example.vn"]
    assert not AccessAttempt.objects.filter(username="backan").exists()
    right = {"username": "backan", "password": "thidua2015"}
    signed_in = Client(REMOTE_ADDR="198.51.100.1").post(reverse("login"), right)
    assert signed_in.status_code == 302  # the old password still works until a new one is chosen
    assert AccountEvent.objects.get(user=backan).kind == AccountEvent.Kind.LINK_SENT


def test_a_link_for_an_account_without_address_is_refused(admin_client, demo_user, smtp):
    backan = demo_user("backan")
    page = admin_client.post(reverse("accounts:staff_send_link", args=[backan.pk]), follow=True).content.decode()
    assert "Tài khoản này chưa có địa chỉ thư điện tử" in page
    assert smtp.messages == [] and not AccountEvent.objects.exists()


def test_an_admin_corrects_an_account_and_can_then_send_it_a_link(admin_client, demo_user, smtp):
    backan = demo_user("backan")
    url = reverse("accounts:staff_edit", args=[backan.pk])
    assert 'value="Cán bộ thi đua Bắc Kạn"' in admin_client.get(url).content.decode()
    data = {"full_name": "Hoàng Văn C", "email": "khong-phai-thu", "province": backan.province_id}
    refused = admin_client.post(url, data).content.decode()
    assert "Nhập địa chỉ email." in refused and 'value="Hoàng Văn C"' in refused
    saved = admin_client.post(url, {**data, "email": "hoangvanc@backan.gov.vn"}, follow=True).content.decode()
    assert "Đã lưu tài khoản Hoàng Văn C." in saved
    backan.refresh_from_db()
    assert (backan.full_name, backan.email, backan.username) == ("Hoàng Văn C", "hoangvanc@backan.gov.vn", "backan")
    assert "Đổi thông tin tài khoản" in saved.split('data-testid="account-history"')[1]
    admin_client.post(reverse("accounts:staff_send_link", args=[backan.pk]))
    assert [m["To"] for m in smtp.messages] == ["hoangvanc@backan.gov.vn"]


def test_an_admin_unlocks_a_locked_out_account(admin_client, demo_user):
    wrong = {"username": "backan", "password": "sai"}
    for _ in range(5):
        Client(REMOTE_ADDR="198.51.100.1").post(reverse("login"), wrong)
    right = {"username": "backan", "password": "thidua2015"}
    assert Client(REMOTE_ADDR="198.51.100.1").post(reverse("login"), right).status_code == 429
    page = admin_client.get(reverse("accounts:staff")).content.decode()
    row = page.split('data-testid="account-backan"')[1].split("</tr>")[0]
    assert "6 lần đăng nhập sai" in row and "Mở khóa đăng nhập" in row  # the refused right one counts too
    backan = demo_user("backan")
    done = admin_client.post(reverse("accounts:staff_unlock", args=[backan.pk]), follow=True).content.decode()
    assert "Tài khoản Cán bộ thi đua Bắc Kạn đã đăng nhập lại được." in done
    assert Client(REMOTE_ADDR="198.51.100.1").post(reverse("login"), right).status_code == 302
    assert AccountEvent.objects.get(user=backan).kind == AccountEvent.Kind.UNLOCKED
    again = admin_client.post(reverse("accounts:staff_unlock", args=[backan.pk]), follow=True).content.decode()
    assert "Không có lần đăng nhập sai nào" in again
