"""A parent never gets stuck: coming back (remember me, the site's address in
the letters), the steps of each role's path, back and reload, an e-mail
typo, an unconfirmed account logging in, and a young pupil's parent making
an account of their own from the confirmation link."""
import re
from datetime import timedelta

from itsdangerous import TimestampSigner
from support import PASSWORD, form_errors
from test_registration_roles import _chat, _young_pupil, fresh

from onboarding.models import Chat, ChatMember, ConsentRecord, EmailCode, Membership, ParentLink, User, utcnow
from onboarding.register.steps import registration_steps

TYPO = "anna@mial.ru"
RIGHT = "anna@mail.ru"


def _step(html: str) -> str:
    match = re.search(r'<p class="muted step">([^<]*)</p>', html)
    return match.group(1).strip() if match else ""


def _parent_to_code(register, link, email=RIGHT, **extra):
    response = register.adult(link, email=email, child_name="Петров Коля", **extra)
    assert response.status_code == 302 and response.headers["Location"].endswith("/register/confirm"), response.text
    return response


# --- 4. Coming back ---------------------------------------------------------------------------

def test_remember_me_is_offered_and_ticked_on_log_in_and_registration(client, make_org, make_invite, register):
    org = make_org()
    _invite, link = make_invite(org, kind="parent", unit="2Б")
    for page in (client.get("/login").text, client.get(link.replace("/i/", "/register/")).text):
        assert re.search(r'<input[^>]*checked[^>]*name="remember"|<input[^>]*name="remember"[^>]*checked', page)
        assert "Запомнить меня на этом устройстве" in page and "30 дней" in page
    _parent_to_code(register, link, remember="y")
    register.confirm_and_consent(RIGHT)
    assert client.get_cookie("remember_token") is not None  # 30 days, ended by logout or a password change


def test_unticked_remember_me_leaves_no_lasting_cookie(client, make_org, make_invite, register):
    org = make_org()
    _invite, link = make_invite(org, kind="parent", unit="2Б")
    _parent_to_code(register, link)
    register.confirm_and_consent(RIGHT)
    assert client.get_cookie("remember_token") is None


def test_the_code_letter_tells_the_site_address(client, make_org, make_invite, register):
    org = make_org()
    _invite, link = make_invite(org, kind="parent", unit="2Б")
    _parent_to_code(register, link)
    body = register.last_mail(RIGHT).get_content()
    assert "Адрес сайта" in body and "http://localhost/login" in body


# --- 9 and 11. Steps, the parent's form ---------------------------------------------------

def test_one_function_decides_the_steps_of_each_role():
    # A parent's child waits for the teacher: nothing to join yet, so no chat rules yet.
    assert registration_steps("parent") == ["form", "code", "consent"]
    assert registration_steps("guardian") == ["form", "code", "consent", "rules"]  # linked at once
    assert registration_steps("staff") == ["form", "code", "consent", "rules"]  # the staff room's chat
    assert registration_steps("student", "parent") == ["start", "form", "parent_code", "rules"]
    assert registration_steps("student", "own") == ["start", "form", "code", "consent", "rules"]
    assert registration_steps("admin") == ["form", "code", "consent"]
    assert "consent" not in registration_steps("pupil", "parent")


def test_the_parent_path_ends_at_the_waiting_page_right_after_consent(client, session, make_org, make_invite,
                                                                      register):
    org = make_org()
    _invite, link = make_invite(org, kind="parent", unit="2Б")
    landing = client.get(link).text
    steps = re.findall(r"<li>([^<]*)</li>", landing.split('class="steps"')[1].split("</ol>")[0])
    assert "имя ребёнка" in steps[0] and "код" in steps[1] and "согласие" in steps[2]
    assert "подтвердит связь" in steps[3] and "правила чатов" in steps[4]  # in the order they come
    form = client.get(link.replace("/i/", "/register/")).text
    assert _step(form) == "Шаг 1 из 3"
    # «Ваш ребёнок» comes first, in its own group; then «Вы».
    assert form.index("<legend>Ваш ребёнок</legend>") < form.index('name="child_name"') \
        < form.index("<legend>Вы</legend>") < form.index('name="last_name"')
    _parent_to_code(register, link)
    assert _step(client.get("/register/confirm").text) == "Шаг 2 из 3"
    client.post("/register/confirm", data={"code": register.code(RIGHT)})
    consent = client.get("/register/consent").text
    assert _step(consent) == "Шаг 3 из 3"
    response = client.post("/register/consent", data={"agree": "y"})
    assert response.headers["Location"].endswith(f"/chats/org/{org.id}")
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "Регистрация завершена" in page.text and _step(page.text) == ""
    assert "подтвердит, что вы родитель ребёнка: Петров Коля" in page.text  # the waiting page
    assert 'name="agree"' not in page.text  # no chat rules: nothing to join yet
    user = fresh(session).query(User).filter_by(email=RIGHT).one()
    kinds = {record.kind for record in session.query(ConsentRecord).filter_by(subject_id=user.id)}
    assert kinds == {"personal_data"}  # the personal-data consent, given on a screen of its own
    assert "Регистрация завершена" not in client.get(f"/chats/org/{org.id}").text  # said once


def test_a_parent_confirmed_later_accepts_the_chat_rules_before_joining(client, session, make_org, make_invite,
                                                                        register):
    org = make_org()
    _invite, link = make_invite(org, kind="parent", unit="2Б")
    _parent_to_code(register, link)
    register.confirm_and_consent(RIGHT)
    parent = fresh(session).query(User).filter_by(email=RIGHT).one()
    waiting = client.get(f"/chats/org/{org.id}").text
    assert "Родители класса 2Б" not in waiting and "/join" not in waiting
    parent_link = session.query(ParentLink).filter_by(parent_id=parent.id).one()
    parent_link.status = "confirmed"  # the teacher confirms the child
    session.commit()
    chat = _chat(session, org, "parents", "2Б")
    # Now something is offered: the chat rules come first, for choosing and for joining alike.
    to_rules = client.get(f"/chats/org/{org.id}")
    assert to_rules.status_code == 302 and "/rules" in to_rules.headers["Location"]
    refused = client.post(f"/chats/{chat.id}/join")
    assert refused.status_code == 302 and "/rules" in refused.headers["Location"]
    assert fresh(session).query(ChatMember).filter_by(user_id=parent.id).count() == 0
    rules = client.get(to_rules.headers["Location"]).text
    assert _step(rules) == "" and 'class="quiet-hours"' in rules  # the path already ended at the waiting page
    accepted = client.post(f"/chats/org/{org.id}/rules", data={"agree": "y"}, follow_redirects=True)
    assert "Регистрация завершена" not in accepted.text and "Родители класса 2Б" in accepted.text
    assert client.post(f"/chats/{chat.id}/join").status_code == 302
    assert fresh(session).query(ChatMember).filter_by(user_id=parent.id, left_at=None).count() == 1
    assert session.query(ConsentRecord).filter_by(subject_id=parent.id, kind="chat_rules").count() == 1


def test_a_letters_parent_link_to_a_child_without_an_account_waits_like_a_class_link(client, make_org,
                                                                                    make_invite, register):
    org = make_org()
    _invite, link = make_invite(org, kind="guardian", unit="2Б", max_uses=1, pupil_name="Петров Коля")
    assert _step(client.get(link.replace("/i/", "/register/")).text) == "Шаг 1 из 3"
    register.adult(link, email=RIGHT)
    register.confirm_and_consent(RIGHT)
    page = client.get(f"/chats/org/{org.id}")
    assert page.status_code == 200 and "Регистрация завершена" in page.text and "Петров Коля" in page.text


def test_a_parent_linked_at_once_accepts_the_chat_rules_as_the_last_step(client, make_org, make_user, make_member,
                                                                         make_invite, register):
    org = make_org()
    child = make_user(email=None, login="kolya.petrov", first_name="Коля")
    make_member(child, org, "student", unit="2Б")
    _invite, link = make_invite(org, kind="guardian", unit="2Б", max_uses=1, child_id=child.id)
    assert _step(client.get(link.replace("/i/", "/register/")).text) == "Шаг 1 из 4"
    register.adult(link, email=RIGHT)
    response = register.confirm_and_consent(RIGHT)
    rules = client.get(response.headers["Location"], follow_redirects=True).text
    assert _step(rules) == "Шаг 4 из 4" and "Регистрация завершена" not in rules
    done = client.post(f"/chats/org/{org.id}/rules", data={"agree": "y"}, follow_redirects=True).text
    assert "Регистрация завершена" in done and "Родители класса 2Б" in done


def test_with_no_chat_on_offer_the_path_ends_without_the_chat_rules(client, session, make_org, make_invite,
                                                                    register):
    """A step promised but with nothing to accept (the staff room's chat and the staff channel
    archived): the path still ends."""
    org = make_org()
    for chat in session.query(Chat).filter(Chat.org_id == org.id, Chat.kind.in_(("staff", "channel"))):
        chat.archived_at = utcnow()  # everything a pending teacher is offered
    session.commit()
    _invite, link = make_invite(org, kind="staff")
    register.adult(link, email=RIGHT)
    response = register.confirm_and_consent(RIGHT)
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "Регистрация завершена" in page.text and 'name="agree"' not in page.text
    assert "Регистрация завершена" not in client.get(f"/chats/org/{org.id}").text
    assert client.get("/register/consent").headers["Location"].endswith(f"/chats/org/{org.id}")


def test_a_first_grader_meets_no_consent_step_and_no_parents_quiet_hours(app, client, session, make_org,
                                                                        make_invite, register):
    org = make_org()
    _invite, link = make_invite(org, kind="student", unit="1А")
    landing = client.get(link).text
    assert "согласие на обработку" not in landing.split('class="steps"')[1].split("</ol>")[0]
    start = client.get(link.replace("/i/", "/register/")).text
    assert _step(start) == "Шаг 1 из 4"
    _young_pupil(client, register, link)
    code_page = client.get("/register/confirm").text
    assert _step(code_page) == "Шаг 3 из 4"
    client.post("/register/confirm", data={"code": register.code("mama@mail.ru")})
    rules = client.get(f"/chats/org/{org.id}/rules").text
    assert _step(rules) == "Шаг 4 из 4"
    assert 'class="quiet-hours"' not in rules


def test_an_older_pupils_first_page_says_both_counts(client, make_org, make_invite):
    org = make_org()
    _invite, link = make_invite(org, kind="student", unit="9В")
    assert _step(client.get(link.replace("/i/", "/register/")).text) == "Шаг 1 из 4–5"


# --- 8 and 6. Back and reload ----------------------------------------------------------------

def test_back_and_reload_after_the_end_land_on_the_chats(client, make_org, make_invite, register):
    org = make_org()
    _invite, link = make_invite(org, kind="parent", unit="2Б", max_uses=1)
    _parent_to_code(register, link)
    # Reload of the code page after typing the code: on to consent.
    client.post("/register/confirm", data={"code": register.code(RIGHT)})
    assert client.get("/register/confirm").headers["Location"].endswith("/register/consent")
    client.post("/register/consent", data={"agree": "y"})
    assert "Регистрация завершена" in client.get(f"/chats/org/{org.id}").text  # the end: the waiting page
    for path in ("/register/consent", "/register/confirm", link.replace("/i/", "/register/"),
                 link.replace("/i/", "/register/redeem/")):
        response = client.get(path)
        assert response.status_code == 302, (path, response.status_code)
        assert response.headers["Location"].endswith(f"/chats/org/{org.id}"), path
    page = client.get(f"/chats/org/{org.id}", follow_redirects=True).text
    assert "Страница не найдена" not in page and "использована" not in page


def test_without_a_registration_the_steps_lead_home_not_to_not_found(client):
    for path in ("/register/consent", "/register/confirm"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith("/")


def test_the_pupils_screen_after_the_parent_confirmed_by_the_link(app, client, session, make_org, make_invite,
                                                                   register):
    org = make_org()
    _invite, link = make_invite(org, kind="pupil", unit="1А", max_uses=1, pupil_name="Сидоров Петя")
    _young_pupil(client, register, link)
    url = re.search(r"http://localhost(/register/parent/\S+)", register.last_mail("mama@mail.ru").get_content()).group(1)
    assert app.test_client().post(url, data={"agree": "y"}).status_code == 200
    for path in ("/register/confirm", link.replace("/i/", "/register/")):
        page = client.get(path, follow_redirects=True)
        assert page.status_code == 200 and "родитель подтвердил регистрацию" in page.text, path
        assert "использована" not in page.text and _step(page.text) == "Шаг 3 из 4"
    response = client.post("/register/confirm/continue")
    assert response.headers["Location"].endswith(f"/chats/org/{org.id}")
    assert client.get("/register/confirm").headers["Location"].endswith(f"/chats/org/{org.id}")
    assert client.get(link.replace("/i/", "/register/")).headers["Location"].endswith(f"/chats/org/{org.id}")


# --- 7. An e-mail typo -----------------------------------------------------------------------

def test_an_email_typo_is_mended_from_the_code_page(client, session, make_org, make_invite, register, sent_mail):
    org = make_org()
    _invite, link = make_invite(org, kind="parent", unit="2Б")
    _parent_to_code(register, link, email=TYPO, phone="+7 922 111-22-33")
    code_page = client.get("/register/confirm").text
    assert TYPO in code_page and "Изменить адрес" in code_page
    change = re.search(r'href="([^"]*change=1[^"]*)"', code_page).group(1).replace("&amp;", "&")
    form = client.get(change).text
    for value in ("Петрова", "Анна", "Сергеевна", TYPO, "Петров Коля"):
        assert f'value="{value}"' in form, value
    assert re.search(r'value="[^"]*922[^"]*"', form)  # the phone, as normalised
    assert PASSWORD not in form  # never the password
    _parent_to_code(register, link, email=RIGHT)
    assert RIGHT in client.get("/register/confirm").text
    assert fresh(session).query(User).filter_by(email=TYPO).count() == 0  # the mistaken account is gone
    register.confirm_and_consent(RIGHT)
    user = fresh(session).query(User).filter_by(email=RIGHT).one()
    assert user.status == "active"
    assert fresh(session).query(ParentLink).filter_by(parent_id=user.id).one().child_name_given == "Петров Коля"


def test_opening_the_link_again_resumes_the_registration(client, make_org, make_invite, register):
    org = make_org()
    _invite, link = make_invite(org, kind="parent", unit="2Б")
    _parent_to_code(register, link)
    response = client.get(link.replace("/i/", "/register/"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/register/confirm")


def test_another_browser_cannot_mend_someone_elses_address(app, client, session, make_org, make_invite, register):
    """The replaced account is only ever this browser's own (its signed state)."""
    org = make_org()
    _invite, link = make_invite(org, kind="parent", unit="2Б")
    _parent_to_code(register, link, email=TYPO)
    stranger = app.test_client()
    stranger.post(link.replace("/i/", "/register/"), data={
        "last_name": "Иванова", "first_name": "Ира", "email": "ira@mail.ru", "phone": "",
        "password": PASSWORD, "child_name": "Иванов Ваня"})
    assert fresh(session).query(User).filter_by(email=TYPO).count() == 1


def test_logging_in_unconfirmed_with_the_right_password_offers_a_new_code(app, client, session, make_org,
                                                                         make_invite, register, sent_mail):
    org = make_org()
    _invite, link = make_invite(org, kind="staff")
    register.adult(link, email=RIGHT)
    fresh(session)
    for record in session.query(EmailCode).all():
        record.created_at -= timedelta(minutes=2)
    session.commit()
    laptop = app.test_client()
    wrong = laptop.post("/login", data={"identifier": RIGHT, "password": "not the password 1"})
    nobody = laptop.post("/login", data={"identifier": "nobody@mail.ru", "password": "not the password 1"})
    assert form_errors(wrong.text) == form_errors(nobody.text) and "не подтверждён" not in wrong.text
    page = laptop.post("/login", data={"identifier": RIGHT, "password": PASSWORD})
    assert page.status_code == 200 and "ещё не подтверждён" in page.text and "Выйти" not in page.text
    mails = len(sent_mail)
    response = laptop.post("/register/confirm/resend")
    assert response.headers["Location"].endswith("/register/confirm") and len(sent_mail) == mails + 1
    code = re.search(r"^\s+(\d{6})\s*$", sent_mail[-1].get_content(), re.M).group(1)
    assert laptop.post("/register/confirm", data={"code": code}).headers["Location"].endswith("/register/consent")
    assert laptop.post("/register/consent", data={"agree": "y"}).status_code == 302
    assert fresh(session).query(User).filter_by(email=RIGHT).one().status == "active"


# --- 5. The parent who confirmed a pupil ---------------------------------------------------

def _parent_confirms(app, client, register, link):
    _young_pupil(client, register, link)
    url = re.search(r"http://localhost(/register/parent/\S+)", register.last_mail("mama@mail.ru").get_content()).group(1)
    phone = app.test_client()
    page = phone.post(url, data={"agree": "y"})
    assert page.status_code == 200
    return phone, url, page.text


def _account(phone, url, **fields):
    return phone.post(url + "/account", data={"last_name": "Сидорова", "first_name": "Мария", "patronymic": "",
                                              "password": PASSWORD, "agree": "y", "remember": "y", **fields})


def test_the_parent_gets_an_account_from_the_confirmation_link(app, client, session, make_org, make_member,
                                                              make_user, make_invite, register, sent_mail):
    org = make_org()
    teacher = make_user(email="teacher@school.ru")
    make_member(teacher, org, "teacher")
    make_member(teacher, org, "teacher", unit="1А", is_lead=True)
    _invite, link = make_invite(org, kind="student", unit="1А")
    phone, url, page = _parent_confirms(app, client, register, link)
    assert "mama@mail.ru" in page and "Создать учётную запись" in page and _step(page) == "Шаг 1 из 2"
    agree = re.search(r'<input[^>]*name="agree"[^>]*>', page).group(0)
    assert "checked" not in agree  # the child's consent, just given, never ticks the parent's own
    # Consent is required; typing is kept, the password is not.
    refused = _account(phone, url, agree="")
    assert refused.status_code == 200 and 'value="Сидорова"' in refused.text and PASSWORD not in refused.text
    response = _account(phone, url)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/chats/org/{org.id}")
    parent = fresh(session).query(User).filter_by(email="mama@mail.ru").one()
    pupil = session.query(User).filter_by(login="petya.sidorov").one()
    link_row = session.query(ParentLink).filter_by(parent_id=parent.id).one()
    assert (parent.status, link_row.status, link_row.child_id, link_row.decided_by_id) == (
        "active", "confirmed", pupil.id, parent.id)
    assert session.query(Membership).filter_by(user_id=parent.id, role="parent").one().unit_id == \
        session.query(Membership).filter_by(user_id=pupil.id).one().unit_id
    consent = session.query(ConsentRecord).filter_by(subject_id=parent.id, kind="personal_data").one()
    assert consent.given_by_email is None  # their own
    assert phone.get_cookie("remember_token") is not None
    # On to the chat rules (step 2 of 2, quiet hours shown), then the parents' chat is open at once.
    rules = phone.get(f"/chats/org/{org.id}/rules").text
    assert _step(rules) == "Шаг 2 из 2" and 'class="quiet-hours"' in rules
    done = phone.post(f"/chats/org/{org.id}/rules", data={"agree": "y"}, follow_redirects=True).text
    assert "Регистрация завершена" in done and "Родители класса 1А" in done
    letter = register.last_mail("teacher@school.ru")
    assert "Сидорова Мария" in letter["Subject"] and "/register/org/" in letter.get_content()
    # The link is used up for this: no second account, no form.
    again = phone.get(url).text
    assert "Создать учётную запись" not in again
    assert _account(app.test_client(), url, last_name="Другая").status_code == 409
    assert fresh(session).query(User).filter_by(email="mama@mail.ru").count() == 1


def test_the_homeroom_teacher_sees_and_undoes_the_link(app, client, session, make_org, make_member, make_user,
                                                       make_invite, register, auth):
    org = make_org()
    teacher = make_user(email="teacher@school.ru")
    make_member(teacher, org, "teacher")
    make_member(teacher, org, "teacher", unit="1А", is_lead=True)
    _invite, link = make_invite(org, kind="student", unit="1А")
    phone, url, _page = _parent_confirms(app, client, register, link)
    _account(phone, url)
    phone.post(f"/chats/org/{org.id}/rules", data={"agree": "y"})
    chat_page = phone.get(f"/chats/org/{org.id}").text
    join = re.search(r'action="(/chats/\d+/join)"', chat_page).group(1)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]*)"', chat_page)
    phone.post(join, data={"csrf_token": token.group(1) if token else ""})
    parent = fresh(session).query(User).filter_by(email="mama@mail.ru").one()
    assert session.query(ChatMember).filter_by(user_id=parent.id, left_at=None).count() == 1

    teacher_phone = app.test_client()
    teacher_phone.post("/login", data={"identifier": "teacher@school.ru", "password": PASSWORD})
    queue = teacher_phone.get(f"/org/{org.id}/review/parents").text  # the teacher finds it from the queue
    assert f"/register/org/{org.id}/parents-by-confirmation" in queue
    page = teacher_phone.get(f"/register/org/{org.id}/parents-by-confirmation").text
    assert "Сидорова Мария" in page and "подтвердили регистрацию ребёнка" in page
    link_id = fresh(session).query(ParentLink).filter_by(parent_id=parent.id).one().id
    assert phone.post(f"/register/org/{org.id}/parents-by-confirmation/{link_id}/undo").status_code == 403
    response = teacher_phone.post(f"/register/org/{org.id}/parents-by-confirmation/{link_id}/undo")
    assert response.status_code == 302
    assert fresh(session).get(ParentLink, link_id).status == "rejected"
    assert session.query(Membership).filter_by(user_id=parent.id, role="parent").one().left_at is not None
    assert session.query(ChatMember).filter_by(user_id=parent.id, left_at=None).count() == 0


def test_an_address_with_an_account_is_offered_the_class_link_instead(app, client, session, make_org, make_user,
                                                                     make_invite, register):
    org = make_org()
    make_user(email="mama@mail.ru")
    _invite, link = make_invite(org, kind="student", unit="1А")
    phone, url, page = _parent_confirms(app, client, register, link)
    assert "Создать учётную запись" not in page and "/i/" in page and "войдите" in page
    assert _account(phone, url).status_code == 409
    assert fresh(session).query(ParentLink).count() == 0


def test_the_typed_code_on_the_pupils_screen_also_offers_the_account(app, client, session, make_org, make_invite,
                                                                     register):
    org = make_org()
    _invite, link = make_invite(org, kind="student", unit="1А")
    _young_pupil(client, register, link)
    body = register.last_mail("mama@mail.ru").get_content()
    client.post("/register/confirm", data={"code": register.code("mama@mail.ru")})
    url = re.search(r"http://localhost(/register/parent/\S+)", body).group(1)
    phone = app.test_client()
    assert "Создать учётную запись" in phone.get(url).text
    assert _account(phone, url).status_code == 302


def test_the_link_makes_no_account_past_its_lifetime_or_for_an_unconfirmed_pupil(app, client, session, make_org,
                                                                                  make_invite, register,
                                                                                  monkeypatch):
    org = make_org()
    _invite, link = make_invite(org, kind="student", unit="1А")
    _young_pupil(client, register, link)
    url = re.search(r"http://localhost(/register/parent/\S+)", register.last_mail("mama@mail.ru").get_content()).group(1)
    phone = app.test_client()
    assert _account(phone, url).status_code == 409  # the pupil isn't confirmed: nothing to take
    assert fresh(session).query(User).filter_by(email="mama@mail.ru").count() == 0
    phone.post(url, data={"agree": "y"})
    later = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later(self) + 3 * 24 * 3600)
    assert _account(phone, url).status_code in (404, 410)  # past the letter's two days
    assert fresh(session).query(User).filter_by(email="mama@mail.ru").count() == 0
