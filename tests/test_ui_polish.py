"""What a parent sees when something goes wrong or needs a second look: the
error summary at the top of every form page, leaving a chat only after
asking, and Russian that reads naturally."""
import re

from test_chats import _rules
from test_registration_roles import _chat, fresh

from onboarding.models import ChatMember

SUMMARY = re.compile(r'<div class="error-summary"[^>]*>.*?</div>', re.S)


def summary_of(html: str) -> str:
    found = SUMMARY.search(html)
    assert found, "no error summary on the page"
    return found.group(0)


def test_the_login_form_summarises_its_errors_with_links_to_the_fields(app, client):
    response = client.post("/login", data={"identifier": "", "password": ""})
    assert response.status_code in (200, 422)
    summary = summary_of(response.text)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary and "autofocus" in summary
    assert "Проверьте, пожалуйста, форму" in summary
    assert re.search(r'<a href="#identifier">Электронная почта или логин: [^<]+</a>', summary)
    assert re.search(r'<a href="#password">Пароль: [^<]+</a>', summary)
    # The fields it links to are on the page, and the summary comes before the form.
    assert 'id="identifier"' in response.text and 'id="password"' in response.text
    assert response.text.index("error-summary") < response.text.index("<form", response.text.index("<main"))
    assert "autofocus" not in response.text.replace(summary, "")  # one element asks for the focus


def test_a_page_without_errors_has_no_summary(app, client):
    assert "error-summary" not in client.get("/login").text


def test_the_chat_rules_summary_links_to_the_box_and_comes_above_the_rules(app, client, auth, make_org, make_user,
                                                                          make_member):
    org = make_org()
    parent = make_user(email="p@mail.ru")
    make_member(parent, org, "parent", unit="2Б")
    auth.login("p@mail.ru")
    response = client.post(f"/chats/org/{org.id}/rules", data={"next": ""})
    summary = summary_of(response.text)
    assert ('<a href="#agree">Я прочитал(а) правила чатов и буду их соблюдать: '
            'Чтобы вступать в чаты, примите правила.</a>') in summary
    assert response.text.index("error-summary") < response.text.index('class="document"')
    assert response.text.count('class="error-summary"') == 1
    assert 'id="agree"' in response.text and 'aria-invalid="true"' in response.text


def test_a_radio_group_error_links_to_its_first_choice(app, client, auth, make_org, make_user, make_member):
    org = make_org()
    admin = make_user(email="admin@school.ru")
    make_member(admin, org, "admin")
    auth.login("admin@school.ru")
    response = client.post(f"/org/{org.id}/invites/new", data={
        "kind": "", "unit": "0", "expiry": "7d", "expires_on": "", "max_uses": "40", "extra": "none",
        "lead_unit": "0", "pupil_name": ""})
    assert response.status_code == 422
    summary = summary_of(response.text)
    assert '<a href="#kind-0">' in summary and 'id="kind-0"' in response.text


# --- Leaving a chat ----------------------------------------------------------


def test_leaving_a_chat_asks_first_and_is_not_called_like_logging_out(app, client, session, auth, make_org,
                                                                       make_user, make_member):
    org = make_org()
    parent = make_user(email="p@mail.ru")
    make_member(parent, org, "parent", unit="2Б")
    _rules(session, parent, org)
    chat = _chat(session, org, "parents", "2Б")
    auth.login("p@mail.ru")
    assert client.post(f"/chats/{chat.id}/join").status_code == 302

    mine = client.get("/chats/").text
    assert '>Покинуть чат</button>' in mine and 'aria-label="Покинуть чат «Родители класса 2Б»"' in mine
    main = mine[mine.index("<main"):]
    assert "Выйти" not in main  # «Выйти» is logging out, in the header only

    asked = client.post(f"/chats/{chat.id}/leave", data={"next": "/chats/"})
    assert asked.status_code == 200
    assert "<h1>Покинуть чат «Родители класса 2Б»?</h1>" in asked.text
    assert 'name="confirmed" value="yes"' in asked.text and '>Остаться в чате</a>' in asked.text
    assert 'href="/chats/"' in asked.text
    assert fresh(session).query(ChatMember).filter_by(user_id=parent.id, left_at=None).count() == 1

    done = client.post(f"/chats/{chat.id}/leave", data={"confirmed": "yes"}, follow_redirects=True)
    assert "Вы покинули чат «Родители класса 2Б»." in done.text
    assert fresh(session).query(ChatMember).filter_by(user_id=parent.id, left_at=None).count() == 0


def test_the_leave_question_is_not_asked_of_a_non_member(app, client, session, auth, make_org, make_user,
                                                         make_member):
    org = make_org()
    parent = make_user(email="p@mail.ru")
    make_member(parent, org, "parent", unit="2Б")
    chat = _chat(session, org, "parents", "2Б")
    auth.login("p@mail.ru")
    assert client.post(f"/chats/{chat.id}/leave").status_code == 404
    assert client.post(f"/chats/{chat.id}/leave", data={"confirmed": "yes"}).status_code == 404


# --- Russian that reads naturally ------------------------------------------------


def test_a_used_up_link_says_used_once(app, client, auth, make_org, make_user, make_member, make_invite):
    org = make_org()
    admin = make_user(email="admin@school.ru")
    make_member(admin, org, "admin")
    invite, _path = make_invite(org, kind="parent", unit="2Б", created_by=admin, max_uses=1, uses=1)
    auth.login("admin@school.ru")
    listing = client.get(f"/org/{org.id}/invites").text
    assert "использована полностью" in listing and "использована 1 из 1" not in listing
    share = client.get(f"/org/{org.id}/invites/{invite.id}").text
    assert share.count("использована") == 1 and "Использований" in share and "1 из 1" in share


def test_chat_names_after_a_preposition_carry_the_word_chat(app, client, session, auth, make_org, make_user,
                                                            make_member):
    org = make_org()
    parent = make_user(email="p@mail.ru")
    make_member(parent, org, "parent", unit="2Б")
    _rules(session, parent, org)
    chat = _chat(session, org, "parents", "2Б")
    auth.login("p@mail.ru")
    choose = client.get(f"/chats/org/{org.id}").text
    assert 'aria-label="Вступить в чат «Родители класса 2Б»"' in choose
    joined = client.post(f"/chats/{chat.id}/join", follow_redirects=True).text
    assert "Вы вступили в чат «Родители класса 2Б»." in joined
    assert "в «" not in joined and "из «" not in joined
