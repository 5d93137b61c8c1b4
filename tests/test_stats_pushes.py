"""Synapse resends a transaction whose answer it didn't get (a timeout, a
lost connection), under the same or, after a restart, another transaction
id: the messages in it are counted once, even when the copies arrive at
the same moment."""
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from test_registration_roles import _chat, fresh
from test_stats import _message, _room

from onboarding.matrix.inbound import forget_handled
from onboarding.models import ChatWeekCount, MatrixEvent, utcnow

TOKEN = {"Authorization": "Bearer hs"}


def _messages_counted(session, chat):
    return sum(row.messages for row in fresh(session).query(ChatWeekCount).filter_by(chat_id=chat.id))


def _push(client, txn_id, events):
    return client.put(f"/_matrix/app/v1/transactions/{txn_id}", json={"events": events}, headers=TOKEN)


def test_a_resent_transaction_is_counted_once_and_another_one_counts(app, client, session, make_org):
    app.config["MATRIX_HS_TOKEN"] = "hs"
    org = make_org()
    chat = _chat(session, org, "parents", "2Б")
    _room(session, chat, "!a:school.test")
    first = [_message("!a:school.test", 1), _message("!a:school.test", 2)]
    for txn_id in ("7", "7", "1"):  # resent, then resent again after a restart of the homeserver
        assert _push(client, txn_id, first).status_code == 200
    assert _messages_counted(session, chat) == 2
    # Another transaction with other messages counts, even under a used id.
    assert _push(client, "7", [_message("!a:school.test", 3)]).status_code == 200
    assert _push(client, "8", [_message("!a:school.test", 4), _message("!a:school.test", 5)]).status_code == 200
    assert _messages_counted(session, chat) == 5


def test_copies_of_a_transaction_pushed_at_the_same_moment_count_once(app, session, make_org):
    app.config["MATRIX_HS_TOKEN"] = "hs"
    org = make_org()
    chat = _chat(session, org, "parents", "2Б")
    _room(session, chat, "!a:school.test")
    events = [_message("!a:school.test", n) for n in range(3)]
    copies = 6
    start = threading.Barrier(copies, timeout=60)

    def push(_n):
        client = app.test_client()
        start.wait()
        return _push(client, "9", events).status_code

    with ThreadPoolExecutor(max_workers=copies) as pool:
        statuses = list(pool.map(push, range(copies)))
    assert statuses == [200] * copies  # Synapse isn't sent an error to retry on
    assert _messages_counted(session, chat) == 3


def test_a_push_resent_within_the_week_still_counts_once_and_older_ids_are_forgotten(app, client, session,
                                                                                    make_org):
    app.config["MATRIX_HS_TOKEN"] = "hs"
    org = make_org()
    chat = _chat(session, org, "parents", "2Б")
    _room(session, chat, "!a:school.test")
    pushed = [_message("!a:school.test", 1)]
    assert _push(client, "1", pushed).status_code == 200
    later = utcnow() + timedelta(days=6)
    assert forget_handled(session, now=later) == 0
    session.commit()
    assert _push(client, "1", pushed).status_code == 200
    assert _messages_counted(session, chat) == 1
    assert forget_handled(session, now=utcnow() + timedelta(days=8)) == 1
    session.commit()
    assert fresh(session).query(MatrixEvent).count() == 0
