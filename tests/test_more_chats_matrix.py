"""A system channel on the real Synapse: its administrators write, everyone
else reads; the homeserver itself refuses a member's message (403)."""
import pytest
from matrix_support import daytime_zone
from test_chats import _rules
from test_matrix import _client, mxid_of, room_members

from onboarding.matrix.client import MatrixError
from onboarding.models import Chat, MatrixRoom


@pytest.fixture
def app(matrix_app):
    return matrix_app


def test_a_channel_refuses_a_parents_message_in_the_engine_and_carries_the_administrators(
        app, client, session, auth, make_org, make_user, make_member):
    org = make_org(timezone=daytime_zone())
    admin = make_user(email="a@school.ru", last_name="Смирнова")
    parent = make_user(email="p@mail.ru", last_name="Петрова")
    make_member(admin, org, "admin")
    make_member(parent, org, "parent", unit="2Б")
    for user in (admin, parent):
        _rules(session, user, org)
    channel = session.query(Chat).filter_by(org_id=org.id, kind="channel", audience="all").one()
    session.rollback()
    for email in ("a@school.ru", "p@mail.ru"):
        auth.login(email)
        assert client.post(f"/chats/{channel.id}/join").status_code == 302
        auth.logout()
    members = room_members(app, session, channel)
    admin_mxid, parent_mxid = mxid_of(session, admin), mxid_of(session, parent)
    assert members[admin_mxid] == members[parent_mxid] == "join"
    room_id = session.get(MatrixRoom, channel.id).room_id
    synapse = _client(app)
    power = synapse.state(room_id, "m.room.power_levels")
    assert power["events_default"] == 50 and power["users"].get(admin_mxid) == 50
    assert parent_mxid not in power["users"]
    with pytest.raises(MatrixError) as refused:
        synapse.send_text(room_id, parent_mxid, "Здравствуйте", "t-parent")
    assert refused.value.status == 403
    assert synapse.send_text(room_id, admin_mxid, "Завтра собрание в 18:00.", "t-admin")
    # The parent reads it on the site, with no box to write.
    auth.login("p@mail.ru")
    page = client.get(f"/chats/{channel.id}")
    assert "Завтра собрание в 18:00." in page.text
    assert "В этом канале пишут только администраторы" in page.text and 'name="body"' not in page.text


def test_administrator_rights_given_and_taken_back_follow_in_the_channels_at_once(
        app, client, session, auth, make_org, make_user, make_member):
    """Power in a channel is the administrators' in force: granting the rights
    lets the new administrator write there at once, and taking them back
    stops it at once (not at the channel's next change)."""
    org = make_org(timezone=daytime_zone())
    admin = make_user(email="a@school.ru", last_name="Смирнова")
    teacher = make_user(email="t@school.ru", last_name="Петрова")
    make_member(admin, org, "admin")
    make_member(teacher, org, "teacher")
    _rules(session, teacher, org)
    channel = session.query(Chat).filter_by(org_id=org.id, kind="channel", audience="all").one()
    org_id, teacher_id = org.id, teacher.id
    session.rollback()
    auth.login("t@school.ru")
    assert client.post(f"/chats/{channel.id}/join").status_code == 302
    auth.logout()
    teacher_mxid = mxid_of(session, teacher)
    room_id = session.get(MatrixRoom, channel.id).room_id
    synapse = _client(app)
    assert teacher_mxid not in synapse.state(room_id, "m.room.power_levels")["users"]
    auth.login("a@school.ru")
    assert client.post(f"/org/{org_id}/staff/people/{teacher_id}/admin/grant").status_code == 302
    assert synapse.state(room_id, "m.room.power_levels")["users"].get(teacher_mxid) == 50
    assert client.post(f"/org/{org_id}/staff/people/{teacher_id}/admin/revoke").status_code == 302
    assert teacher_mxid not in synapse.state(room_id, "m.room.power_levels")["users"]
    with pytest.raises(MatrixError) as refused:
        synapse.send_text(room_id, teacher_mxid, "Объявление", "t-former-admin")
    assert refused.value.status == 403
