"""A signed-in session ends after SESSION_IDLE_TIMEOUT seconds without a request."""

import time

from django.urls import reverse

from accounts.middleware import LAST_SEEN


def test_defaults_to_thirty_minutes(settings):
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60


def go_idle(client, seconds):
    session = client.session
    session[LAST_SEEN] = time.time() - seconds
    session.save()


def test_an_idle_session_ends_with_a_message_on_the_login_page(client, demo, demo_user, settings):
    settings.SESSION_IDLE_TIMEOUT = 600
    client.force_login(demo_user("backan"))
    url = reverse("cluster:dashboard", args=[demo.pk, 2015])
    assert client.get(url).status_code == 200
    go_idle(client, 599)
    assert client.get(url).status_code == 200  # active just in time: the clock starts again
    assert time.time() - client.session[LAST_SEEN] < 5
    go_idle(client, 601)
    response = client.get(url)
    assert response["Location"] == f"{reverse('login')}?next={url}"
    page = client.get(response["Location"]).content.decode()
    assert "Phiên làm việc đã hết hạn sau 10 phút không hoạt động. Vui lòng đăng nhập lại." in page
    assert "_auth_user_id" not in client.session
    # signing in again takes the person back where they were
    again = client.post(response["Location"], {"username": "backan", "password": "thidua2015", "next": url})
    assert again["Location"] == url and client.get(url).status_code == 200


def test_the_session_is_not_written_on_every_request(client, demo, demo_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client.force_login(demo_user("backan"))
    url = reverse("provinces:list")
    client.get(url)  # stores the time of the last request
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
