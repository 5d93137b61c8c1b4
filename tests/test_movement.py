"""Movement of pupils: transferred one at a time or a whole class up a grade,
and leaving the organisation; their parents follow (operations and pages)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from support import form_errors, unit_named

from onboarding import texts
from onboarding.chats import operations as chats
from onboarding.consent import operations as consent
from onboarding.core.errors import NotFound
from onboarding.models import ChatMember, Membership, ParentLink, RosterEntry, User, utcnow
from onboarding.people import members, retention
from onboarding.staff import departures, history, movement


def _rules(session, user, org):
    consent.accept_chat_rules(session, user_id=user.id, org_id=org.id, text="rules",
                              version=texts.CHAT_RULES_VERSION, now=utcnow(), ip=None, user_agent=None)
    session.commit()


def _join_all(session, user, org):
    for chat in chats.eligible_chats(session, user.id, org.id):
        chats.join_chat(session, chat.id, user_id=user.id, now=utcnow())
    session.commit()


def _chat_titles(session, user, org):
    return sorted(chat.title for chat in chats.joined_chats(session, user.id, org.id) if chat.unit_id)


def _offered(session, user, org):
    members.forget_memberships(session)
    return sorted(chat.title for chat in chats.eligible_chats(session, user.id, org.id) if chat.unit_id)


@pytest.fixture
def school(session, make_org, make_user, make_member):
    """A school with 2Б: a pupil (with a line on the class list), their parent
    in both chats; an administrator."""
    org = make_org(units="2Б 3А 11А")
    admin = make_user(email="admin@school.ru", last_name="Админова")
    make_member(admin, org, "admin")
    parent = make_user(email="mama@mail.ru", last_name="Петрова")
    make_member(parent, org, "parent", unit="2Б", confirmed_child="Петров Коля")
    link = session.scalars(select(ParentLink).where(ParentLink.parent_id == parent.id)).one()
    pupil = session.get(User, link.child_id)
    entry = RosterEntry(org_id=org.id, unit_id=unit_named(session, org, "2Б").id, full_name="Петров Коля",
                        name_key="коля петров", pupil_id=pupil.id, created_at=utcnow())
    session.add(entry)
    session.flush()
    link.roster_entry_id = entry.id
    session.commit()
    for user in (parent, pupil):
        _rules(session, user, org)
        _join_all(session, user, org)
    return org, admin, parent, pupil


def test_transfer_moves_pupil_list_links_and_parent(session, school):
    org, admin, parent, pupil = school
    assert _chat_titles(session, parent, org) == ["Родители класса 2Б"]
    result = movement.transfer_pupil(session, org.id, pupil.id, unit_named(session, org, "3А").id,
                                     actor_id=admin.id, now=utcnow())
    session.commit()
    assert [p.id for p in result.parents] == [parent.id]
    held = session.scalars(select(Membership).where(Membership.user_id == pupil.id)
                           .order_by(Membership.id)).all()
    assert [(m.unit.name, m.left_at is None) for m in held] == [("2Б", False), ("3А", True)]  # history kept
    link = session.scalars(select(ParentLink).where(ParentLink.parent_id == parent.id)).one()
    assert link.unit_id == unit_named(session, org, "3А").id
    entries = session.scalars(select(RosterEntry).where(RosterEntry.pupil_id == pupil.id)
                              .order_by(RosterEntry.id)).all()
    assert [(e.unit_id == link.unit_id, e.left_at is None) for e in entries] == [(False, False), (True, True)]
    assert link.roster_entry_id == entries[1].id
    parent_units = {m.unit.name for m in members.memberships_of(session, parent.id, org.id)}
    assert parent_units == {"3А"}
    # out of the old chats, offered the new ones (not joined: joining is voluntary)
    assert _chat_titles(session, parent, org) == []
    assert _chat_titles(session, pupil, org) == []
    assert _offered(session, parent, org) == ["Родители класса 3А"]
    assert _offered(session, pupil, org) == ["Чат класса 3А"]
    assert [(e.kind, e.details["from_unit"], e.details["to_unit"]) for e in history.history_of(
        session, org.id, pupil.id)] == [("transferred", "2Б", "3А")]


def test_parent_with_another_child_keeps_the_old_unit(session, school, make_user):
    org, admin, parent, pupil = school
    unit = unit_named(session, org, "2Б")
    sister = make_user(email=None, login="sister", last_name="Петрова", first_name="Оля")
    session.add(Membership(org_id=org.id, user_id=sister.id, unit_id=unit.id, role="student", created_at=utcnow()))
    session.add(ParentLink(org_id=org.id, unit_id=unit.id, parent_id=parent.id, child_id=sister.id,
                           status="confirmed", created_at=utcnow()))
    session.commit()
    movement.transfer_pupil(session, org.id, pupil.id, unit_named(session, org, "3А").id, actor_id=admin.id,
                            now=utcnow())
    session.commit()
    assert {m.unit.name for m in members.memberships_of(session, parent.id, org.id)} == {"2Б", "3А"}
    assert _chat_titles(session, parent, org) == ["Родители класса 2Б"]
    assert _offered(session, parent, org) == ["Родители класса 2Б", "Родители класса 3А"]


def test_transfer_refusals(session, school, make_org):
    org, admin, _parent, pupil = school
    other = make_org(name="Школа № 2", units="3А")
    with pytest.raises(NotFound):  # another organisation's class
        movement.transfer_pupil(session, org.id, pupil.id, unit_named(session, other, "3А").id,
                                actor_id=admin.id, now=utcnow())
    session.rollback()
    with pytest.raises(movement.SameUnit):
        movement.transfer_pupil(session, org.id, pupil.id, unit_named(session, org, "2Б").id,
                                actor_id=admin.id, now=utcnow())
    session.rollback()
    with pytest.raises(NotFound):  # an adult is no pupil
        movement.transfer_pupil(session, org.id, admin.id, unit_named(session, org, "3А").id,
                                actor_id=admin.id, now=utcnow())


def test_whole_class_moves_up_with_exceptions(session, school, make_user):
    org, admin, parent, pupil = school
    unit = unit_named(session, org, "2Б")
    stays = make_user(email=None, login="stays", last_name="Сидоров")
    session.add(Membership(org_id=org.id, user_id=stays.id, unit_id=unit.id, role="student", created_at=utcnow()))
    session.commit()
    result = movement.promote_class(session, org, unit.id, staying={stays.id}, actor_id=admin.id, now=utcnow())
    session.commit()
    assert result.created and result.to_unit.name == "3Б" and result.to_unit.grade == 3
    assert [t.pupil.id for t in result.transfers] == [pupil.id]
    assert movement.pupil_membership(session, org.id, pupil.id).unit.name == "3Б"
    assert movement.pupil_membership(session, org.id, stays.id).unit.name == "2Б"
    assert _offered(session, parent, org) == ["Родители класса 3Б"]


def test_grade_eleven_does_not_move_up(session, school):
    org, admin, *_ = school
    with pytest.raises(movement.CannotMoveUp):
        movement.promote_class(session, org, unit_named(session, org, "11А").id, staying=set(),
                               actor_id=admin.id, now=utcnow())


def test_pupil_leaves_with_parents(session, school):
    org, admin, parent, pupil = school
    now = utcnow()
    result = departures.pupil_leaves(session, org.id, pupil.id, actor_id=admin.id, now=now, reason="переезд")
    session.commit()
    assert [p.id for p in result.parents_removed] == [parent.id] and result.account_closed
    assert session.get(User, pupil.id).status == "disabled"
    assert _chat_titles(session, pupil, org) == [] and _chat_titles(session, parent, org) == []
    assert members.memberships_of(session, pupil.id, org.id) == []
    assert members.memberships_of(session, parent.id, org.id) == []
    # the retention clock runs from the leaving: deleted 30 days on, not before
    assert pupil.id not in {uid for uid, _ in retention.departed(session, now=now + timedelta(days=29))}
    assert pupil.id in {uid for uid, _ in retention.departed(session, now=now + timedelta(days=31))}
    assert [e.kind for e in history.history_of(session, org.id, pupil.id)] == ["left"]


def test_leaving_pupil_takes_only_themselves_when_a_sibling_stays(session, school, make_user):
    org, admin, parent, pupil = school
    unit = unit_named(session, org, "2Б")
    sister = make_user(email=None, login="sister", last_name="Петрова", first_name="Оля")
    session.add(Membership(org_id=org.id, user_id=sister.id, unit_id=unit.id, role="student", created_at=utcnow()))
    session.add(ParentLink(org_id=org.id, unit_id=unit.id, parent_id=parent.id, child_id=sister.id,
                           status="confirmed", created_at=utcnow()))
    session.commit()
    result = departures.pupil_leaves(session, org.id, pupil.id, actor_id=admin.id, now=utcnow())
    session.commit()
    assert result.parents_removed == []
    assert _chat_titles(session, parent, org) == ["Родители класса 2Б"]
    assert _chat_titles(session, pupil, org) == []
    left = session.scalars(select(ChatMember).where(ChatMember.user_id == pupil.id)).all()
    assert left and all(row.left_at is not None for row in left)


# --- Pages ---------------------------------------------------------------------


def _admin_client(session, client, auth, school):
    org, admin, parent, pupil = school
    session.rollback()
    auth.login("admin@school.ru")
    return org, admin, parent, pupil


def test_admin_moves_a_pupil_and_the_parent_is_told(session, client, auth, school, sent_mail):
    org, _admin, parent, pupil = _admin_client(session, client, auth, school)
    page = client.get(f"/org/{org.id}/staff/people/{pupil.id}")
    assert page.status_code == 200 and "Перевести" in page.text and len(page.data) < 20_000
    org_id, target_id, pupil_id = org.id, unit_named(session, org, "3А").id, pupil.id
    session.rollback()
    response = client.post(f"/org/{org_id}/staff/people/{pupil_id}/transfer", data={"transfer-unit": target_id})
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "Перевод из 2Б в 3А" in page.text
    letter = next(m for m in sent_mail if m["To"] == parent.email)
    body = letter.get_content()
    assert "3А" in letter["Subject"] and "переведён из 2Б в 3А" in body
    assert f"/chats/org/{org.id}" in body
    session.expire_all()
    assert movement.pupil_membership(session, org.id, pupil.id).unit.name == "3А"


def test_moving_to_another_organisation_or_garbage_is_refused(session, client, auth, school, make_org):
    org, _admin, _parent, pupil = _admin_client(session, client, auth, school)
    other = make_org(name="Школа № 2", units="3А")
    foreign = unit_named(session, other, "3А").id
    url = f"/org/{org.id}/staff/people/{pupil.id}/transfer"
    session.rollback()
    assert client.post(url, data={"transfer-unit": foreign}).status_code == 404
    for hostile in ("abc", "", "1 OR 1=1", "９"):
        response = client.post(url, data={"transfer-unit": hostile})
        assert response.status_code == 400 and form_errors(response.text) == ["Выберите из списка."]
    session.expire_all()
    assert movement.pupil_membership(session, org.id, pupil.id).unit.name == "2Б"


def test_only_administrators_see_movement(session, client, auth, school, make_user, make_member, make_org):
    org, _admin, parent, pupil = school
    teacher = make_user(email="t@school.ru")
    make_member(teacher, org, "teacher")
    session.rollback()
    auth.login("t@school.ru")
    for url in (f"/org/{org.id}/staff/", f"/org/{org.id}/staff/people/{pupil.id}"):
        assert client.get(url).status_code == 403
    assert client.post(f"/org/{org.id}/staff/people/{pupil.id}/leave",
                       data={"pupil-confirm": "y"}).status_code == 403
    auth.logout()
    other = make_org(name="Школа № 2")
    stranger = make_user(email="s@school.ru")
    make_member(stranger, other, "admin")
    session.rollback()
    auth.login("s@school.ru")
    assert client.get(f"/org/{org.id}/staff/").status_code == 404
    assert client.get(f"/org/{other.id}/staff/people/{pupil.id}").status_code == 404


def test_whole_class_moves_up_on_the_page(session, client, auth, school, make_user, sent_mail):
    org, _admin, parent, pupil = school
    unit = unit_named(session, org, "2Б")
    stays = make_user(email=None, login="stays", last_name="Сидоров")
    session.add(Membership(org_id=org.id, user_id=stays.id, unit_id=unit.id, role="student", created_at=utcnow()))
    session.commit()
    _admin_client(session, client, auth, school)
    url, stays_id = f"/org/{org.id}/staff/units/{unit.id}", stays.id
    session.rollback()
    page = client.get(url)
    assert "2Б → 3Б" in page.text and len(page.data) < 20_000
    url += "/promote"
    refused = client.post(url, data={"staying": str(stays_id)})
    assert refused.status_code == 400 and form_errors(refused.text) == ["Отметьте, чтобы подтвердить."]
    assert 'value="%d" checked' % stays_id in refused.text  # the ticks kept
    response = client.post(url, data={"staying": [str(stays_id), "junk"], "promote-confirm": "y"})
    assert response.status_code == 302
    session.expire_all()
    assert movement.pupil_membership(session, org.id, pupil.id).unit.name == "3Б"
    assert movement.pupil_membership(session, org.id, stays.id).unit.name == "2Б"
    assert any(m["To"] == parent.email and "3Б" in m["Subject"] for m in sent_mail)


def test_pupil_leaves_on_the_page(session, client, auth, school, sent_mail):
    org, _admin, parent, pupil = school
    url = f"/org/{org.id}/staff/people/{pupil.id}/leave"
    _admin_client(session, client, auth, school)
    refused = client.post(url, data={"pupil-reason": "пере\u202eезд", "pupil-confirm": "y"})
    assert refused.status_code == 400 and form_errors(refused.text)
    response = client.post(url, data={"pupil-reason": "переезд", "pupil-confirm": "y"})
    assert response.status_code == 302
    letter = next(m for m in sent_mail if m["To"] == parent.email)
    assert "выбытие" in letter["Subject"]
    assert "Вы выведены из чатов 2Б: другого вашего ребёнка там нет." in letter.get_content()
    page = client.get(f"/org/{org.id}/staff/people/{pupil.id}")
    assert "Выбытие из организации (переезд)" in page.text
    session.expire_all()
    assert session.get(User, pupil.id).status == "disabled"


def test_an_archived_next_class_refuses_the_move_on_the_page(session, client, auth, school):
    from onboarding.orgs import structure

    org, _admin, _parent, pupil = school
    specs, _bad = structure.parse_class_names("3Б")
    structure.create_units(session, org, specs, actor_id=None, now=utcnow())[0].archived_at = utcnow()
    session.commit()
    url, pupil_id = f"/org/{org.id}/staff/units/{unit_named(session, org, '2Б').id}/promote", pupil.id
    _admin_client(session, client, auth, school)
    refused = client.post(url, data={"promote-confirm": "y"})
    assert refused.status_code == 400
    assert form_errors(refused.text) == ["Класс 3Б в архиве: перевести в него учеников нельзя."]
    session.rollback()
    assert movement.pupil_membership(session, org.id, pupil_id).unit.name == "2Б"


def test_the_reason_typed_about_a_leaver_goes_with_their_data(session, school):
    org, admin, parent, pupil = school
    now = utcnow()
    departures.pupil_leaves(session, org.id, pupil.id, actor_id=admin.id, now=now, reason="переезд к бабушке")
    session.commit()
    assert history.history_of(session, org.id, pupil.id)[0].details.get("reason") == "переезд к бабушке"
    retention.purge_departed(session, now=now + timedelta(days=31), key="k")
    session.commit()
    session.expire_all()
    line = history.history_of(session, org.id, pupil.id)[0]
    assert line.kind == "left" and "reason" not in line.details
