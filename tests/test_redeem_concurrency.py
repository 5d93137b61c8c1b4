"""Redemption through the site under concurrency, on SQLite and PostgreSQL:
32 logged-in parents press «accept» on a 3-use link at the same moment, one
parent taps twice, one pupil sends two class links at once."""
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

from sqlalchemy import func, select
from support import PASSWORD

from onboarding.models import Invite, InviteRedemption, Membership

WORKERS = 32


def _clients(app, emails):
    clients = []
    for email in emails:
        client = app.test_client()
        response = client.post("/login", data={"identifier": email, "password": PASSWORD})
        assert response.status_code == 302, email
        clients.append(client)
    return clients


def _at_once(clients, path, data):
    start = threading.Barrier(len(clients), timeout=60)

    def press(client):
        start.wait()
        return client.post(path, data=data)

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        return list(pool.map(press, clients))


def _count(session, model, *where):
    session.rollback()
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_32_parents_accept_a_3_use_link_at_once(app, session, make_org, make_user, make_invite):
    org = make_org()
    invite, link = make_invite(org, kind="parent", unit="5А", max_uses=3)
    emails = [make_user(email=f"parent{n}@mail.ru").email for n in range(WORKERS)]
    clients = _clients(app, emails)
    responses = _at_once(clients, "/register/redeem/" + link.removeprefix("/i/"),
                         {"step": "confirm", "child_name": "Петров Коля", "agree": "y"})
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(302) == 3 and statuses.count(410) == WORKERS - 3
    used_up = [r for r in responses if r.status_code == 410]
    assert all("Ссылка уже использована" in r.get_data(as_text=True) for r in used_up)
    assert _count(session, Invite, Invite.id == invite.id, Invite.uses == 3) == 1
    assert _count(session, InviteRedemption, InviteRedemption.invite_id == invite.id) == 3
    assert _count(session, Membership, Membership.invite_id == invite.id) == 3


def test_a_double_tap_takes_one_use(app, session, make_org, make_user, make_invite):
    org = make_org()
    invite, link = make_invite(org, kind="parent", unit="5А", max_uses=10)
    email = make_user(email="mama@mail.ru").email
    responses = _at_once(_clients(app, [email, email]), "/register/redeem/" + link.removeprefix("/i/"),
                         {"step": "confirm", "child_name": "Петров Коля", "agree": "y"})
    assert sorted(r.status_code for r in responses) == [302, 403]  # the second: «you are already here»
    assert _count(session, Invite, Invite.id == invite.id, Invite.uses == 1) == 1
    assert _count(session, Membership, Membership.invite_id == invite.id) == 1


def test_a_pupil_sending_two_class_links_at_once_ends_in_one_class(app, session, make_org, make_user, make_invite):
    org = make_org()
    _first, first_link = make_invite(org, kind="student", unit="9В")
    _second, second_link = make_invite(org, kind="student", unit="5А")
    pupil = make_user(email="pupil@mail.ru")
    pupil.birth_date = date(2009, 3, 1)
    session.commit()
    one, two = _clients(app, [pupil.email, pupil.email])
    start = threading.Barrier(2, timeout=60)

    def press(client, link):
        start.wait()
        return client.post("/register/redeem/" + link.removeprefix("/i/"), data={"step": "confirm", "agree": "y"})

    with ThreadPoolExecutor(max_workers=2) as pool:
        responses = list(pool.map(press, [one, two], [first_link, second_link]))
    assert sorted(r.status_code for r in responses) == [302, 403]
    assert _count(session, Membership, Membership.user_id == pupil.id, Membership.role == "student") == 1
