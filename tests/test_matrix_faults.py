"""A homeserver that hangs: the site waits at most its timeout, keeps the
change queued and never answers 500."""
import socket

import pytest
from test_chats import _rules
from test_registration_roles import _chat

from onboarding.matrix.worker import run_due
from onboarding.models import ChatMember, MatrixTask


@pytest.fixture
def silent_homeserver():
    """A port that accepts connections and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture
def app_config(app_config, silent_homeserver):
    app_config.update(MATRIX_URL=silent_homeserver, MATRIX_AS_TOKEN="as", MATRIX_HS_TOKEN="hs",
                      MATRIX_SHARED_SECRET="secret", MATRIX_TIMEOUT=0.5)
    return app_config


def test_a_hanging_homeserver_costs_one_timeout_and_no_500(app, client, session, auth, make_org, make_user,
                                                           make_member):
    org = make_org()
    parent = make_user(email="p@mail.ru")
    make_member(parent, org, "parent", unit="2Б")
    _rules(session, parent, org)
    chat = _chat(session, org, "parents", "2Б")
    session.rollback()
    auth.login("p@mail.ru")
    page = client.post(f"/chats/{chat.id}/join", follow_redirects=True)
    assert page.status_code == 200 and "откроется через минуту" in page.text
    session.rollback()
    # One call waited for the homeserver, not one per waiting change (the school's rooms wait too).
    assert session.query(MatrixTask).filter(MatrixTask.attempts > 0).count() == 1
    assert session.query(MatrixTask).filter(MatrixTask.done_at.is_(None)).count() > 1
    # The worker's round, too, stops at the first call that hangs: the rest wait for the next round.
    session.query(MatrixTask).update({"next_attempt_at": MatrixTask.created_at})
    session.commit()
    with app.app_context():
        done, failed = run_due(app=app)
    session.rollback()
    assert done == 0 and session.query(MatrixTask).filter(MatrixTask.attempts > 0).count() == 2
    assert session.query(ChatMember).filter_by(chat_id=chat.id, left_at=None).count() == 1
    assert session.query(MatrixTask).filter(MatrixTask.kind == "member", MatrixTask.done_at.is_(None)).count() == 1
    room = client.get(f"/chats/{chat.id}")
    assert room.status_code == 200 and "откроется через минуту" in room.text
    sent = client.post(f"/chats/{chat.id}", data={"body": "Алло"})
    assert sent.status_code == 503 and "Алло</textarea>" in sent.text
