"""A young pupil's registration with the letters passing through a real SMTP server."""
import re
import socket
import time
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from support import PASSWORD

from onboarding.models import ConsentRecord, User


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 OK"


@pytest.fixture
def smtp(app_config):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    app_config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=5)
    yield sink
    controller.stop()


def _wait_for(sink, count):
    deadline = time.monotonic() + 5
    while len(sink.messages) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(sink.messages) >= count


def test_young_pupil_and_parent_through_smtp(smtp, app, session, make_org, make_invite):
    org = make_org()
    invite, link = make_invite(org, kind="student", unit="2Б")
    pupil = app.test_client()
    start = pupil.post(link.replace("/i/", "/register/"), data={
        "last_name": "Сидоров", "first_name": "Петя", "birth_date": "2018-05-05"})
    pupil.post(start.headers["Location"], data={"login": "petya.s", "password": PASSWORD,
                                                "parent_email": "mama@mail.ru"})
    _wait_for(smtp, 1)
    letter = smtp.messages[-1]
    assert letter["To"] == "mama@mail.ru" and "Сидоров Петя" in letter["Subject"]
    body = letter.get_content()
    assert "Сидоров Петя" in body and "2Б" in body and "Школа №\u00a01" in body
    code = re.search(r"^\s+(\d{6})\s*$", body, re.M).group(1)
    parent_link = re.search(r"http://localhost(/register/parent/\S+)", body).group(1)
    class_invite = re.search(r"http://localhost(/i/\S+)", body).group(1)

    # The parent confirms on their phone; then joins the class's parents by the offered link.
    phone = app.test_client()
    assert phone.post(parent_link, data={"agree": "y"}).status_code == 200
    session.rollback()
    user = session.query(User).filter_by(login="petya.s").one()
    assert user.status == "active"
    assert session.query(ConsentRecord).filter_by(subject_id=user.id).one().given_by_email == "mama@mail.ru"
    session.rollback()
    assert pupil.post("/register/confirm/continue").status_code == 302
    # The registration is over: the code page only leads on to where the pupil is (the chats).
    response = pupil.post("/register/confirm", data={"code": code})
    assert response.status_code == 302 and "/chats/org/" in response.headers["Location"]
    session.rollback()
    assert session.query(ConsentRecord).filter_by(subject_id=user.id).count() == 1

    landing = phone.get(class_invite)
    assert landing.status_code == 200
    phone.post(class_invite.replace("/i/", "/register/"), data={
        "last_name": "Сидорова", "first_name": "Ирина", "email": "mama@mail.ru", "password": PASSWORD,
        "child_name": "Сидоров Петя"})
    _wait_for(smtp, 2)
    code = re.search(r"^\s+(\d{6})\s*$", smtp.messages[-1].get_content(), re.M).group(1)
    assert phone.post("/register/confirm", data={"code": code}).status_code == 302
    assert phone.post("/register/consent", data={"agree": "y"}).status_code == 302
    session.rollback()
    assert session.query(User).filter_by(email="mama@mail.ru", status="active").count() == 1
