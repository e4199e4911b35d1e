import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.core.cache import cache


class Inbox:
    """What a real SMTP server received (aiosmtpd handler)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def bodies(self):
        return [message.get_body(("plain",)).get_content() for message in self.messages]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on this machine receiving the app's mail."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield inbox
    controller.stop()


@pytest.fixture(autouse=True)
def _fresh_request_counts():
    """The password link request counts live in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def backan(demo, demo_user):
    user = demo_user("backan")
    user.email = "backan@example.vn"
    user.save(update_fields=["email"])
    return user
