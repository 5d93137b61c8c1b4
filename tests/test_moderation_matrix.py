"""Moderation on the real Synapse: a block mutes the member in the room (-1)
until it ends; a removed message disappears from the chat page."""
from datetime import timedelta

import pytest
from test_matrix import _client, mxid_of
from test_moderation import block, local_day, school, violate
from test_registration_roles import fresh

from onboarding.matrix.client import MatrixError
from onboarding.matrix.worker import run_due
from onboarding.models import MatrixRoom, utcnow
from onboarding.moderation import operations as moderation


@pytest.fixture
def app(matrix_app):
    return matrix_app


def _levels(app, session, chat) -> dict:
    room_id = fresh(session).get(MatrixRoom, chat.id).room_id
    return _client(app).state(room_id, "m.room.power_levels").get("users", {})


def test_a_blocked_member_is_muted_in_the_room_until_the_block_ends(app, client, session, auth, make_org,
                                                                    make_user, make_member):
    org, chat, teacher, parent, _other = school(session, make_org, make_user, make_member)
    with app.app_context():
        run_due()
    mxid = mxid_of(session, parent)
    auth.login("t@mail.ru")
    for _ in range(4):
        violate(client, chat, parent)
    assert block(client, chat, parent, local_day(org, 7)).status_code == 302
    assert _levels(app, session, chat).get(mxid) == -1
    room_id = fresh(session).get(MatrixRoom, chat.id).room_id
    with pytest.raises(MatrixError) as refused:
        _client(app).send_text(room_id, mxid, "Всё равно напишу", "blocked-1")
    assert refused.value.status == 403
    # The worker's round after the last day: the block ends, the member writes again.
    session.rollback()
    assert moderation.end_due_blocks(session, utcnow() + timedelta(days=9)) == 1
    session.commit()
    with app.app_context():
        run_due()
    assert mxid not in _levels(app, session, chat)
    _client(app).send_text(room_id, mxid, "Извините, больше не повторится", "unblocked-1")


def test_a_removed_message_disappears_from_the_chat_page(app, client, session, auth, make_org, make_user,
                                                         make_member):
    org, chat, teacher, parent, _other = school(session, make_org, make_user, make_member)
    with app.app_context():
        run_due()
    auth.login("p@mail.ru")
    client.post(f"/chats/{chat.id}", data={"body": "Грубое сообщение", "txn": "rude-1"})
    assert "Грубое сообщение" in client.get(f"/chats/{chat.id}").text
    assert "/moderation/chat" not in client.get(f"/chats/{chat.id}").text  # a parent has no «Удалить»
    auth.logout()
    auth.login("t@mail.ru")
    page = client.get(f"/chats/{chat.id}").text
    assert "Модерация" in page and "Удалить" in page
    event_id = page.split('name="event_id" value="')[1].split('"')[0]
    removed = client.post(f"/moderation/chat/{chat.id}/redact", data={"event_id": event_id},
                          follow_redirects=True)
    assert "Сообщение удалено" in removed.text and "Грубое сообщение" not in removed.text
    reminded = client.post(f"/moderation/chat/{chat.id}/remind", follow_redirects=True)
    assert "Правила опубликованы в чате" in reminded.text and "Напоминаю правила чата" in reminded.text
    auth.logout()
    auth.login("p@mail.ru")
    assert "Грубое сообщение" not in client.get(f"/chats/{chat.id}").text
