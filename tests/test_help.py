"""Help pages per role for everyone, and the form that writes to one's
organisation's administrators."""
import pytest
from support import form_errors

from onboarding import create_app
from onboarding.models import AuditEvent, OutboxMessage


def test_help_is_linked_everywhere_and_names_no_organisation_when_logged_out(client, make_org):
    make_org(name="Гимназия № 7")
    assert 'href="/help/"' in client.get("/").text
    assert 'href="/help/"' in client.get("/login").text  # the footer
    index = client.get("/help/")
    assert index.status_code == 200 and "Помощь" in index.text
    for role in ("parent", "student", "teacher", "admin"):
        page = client.get(f"/help/{role}")
        assert page.status_code == 200, role
        assert "Гимназия" not in page.text and "/chats/app" in page.text and "/account/password" in page.text
        assert len(page.data) < 20_000
    assert client.get("/help/nobody").status_code == 404
    assert "Как зарегистрироваться" in client.get("/help/parent").text


def test_a_member_reads_their_organisations_words(client, session, auth, make_org, make_user, make_member):
    org = make_org(kind="kindergarten", units="Солнышко")
    parent = make_user(email="p@mail.ru")
    make_member(parent, org, "parent", unit="Солнышко")
    auth.login("p@mail.ru")
    page = client.get("/help/parent").text
    assert "воспитател" in page and "классн" not in page
    assert client.get("/help/student").status_code == 404  # children don't join a kindergarten
    assert "/help/contact" in client.get("/").text


def _school_with_admins(session, make_org, make_user, make_member):
    org = make_org()
    for email in ("admin1@school.ru", "admin2@school.ru"):
        make_member(make_user(email=email), org, "admin")
    pending = make_user(email="pending@school.ru")
    make_member(pending, org, "admin").verification = "pending"  # not in force: not written to
    session.commit()
    parent = make_user(email="p@mail.ru", last_name="Смирнова", first_name="Анна")
    make_member(parent, org, "parent", unit="2Б")
    return org


def test_a_member_writes_to_every_administrator_without_showing_the_address(client, session, auth, sent_mail,
                                                                          make_org, make_user, make_member):
    org = _school_with_admins(session, make_org, make_user, make_member)
    auth.login("p@mail.ru")
    assert client.get("/help/contact").location.endswith(f"/help/contact/{org.id}")
    form = client.get(f"/help/contact/{org.id}").text
    assert '<label for="subject">Тема</label>' in form and "не адрес почты" in form
    sent = client.post(f"/help/contact/{org.id}", data={"subject": "Не вижу чат", "message": "Здравствуйте!\nЧат не открывается."},
                       follow_redirects=True)
    assert "Ваше сообщение отправлено администраторам" in sent.text
    letters = {message["To"]: message for message in sent_mail}
    assert set(letters) == {"admin1@school.ru", "admin2@school.ru"}
    letter = letters["admin1@school.ru"]
    assert letter["Reply-To"] is None and "p@mail.ru" not in letter.get_content()
    assert "Смирнова Анна (родитель (2Б))" in letter.get_content() and "Чат не открывается." in letter.get_content()
    assert "Не вижу чат" in letter["Subject"]
    session.rollback()
    assert session.query(AuditEvent).filter_by(action="help.contacted").count() == 1


def test_the_reply_address_only_when_ticked(client, session, auth, sent_mail, make_org, make_user, make_member):
    org = _school_with_admins(session, make_org, make_user, make_member)
    auth.login("p@mail.ru")
    client.post(f"/help/contact/{org.id}", data={"subject": "Вопрос", "message": "Текст", "reply": "y"})
    assert {message["Reply-To"] for message in sent_mail} == {"p@mail.ru"}


@pytest.mark.parametrize("data, error", [
    ({"subject": "", "message": "Текст"}, "Пожалуйста, заполните это поле."),
    ({"subject": "Тема", "message": ""}, "Сначала напишите сообщение."),
    ({"subject": "Тема", "message": "я" * 2001}, "Сообщение должно быть не длиннее 2000 символов."),
    ({"subject": "Тема\u202e", "message": "Текст"}, "Уберите невидимые или служебные символы."),
    ({"subject": "Тема", "message": "Текст\x00"}, "Уберите невидимые или служебные символы."),
])
def test_hostile_input_gets_russian_errors_and_nothing_is_sent(client, session, auth, sent_mail, make_org, make_user,
                                                                make_member, data, error):
    org = _school_with_admins(session, make_org, make_user, make_member)
    auth.login("p@mail.ru")
    page = client.post(f"/help/contact/{org.id}", data=data)
    assert page.status_code == 200 and error in form_errors(page.text), form_errors(page.text)
    if data["message"] == "Текст":
        assert 'value="Тема' in page.text or data["subject"] == ""
    session.rollback()
    assert session.query(OutboxMessage).count() == 0 and not sent_mail


def test_only_members_write_and_outsiders_learn_nothing(client, session, auth, make_org, make_user, make_member):
    org = _school_with_admins(session, make_org, make_user, make_member)
    other = make_org(name="Школа № 2")
    outsider = make_user(email="o@mail.ru")
    make_member(outsider, other, "parent", unit="2Б")
    assert client.get(f"/help/contact/{org.id}").status_code == 302  # log in first
    auth.login("o@mail.ru")
    assert client.get(f"/help/contact/{org.id}").status_code == 404
    assert client.post(f"/help/contact/{org.id}", data={"subject": "a", "message": "b"}).status_code == 404


def test_no_administrator_is_said_beside_the_form(client, session, auth, make_org, make_user, make_member):
    org = make_org()
    make_member(make_user(email="p@mail.ru"), org, "parent", unit="2Б")
    auth.login("p@mail.ru")
    page = client.post(f"/help/contact/{org.id}", data={"subject": "Тема", "message": "Текст"})
    assert page.status_code == 200 and "нет администратора" in page.text


def test_five_messages_an_hour(app_config, session, make_org, make_user, make_member):
    org = _school_with_admins(session, make_org, make_user, make_member)
    app = create_app({**app_config, "RATELIMIT_ENABLED": True})
    client = app.test_client()
    client.post("/login", data={"identifier": "p@mail.ru", "password": "correct horse battery staple"})
    client.post(f"/help/contact/{org.id}", data={"subject": "", "message": "x"})  # refused: doesn't count
    for _n in range(5):
        assert client.post(f"/help/contact/{org.id}", data={"subject": "Тема", "message": "Текст"}).status_code == 302
    too_many = client.post(f"/help/contact/{org.id}", data={"subject": "Тема", "message": "Текст"})
    assert too_many.status_code == 429 and "Слишком много" in too_many.text
    app.extensions["db"]["engine"].dispose()
