"""Where mail goes: a real SMTP server, the console, or memory (tests)."""
from __future__ import annotations

import smtplib
import ssl
import sys
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, Mapping

from ..models import OutboxMessage


def build_message(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    if message.reply_to:
        email["Reply-To"] = message.reply_to
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].rstrip(">") or None)
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body_text)
    return email


class SMTPBackend:
    def __init__(self, config: Mapping[str, Any]):
        self.host = config["MAIL_SERVER"]
        self.port = int(config["MAIL_PORT"])
        self.username = config.get("MAIL_USERNAME")
        self.password = config.get("MAIL_PASSWORD")
        self.security = config.get("MAIL_SECURITY", "none")
        self.timeout = float(config.get("MAIL_TIMEOUT", 10))
        self.sender = config["MAIL_SENDER"]

    def send(self, message: OutboxMessage) -> None:
        context = ssl.create_default_context()
        if self.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client:
            if self.security == "starttls":
                client.starttls(context=context)
            if self.username:
                client.login(self.username, self.password or "")
            client.send_message(build_message(message, self.sender))


class ConsoleBackend:
    def __init__(self, config: Mapping[str, Any], stream=None):
        self.sender = config["MAIL_SENDER"]
        self.stream = stream

    def send(self, message: OutboxMessage) -> None:
        """Readable, not MIME-encoded: a developer reads codes off the console."""
        stream = self.stream or sys.stderr
        print("-" * 60, file=stream)
        print(f"From: {self.sender}\nTo: {message.recipient}\nSubject: {message.subject}\n", file=stream)
        print(message.body_text, file=stream)
        print("-" * 60, file=stream, flush=True)


class MemoryBackend:
    """Keeps what it sends (tests that don't run an SMTP server)."""

    def __init__(self, config: Mapping[str, Any]):
        self.sender = config["MAIL_SENDER"]
        self.sent: list[EmailMessage] = []

    def send(self, message: OutboxMessage) -> None:
        self.sent.append(build_message(message, self.sender))


BACKENDS = {"smtp": SMTPBackend, "console": ConsoleBackend, "memory": MemoryBackend}
