"""Login throttling: a username guessed from many addresses is locked too, and the address
is taken from a reverse proxy only when the site trusts one."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

WRONG = {"username": "backan", "password": "sai-mat-khau"}
RIGHT = {"username": "backan", "password": "thidua2015"}
FAILED = "Vui lòng điền vào Tên đăng nhập và mật khẩu chính xác"
LOCKED = "Đăng nhập sai quá nhiều lần"


def login(data, address, **headers):
    return Client(REMOTE_ADDR=address).post(reverse("login"), data, **headers)


@pytest.fixture
def accounts(demo):
    return demo


def test_a_username_failing_from_ten_addresses_is_locked_everywhere(accounts):
    for number in range(1, 10):
        assert FAILED in login(WRONG, f"198.51.100.{number}").content.decode()
    response = login(WRONG, "198.51.100.10")
    assert response.status_code == 429 and LOCKED in response.content.decode()
    # locked for every address, even with the right password
    response = login(RIGHT, "203.0.113.99")
    assert response.status_code == 429
    assert "trên máy này hoặc trên các máy khác" in response.content.decode()
    # another account is not affected
    assert login({"username": "bacgiang", "password": "thidua2015"}, "198.51.100.1").status_code == 302


def test_nine_failures_spread_over_addresses_do_not_lock_the_account(accounts):
    for number in range(1, 10):
        assert FAILED in login(WRONG, f"198.51.100.{number}").content.decode()
    response = login(RIGHT, "203.0.113.99")
    assert response.status_code == 302 and response["Location"] == reverse("cluster:home")


def test_five_failures_from_one_address_still_lock_that_address(accounts):
    for _ in range(4):
        assert FAILED in login(WRONG, "198.51.100.1").content.decode()
    assert login(WRONG, "198.51.100.1").status_code == 429
    assert login(RIGHT, "198.51.100.1").status_code == 429
    # from elsewhere the five failures are below the username's own limit
    assert login(RIGHT, "203.0.113.99").status_code == 302


def test_without_a_trusted_proxy_a_forwarded_header_changes_nothing(accounts, settings):
    assert settings.TRUSTED_PROXY_COUNT == 0
    login(WRONG, "198.51.100.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.1"]
    # nor can a client dodge the lock-out by changing the header
    for number in range(2, 6):
        login(WRONG, "198.51.100.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")
    assert login(RIGHT, "198.51.100.1", HTTP_X_FORWARDED_FOR="203.0.113.50").status_code == 429


@pytest.mark.parametrize(
    ("count", "forwarded", "recorded"),
    [
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "192.0.2.66, 203.0.113.7", "203.0.113.7"),  # the left one was written by the client
        (2, "192.0.2.66, 203.0.113.7, 198.51.100.200", "203.0.113.7"),
        (2, "203.0.113.7", "198.51.100.1"),  # shorter than the proxies: REMOTE_ADDR
        (1, "not-an-address", "198.51.100.1"),
    ],
)
def test_behind_trusted_proxies_the_forwarded_address_is_recorded(accounts, settings, count, forwarded, recorded):
    settings.TRUSTED_PROXY_COUNT = count
    login(WRONG, "198.51.100.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [recorded]
