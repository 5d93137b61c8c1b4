"""Path 4: a grade-2 pupil registers by the class's pupil link with a login
name; a parent confirms by the link e-mailed to them, on their own phone
(a second browser context); the pupil's screen then goes on to the chats."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .e2e_steps import Person, make_link, seed_school

pytestmark = pytest.mark.browser

TEACHER = Person("Петрова", "Анна", "Ивановна", "a.petrova@school7.ru")
PARENT_EMAIL = "olga.smirnova@yandex.ru"


def submit(page):
    page.locator("main form:not(.secondary-action) button[type=submit]").first.click()


def test_grade_two_pupil_registers_and_a_parent_confirms(live_server, smtp_sink, phone):
    ids = seed_school(live_server, teacher=TEACHER)
    link = make_link(live_server, ids, kind="student", unit="2А")

    pupil = phone("pupil")
    page = pupil.page
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Школа № 7")
    pupil.step("landing")
    page.get_by_role("link", name="Зарегистрироваться").click()
    page.locator("#last_name").fill("Смирнов")
    page.locator("#first_name").fill("Миша")
    page.locator("#birth_date").fill("2018-03-15")
    pupil.step("start")
    submit(page)

    expect(page.locator("#parent_email")).to_be_visible()
    login = page.locator("#login").input_value()
    assert re.fullmatch(r"[a-z][a-z0-9._-]{2,39}", login), login
    page.locator("#password").fill("синий кит плывёт домой")
    page.locator("#parent_email").fill(PARENT_EMAIL)
    pupil.step("login-and-parent")
    submit(page)
    expect(page).to_have_url(re.compile(r"/register/confirm$"))
    pupil.step("waiting-for-parent")

    # The parent's own phone: the link from the e-mail.
    body = smtp_sink.wait_for(PARENT_EMAIL).get_content()
    parent_link = re.search(re.escape(live_server.url) + r"/register/parent/\S+", body).group(0)
    parent = phone("parent")
    parent.page.goto(parent_link)
    expect(parent.page.locator("main")).to_contain_text("Смирнов")
    parent.step("parent-confirm")
    parent.page.locator("main").get_by_role("checkbox").check()
    parent.page.locator("main form button[type=submit]").first.click()
    parent.step("parent-confirmed")

    # Back on the pupil's screen: go on, into the class's chats.
    page.reload()
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/chats/org/\d+"))
    pupil.step("after-confirmation")

    from onboarding.models import ConsentRecord, User
    with live_server.app.app_context():
        db = live_server.session()
        user = db.query(User).filter_by(login=login).one()
        assert user.status == "active" and user.email is None
        consent = db.query(ConsentRecord).filter_by(subject_id=user.id, kind="personal_data").one()
        assert consent.given_by_email == PARENT_EMAIL
        db.close()
