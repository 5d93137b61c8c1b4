"""Movement on a real Synapse: the rooms follow the site's changes."""
import pytest
from sqlalchemy import select
from matrix_support import daytime_zone
from test_chats import _rules
from test_matrix import _client, mxid_of, room_members
from test_registration_roles import _chat

from onboarding.matrix.worker import run_due
from onboarding.models import MatrixRoom, ParentLink


@pytest.fixture
def app(matrix_app):
    return matrix_app


def test_a_moved_pupils_parent_leaves_the_old_room_and_joins_the_new(app, client, session, auth, make_org,
                                                                      make_user, make_member):
    org = make_org(timezone=daytime_zone(), units="2Б 3Б")
    admin = make_user(email="admin@school.ru")
    make_member(admin, org, "admin")
    parent = make_user(email="p@mail.ru", last_name="Смирнова", first_name="Анна")
    make_member(parent, org, "parent", unit="2Б", confirmed_child="Смирнов Петя")
    _rules(session, parent, org)
    old_chat, new_chat = _chat(session, org, "parents", "2Б"), _chat(session, org, "parents", "3Б")
    pupil_id = session.scalars(select(ParentLink.child_id).where(ParentLink.parent_id == parent.id)).one()
    org_id, new_unit_id = org.id, new_chat.unit_id
    session.rollback()
    auth.login("p@mail.ru")
    client.post(f"/chats/{old_chat.id}/join")
    mxid = mxid_of(session, parent)
    assert room_members(app, session, old_chat)[mxid] == "join"
    auth.logout()
    auth.login("admin@school.ru")
    response = client.post(f"/org/{org_id}/staff/people/{pupil_id}/transfer", data={"transfer-unit": new_unit_id})
    assert response.status_code == 302
    assert room_members(app, session, old_chat)[mxid] == "leave"  # kicked by the site
    auth.logout()
    auth.login("p@mail.ru")
    offered = client.get(f"/chats/org/{org_id}")
    assert "Родители класса 3Б" in offered.text and "Родители класса 2Б" not in offered.text
    client.post(f"/chats/{new_chat.id}/join")
    assert room_members(app, session, new_chat)[mxid] == "join"


def test_a_leaving_employee_is_out_of_every_room_and_the_successor_moderates(app, client, session, auth, make_org,
                                                                             make_user, make_member):
    org = make_org(timezone=daytime_zone(), units="2Б")
    admin = make_user(email="admin@school.ru")
    make_member(admin, org, "admin")
    lead = make_user(email="lead@school.ru", last_name="Петрова", first_name="Ольга")
    make_member(lead, org, "teacher")
    make_member(lead, org, "teacher", unit="2Б", is_lead=True)
    successor = make_user(email="next@school.ru", last_name="Кузнецова", first_name="Мария")
    make_member(successor, org, "teacher")
    _rules(session, successor, org)
    staff_chat = _chat(session, org, "staff")
    unit_chats = [_chat(session, org, kind, "2Б") for kind in ("class", "parents", "teachers")]
    org_id, lead_id, successor_id = org.id, lead.id, successor.id
    session.rollback()
    auth.login("lead@school.ru")
    client.post(f"/chats/org/{org_id}/rules", data={"agree": "y"})  # joins the class's chats as moderator
    client.post(f"/chats/{staff_chat.id}/join")
    lead_mxid = mxid_of(session, lead)
    for chat in [staff_chat, *unit_chats]:
        assert room_members(app, session, chat)[lead_mxid] == "join"
    auth.logout()
    auth.login("admin@school.ru")
    response = client.post(f"/org/{org_id}/staff/people/{lead_id}/depart",
                           data={"leave-confirm": "y", "leave-successor": str(successor_id)})
    assert response.status_code == 302
    successor_mxid = mxid_of(session, successor)
    for chat in [staff_chat, *unit_chats]:
        assert room_members(app, session, chat)[lead_mxid] == "leave"
    for chat in unit_chats:
        assert room_members(app, session, chat)[successor_mxid] == "join"
        room_id = session.get(MatrixRoom, chat.id).room_id
        assert _client(app).state(room_id, "m.room.power_levels")["users"] == {successor_mxid: 50}


def test_a_class_moved_up_is_left_to_the_worker_and_the_page_says_so(app, client, session, auth, make_org,
                                                                     make_user, make_member):
    """A change of more homeserver tasks than one request applies (a whole
    class: about 80 kicks) answers at once; the worker brings the rooms up
    to date, and the administrator is told the chats follow shortly."""
    app.config["MATRIX_SYNC_AFTER_COMMIT_MAX"] = 1
    org = make_org(timezone=daytime_zone(), units="2Б")
    admin = make_user(email="admin@school.ru")
    make_member(admin, org, "admin")
    parents = []
    for number, (surname, child) in enumerate([("Смирнова", "Смирнов Петя"), ("Иванова", "Иванов Коля")]):
        parent = make_user(email=f"p{number}@mail.ru", last_name=surname, first_name="Анна")
        make_member(parent, org, "parent", unit="2Б", confirmed_child=child)
        _rules(session, parent, org)
        parents.append(parent)
    old_chat = _chat(session, org, "parents", "2Б")
    org_id, unit_id = org.id, old_chat.unit_id
    session.rollback()
    for number in range(2):
        auth.login(f"p{number}@mail.ru")
        client.post(f"/chats/{old_chat.id}/join")
        auth.logout()
    mxids = [mxid_of(session, parent) for parent in parents]
    assert [room_members(app, session, old_chat)[mxid] for mxid in mxids] == ["join", "join"]
    auth.login("admin@school.ru")
    response = client.post(f"/org/{org_id}/staff/units/{unit_id}/promote", data={"promote-confirm": "y"},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "Чаты обновятся в течение нескольких минут" in response.text
    assert [room_members(app, session, old_chat)[mxid] for mxid in mxids] == ["join", "join"]
    with app.app_context():
        done, failed = run_due(app=app)
    assert done >= 2 and failed == 0
    assert [room_members(app, session, old_chat)[mxid] for mxid in mxids] == ["leave", "leave"]
