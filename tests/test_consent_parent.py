"""A consent a parent gave for a young pupil: only a linked parent withdraws it,
and the withdrawal takes the pupil (and, where no other child keeps them, the
parents) out of the class, and tells the parents and the homeroom teacher."""
import re

import pytest
from conftest import RegistrationActions
from support import unit_named
from test_registration_roles import _chat, _young_pupil, accept_rules, fresh

from onboarding.models import ChatMember, ConsentRecord, Membership, OutboxMessage, ParentLink, User, utcnow


@pytest.fixture
def family(app, client, session, make_org, make_user, make_member, make_invite, register):
    """A grade-2 pupil registered through the real forms (the parent's code
    confirms and consents), the parent registered by a guardian link (linked
    to the child at once), both in their chats; a homeroom teacher of 2Б."""
    org = make_org()
    teacher = make_user(email="teacher@school.ru", last_name="Смирнова", first_name="Ольга")
    make_member(teacher, org, "teacher")
    make_member(teacher, org, "teacher", unit="2Б", is_lead=True)
    _invite, link = make_invite(org, kind="student", unit="2Б")
    login = _young_pupil(client, register, link, parent="mama@mail.ru", birth_date="2018-03-01")
    assert client.post("/register/confirm", data={"code": register.code("mama@mail.ru")}).status_code == 302
    pupil = fresh(session).query(User).filter_by(login=login).one()
    fresh(session)
    accept_rules(client, org)
    assert client.post(f"/chats/{_chat(session, org, 'class', '2Б').id}/join").status_code == 302
    fresh(session)

    parent_client = app.test_client()
    parent = RegistrationActions(parent_client, register.sent_mail)
    _guardian, guardian_link = make_invite(org, kind="guardian", unit="2Б", max_uses=1, child_id=pupil.id)
    assert parent.adult(guardian_link, email="mama@mail.ru").status_code == 302
    assert parent.confirm_and_consent("mama@mail.ru").status_code == 302
    accept_rules(parent_client, org)
    parents_chat = _chat(session, org, "parents", "2Б")
    assert parent_client.post(f"/chats/{parents_chat.id}/join").status_code == 302
    fresh(session)
    record = fresh(session).query(ConsentRecord).filter_by(subject_id=pupil.id, kind="personal_data").one()
    mother = session.query(User).filter_by(email="mama@mail.ru").one()
    fresh(session)
    return type("Family", (), dict(org=org, pupil=pupil, pupil_client=client, mother=mother,
                                   parent_client=parent_client, record=record, parents_chat=parents_chat,
                                   teacher=teacher))


def _outbox(session, to):
    return fresh(session).query(OutboxMessage).filter_by(recipient=to).order_by(OutboxMessage.id).all()


def _letters(sent_mail, to):
    """(subject, text) of the letters delivered to this address (the outbox
    keeps no text once a letter is delivered)."""
    return [(message["Subject"], message.get_content()) for message in sent_mail if message["To"] == to]


def test_the_pupil_sees_the_parents_consent_but_cannot_withdraw_it(session, family):
    page = family.pupil_client.get("/consents/")
    assert page.status_code == 200
    assert "Согласие дал ваш родитель" in page.text
    assert "за вас дал ваш родитель. Отозвать его может только он" in page.text
    assert f"/consents/{family.record.id}/withdraw" not in page.text

    for response in (family.pupil_client.get(f"/consents/{family.record.id}/withdraw"),
                     family.pupil_client.post(f"/consents/{family.record.id}/withdraw", data={"sure": "y"})):
        assert response.status_code == 403
        assert "за вас дал ваш родитель. Отозвать его может только он" in response.text

    fresh(session)
    assert session.get(ConsentRecord, family.record.id).withdrawn_at is None
    assert session.get(User, family.pupil.id).status == "active"
    assert session.query(Membership).filter_by(user_id=family.pupil.id, left_at=None).count() == 1
    assert session.query(ChatMember).filter_by(user_id=family.pupil.id, left_at=None).count() == 1
    assert _outbox(session, "teacher@school.ru") == []


def test_someone_who_is_not_a_confirmed_parent_of_the_child_gets_404(
        app, session, family, make_user, make_member):
    stranger = make_user(email="stranger@mail.ru")
    make_member(stranger, family.org, "parent", unit="2Б")  # a parent of the class, not of this child
    pending = make_user(email="pending@mail.ru")
    session.add(ParentLink(org_id=family.org.id, unit_id=unit_named(session, family.org, "2Б").id,
                           parent_id=pending.id, child_id=family.pupil.id, status="pending", created_at=utcnow()))
    session.commit()
    for email in ("stranger@mail.ru", "pending@mail.ru", "teacher@school.ru"):
        other = app.test_client()
        other.post("/login", data={"identifier": email, "password": "correct horse battery staple"})
        assert f"/consents/{family.record.id}/withdraw" not in other.get("/consents/").text
        assert other.get(f"/consents/{family.record.id}/withdraw").status_code == 404
        assert other.post(f"/consents/{family.record.id}/withdraw", data={"sure": "y"}).status_code == 404
    assert fresh(session).get(ConsentRecord, family.record.id).withdrawn_at is None


def test_the_parent_withdraws_the_consent_they_gave_for_their_child(session, family, sent_mail):
    page = family.parent_client.get("/consents/")
    assert "Согласия, которые вы дали за детей" in page.text
    assert "Сидоров Петя" in page.text
    assert f"/consents/{family.record.id}/withdraw" in page.text

    confirm = family.parent_client.get(f"/consents/{family.record.id}/withdraw")
    assert confirm.status_code == 200 and "Сидоров Петя" in confirm.text and 'method="post"' in confirm.text
    response = family.parent_client.post(f"/consents/{family.record.id}/withdraw", data={"sure": "y"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/consents/")

    fresh(session)
    record = session.get(ConsentRecord, family.record.id)
    assert record.withdrawn_at is not None
    # The pupil: out of the class and its chats, the account disabled (no other consent).
    pupil = session.get(User, family.pupil.id)
    assert pupil.status == "disabled"
    assert session.query(Membership).filter_by(user_id=pupil.id, left_at=None).count() == 0
    assert session.query(ChatMember).filter_by(user_id=pupil.id, left_at=None).count() == 0
    # The mother had no other child in 2Б: out of its parents' chat and of the class.
    assert session.query(ChatMember).filter_by(user_id=family.mother.id, left_at=None).count() == 0
    assert session.query(Membership).filter_by(user_id=family.mother.id, role="parent", left_at=None).count() == 0
    # Her own account and consent stay.
    assert session.get(User, family.mother.id).status == "active"
    assert session.query(ConsentRecord).filter_by(subject_id=family.mother.id, kind="personal_data",
                                                  withdrawn_at=None).count() == 1
    fresh(session)
    # The pupil's session has ended.
    assert family.pupil_client.get("/consents/").status_code == 302

    # Queued in the outbox for the parent and the homeroom teacher, in Russian.
    assert len(_outbox(session, "teacher@school.ru")) == 1
    subject, text = _letters(sent_mail, "mama@mail.ru")[-1]
    assert subject == "Сидоров Петя: согласие на обработку персональных данных отозвано"
    assert text.startswith("Здравствуйте!")
    assert re.search(r"отозвано \d{1,2} ноября \d{4}\.", text)
    assert "Ученик: Сидоров Петя, класс 2Б, «Школа №\u00a01»." in text
    assert "Кто отозвал: родитель, Петрова А. С." in text
    assert "Сидоров Петя больше не в списке класса 2Б и не участвует в чатах организации." in text
    assert "Учётная запись отключена" in text
    assert "Вы выведены из списка родителей класса 2Б и из их чатов" in text
    assert "хранятся ещё 30 дней" in text
    [(subject, text)] = _letters(sent_mail, "teacher@school.ru")
    assert subject == "Сидоров Петя: согласие на обработку персональных данных отозвано"
    assert text.startswith("Здравствуйте, Ольга!")
    assert "Кто отозвал: родитель, Петрова А. С." in text
    assert "Сидоров Петя больше не в списке класса 2Б" in text
    assert "Из списка родителей класса 2Б и из их чатов выведены: Петрова А. С." in text

    page = family.parent_client.get("/consents/")
    assert "Отозвано" in page.text and f"/consents/{family.record.id}/withdraw" not in page.text


def test_a_parent_with_another_child_in_the_class_stays_in_the_parents_chat(session, family, make_user,
                                                                           make_member, sent_mail):
    sister = make_user(email=None, login="masha.sidorova", last_name="Сидорова", first_name="Маша")
    make_member(sister, family.org, "student", unit="2Б")
    session.add(ParentLink(org_id=family.org.id, unit_id=unit_named(session, family.org, "2Б").id,
                           parent_id=family.mother.id, child_id=sister.id, status="confirmed", created_at=utcnow(),
                           decided_at=utcnow()))
    session.commit()
    response = family.parent_client.post(f"/consents/{family.record.id}/withdraw", data={"sure": "y"})
    assert response.status_code == 302

    fresh(session)
    assert session.query(Membership).filter_by(user_id=family.pupil.id, left_at=None).count() == 0
    assert session.query(ChatMember).filter_by(user_id=family.mother.id, chat_id=family.parents_chat.id,
                                               left_at=None).count() == 1
    assert session.query(Membership).filter_by(user_id=family.mother.id, role="parent", left_at=None).count() == 1
    _subject, text = _letters(sent_mail, "mama@mail.ru")[-1]
    assert "Сидоров Петя больше не в списке класса 2Б" in text and "Вы выведены" not in text
    [(_subject, text)] = _letters(sent_mail, "teacher@school.ru")
    assert "Сидоров Петя больше не в списке класса 2Б" in text and "Из списка родителей" not in text


def test_a_pupil_who_consented_themselves_withdraws_and_parents_and_teacher_are_told(
        app, client, session, make_org, make_user, make_member, sent_mail):
    from onboarding.consent import operations as consent

    org = make_org()
    pupil = make_user(email="vanya@mail.ru", last_name="Орлов", first_name="Ваня")
    make_member(pupil, org, "student", unit="9В")
    record = consent.record_consent(session, org_id=org.id, subject_id=pupil.id, kind="personal_data",
                                    text="Согласие", version="2026-11-01", now=utcnow(), ip=None, user_agent=None)
    father = make_user(email="papa@mail.ru", last_name="Орлов", first_name="Илья")
    make_member(father, org, "parent", unit="9В", confirmed_child=None)
    session.add(ParentLink(org_id=org.id, unit_id=unit_named(session, org, "9В").id, parent_id=father.id,
                           child_id=pupil.id, status="confirmed", created_at=utcnow()))
    teacher = make_user(email="lead@school.ru", first_name="Мария")
    make_member(teacher, org, "teacher", unit="9В", is_lead=True)
    session.commit()
    fresh(session)

    client.post("/login", data={"identifier": "vanya@mail.ru", "password": "correct horse battery staple"})
    assert f"/consents/{record.id}/withdraw" in client.get("/consents/").text
    assert client.post(f"/consents/{record.id}/withdraw", data={"sure": "y"}).status_code == 302

    fresh(session)
    assert session.get(User, pupil.id).status == "disabled"
    assert session.query(Membership).filter_by(user_id=father.id, left_at=None).count() == 0
    for to in ("papa@mail.ru", "lead@school.ru"):
        _subject, text = _letters(sent_mail, to)[-1]
        assert "Кто отозвал: Орлов Ваня лично." in text
        assert "Орлов Ваня больше не в списке класса 9В" in text
