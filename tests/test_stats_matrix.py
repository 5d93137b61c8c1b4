"""Messages per week counted from the real Synapse's pushes."""
import re

import pytest
from matrix_support import daytime_zone, wait_for
from test_chats import _rules
from test_registration_roles import _chat

from onboarding.models import ChatWeekCount


@pytest.fixture
def app(matrix_app):
    return matrix_app


def test_three_messages_on_the_chat_page_show_as_three_this_week(app, client, session, auth, make_org, make_user,
                                                                  make_member):
    org = make_org(timezone=daytime_zone())
    make_member(make_user(email="admin@school.ru"), org, "admin")
    parent = make_user(email="p@mail.ru")
    make_member(parent, org, "parent", unit="2Б")
    _rules(session, parent, org)
    chat = _chat(session, org, "parents", "2Б")
    auth.login("p@mail.ru")
    client.post(f"/chats/{chat.id}/join")
    for n in range(3):
        assert client.post(f"/chats/{chat.id}", data={"body": f"Сообщение {n}", "txn": f"t-{n}"}).status_code == 302

    def counted():
        session.rollback()
        return sum(row.messages for row in session.query(ChatWeekCount).filter_by(chat_id=chat.id)) == 3
    assert wait_for(counted), "the homeserver's pushes did not reach the counter"
    auth.logout()
    auth.login("admin@school.ru")
    page = client.get(f"/org/{org.id}/stats/chats").text
    row = re.search(r"<th scope=\"row\">Родители класса 2Б</th>\s*<td>([^<]*)</td>\s*<td>(\d+)</td>", page)
    assert row and row.group(2) == "3", page
    assert "Сообщение" not in page
