"""Consent records: their contents, «My consents», withdrawing, chat rules versions."""
import hashlib

from support import PASSWORD
from test_registration_roles import _chat, fresh

from onboarding import texts
from onboarding.models import ChatMember, ConsentRecord, Membership, ParentLink, User, utcnow


def _register_parent(client, register, make_invite, org, email="anna@mail.ru"):
    invite, link = make_invite(org, kind="parent", unit="2Б")
    register.adult(link, email=email, child_name="Петров Коля")
    register.client.post("/register/confirm", data={"code": register.code(email)})
    return register.client.post("/register/consent", data={"agree": "y"},
                                headers={"User-Agent": "Phone/1.0"}, environ_base={"REMOTE_ADDR": "192.0.2.7"})


def _teacher_confirms_the_child(session, org):
    """The class's teacher confirms the child the parent named (a kindergarten-style
    confirmation by name is enough for these tests of the rules)."""
    link = fresh(session).query(ParentLink).filter_by(org_id=org.id, status="pending").one()
    link.status, link.decided_at = "confirmed", utcnow()
    session.commit()


def test_the_personal_data_consent_record(app, client, session, make_org, make_invite, register):
    org = make_org(name="МБОУ «Школа № 7»")
    _register_parent(client, register, make_invite, org)
    user = fresh(session).query(User).filter_by(email="anna@mail.ru").one()
    record = session.query(ConsentRecord).filter_by(subject_id=user.id).one()
    text = texts.personal_data_text(org.name, org.kind)
    assert record.kind == "personal_data" and record.org_id == org.id
    assert record.text_version == texts.PERSONAL_DATA_VERSION
    assert record.text_sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert (record.ip, record.user_agent) == ("192.0.2.7", "Phone/1.0")
    assert (record.given_by_id, record.given_by_email, record.withdrawn_at) == (user.id, None, None)
    assert record.created_at is not None and record.created_at.tzinfo is not None


def test_the_consent_page_shows_the_operator_purposes_and_withdrawal(app, client, make_org, make_invite, register):
    org = make_org(name="МБОУ «Школа № 7»")
    invite, link = make_invite(org, kind="staff")
    register.adult(link)
    client.post("/register/confirm", data={"code": register.code()})
    page = client.get("/register/consent")
    for words in ("Оператор: МБОУ «Школа №\u00a07»", "Цель обработки", "Срок", "Как отозвать согласие",
                  texts.PERSONAL_DATA_VERSION):
        assert words in page.text


def test_chat_rules_are_recorded_with_their_version_and_asked_again_after_a_change(
        app, client, session, make_org, make_invite, register, monkeypatch):
    org = make_org()
    _register_parent(client, register, make_invite, org)
    _teacher_confirms_the_child(session, org)
    chat = _chat(session, org, "parents", "2Б")
    response = client.post(f"/chats/{chat.id}/join")
    assert response.status_code == 302 and "/rules" in response.headers["Location"]
    assert client.post(f"/chats/org/{org.id}/rules", data={"agree": "y"}).status_code == 302
    assert client.post(f"/chats/{chat.id}/join").status_code == 302
    records = fresh(session).query(ConsentRecord).filter_by(kind="chat_rules").all()
    assert [r.text_version for r in records] == [texts.CHAT_RULES_VERSION]
    fresh(session)

    old_version = texts.CHAT_RULES_VERSION
    monkeypatch.setattr(texts, "CHAT_RULES_VERSION", "2027-01-01")
    members = client.get(f"/chats/{chat.id}/members")
    assert members.status_code == 302 and "/rules" in members.headers["Location"]
    page = client.get(members.headers["Location"])
    assert "changed" in page.text or "изменились" in page.text
    assert client.post(f"/chats/org/{org.id}/rules", data={"agree": "y"}).status_code == 302
    assert client.get(f"/chats/{chat.id}/members").status_code == 200
    versions = [r.text_version for r in fresh(session).query(ConsentRecord).filter_by(kind="chat_rules")
                .order_by(ConsentRecord.id)]
    assert versions == [old_version, "2027-01-01"]


def test_my_consents_and_withdrawing_personal_data_consent(app, client, session, make_org, make_invite, register):
    org = make_org()
    _register_parent(client, register, make_invite, org)
    client.post(f"/chats/org/{org.id}/rules", data={"agree": "y"})
    chat = _chat(session, org, "parents", "2Б")
    client.post(f"/chats/{chat.id}/join")
    page = client.get("/consents/")
    assert texts.PERSONAL_DATA_VERSION in page.text
    record = fresh(session).query(ConsentRecord).filter_by(kind="personal_data").one()
    fresh(session)
    # The confirmation page changes nothing; the unticked form changes nothing.
    confirm = client.get(f"/consents/{record.id}/withdraw")
    assert confirm.status_code == 200 and 'method="post"' in confirm.text
    assert client.post(f"/consents/{record.id}/withdraw", data={}).status_code == 200
    assert fresh(session).get(ConsentRecord, record.id).withdrawn_at is None
    fresh(session)
    response = client.post(f"/consents/{record.id}/withdraw", data={"sure": "y"})
    assert response.status_code == 302
    fresh(session)
    user = session.query(User).filter_by(email="anna@mail.ru").one()
    assert user.status == "disabled"
    assert session.get(ConsentRecord, record.id).withdrawn_at is not None
    assert session.query(ChatMember).filter_by(user_id=user.id, left_at=None).count() == 0
    assert session.query(Membership).filter_by(user_id=user.id, left_at=None).count() == 0
    fresh(session)
    # Logged out, and can't log in again.
    assert client.get("/consents/").status_code == 302
    assert client.post("/login", data={"identifier": "anna@mail.ru", "password": PASSWORD}).status_code == 200


def test_someone_elses_consent_cant_be_seen_or_withdrawn(app, client, session, make_org, make_invite, register,
                                                         make_user, auth):
    org = make_org()
    _register_parent(client, register, make_invite, org)
    record = fresh(session).query(ConsentRecord).one()
    fresh(session)
    client.post("/logout")
    make_user(email="other@mail.ru")
    auth.login("other@mail.ru")
    assert client.get(f"/consents/{record.id}/withdraw").status_code == 404
    assert client.post(f"/consents/{record.id}/withdraw", data={"sure": "y"}).status_code == 404
    assert fresh(session).get(ConsentRecord, record.id).withdrawn_at is None
