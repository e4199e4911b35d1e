"""A real SMTP server on a free local port (aiosmtpd), and the settings pointing at it."""

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth import get_user_model
from django.db.models import Value
from django.db.models.functions import Concat

SITE_URL = "https://thidua.example.gov.vn"


class Mailbox:
    """Collects what the server accepted; refuses (550) the addresses in `refused`."""

    def __init__(self):
        self.messages = []
        self.refused = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    # What a test reads ----------------------------------------------------------------------
    def to(self, address):
        return [m for rcpts, m in self.messages if address in rcpts]

    @staticmethod
    def text(message):
        return message.get_body(preferencelist=("plain",)).get_content()

    @staticmethod
    def subject(message):
        """The subject as a mail client shows it (decoded, folding whitespace dropped)."""
        return " ".join(str(message["Subject"]).split())


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A running SMTP server; the site sends its e-mails there."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "Cụm thi đua <thidua@example.gov.vn>"
    settings.SITE_URL = SITE_URL
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def with_addresses(db):
    """Give every provincial account of the demo an address: <username>@thidua.test."""

    def give():
        get_user_model().objects.filter(province__isnull=False).update(email=Concat("username", Value("@thidua.test")))

    return give
