"""Path 7: the parent of a grade-2 pupil confirms the pupil's registration by
the e-mailed link on their own phone and, on the same page, gets an account
of their own in one step: linked to the child at once, the parents' chat
open without a teacher. Path 8: a parent mistypes their e-mail, mends it on
the code page («Изменить адрес») with everything else still typed, and
finishes with the code sent to the right address."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .e2e_steps import PASSWORD, Person, make_link, seed_school

pytestmark = pytest.mark.browser

TEACHER = Person("Петрова", "Анна", "Ивановна", "a.petrova@school7.ru")
PARENT_EMAIL = "olga.smirnova@yandex.ru"


def test_the_parent_of_a_young_pupil_gets_an_account_from_the_confirmation_link(live_server, smtp_sink, phone):
    ids = seed_school(live_server, teacher=TEACHER)
    link = make_link(live_server, ids, kind="student", unit="2А")

    pupil = phone("pupil")
    page = pupil.page
    page.goto(link.replace("/i/", "/register/"))
    expect(page.locator("main")).to_contain_text("Шаг 1 из 4")
    page.locator("#last_name").fill("Смирнов")
    page.locator("#first_name").fill("Миша")
    page.locator("#birth_date").fill("2018-03-15")
    page.get_by_role("button", name="Продолжить").click()
    expect(page.locator("main")).to_contain_text("Шаг 2 из 4")
    page.locator("#password").fill("синий кит плывёт домой")
    page.locator("#parent_email").fill(PARENT_EMAIL)
    page.get_by_role("button", name="Продолжить").click()
    expect(page).to_have_url(re.compile(r"/register/confirm$"))
    expect(page.locator("main")).to_contain_text("Шаг 3 из 4")
    pupil.step("waiting-for-parent")

    body = smtp_sink.wait_for(PARENT_EMAIL).get_content()
    assert live_server.url + "/login" in body  # the letter tells the site's address
    parent_link = re.search(re.escape(live_server.url) + r"/register/parent/\S+", body).group(0)
    parent = phone("parent")
    ppage = parent.page
    ppage.goto(parent_link)
    main = ppage.locator("main")
    main.get_by_role("checkbox").check()
    main.get_by_role("button", name="Подтвердить регистрацию").click()
    expect(ppage.get_by_role("heading", level=2, name="Ваша учётная запись")).to_be_visible()
    expect(main).to_contain_text(PARENT_EMAIL)
    expect(main).to_contain_text("Шаг 1 из 2")
    expect(ppage.get_by_label("Запомнить меня на этом устройстве")).to_be_checked()
    parent.step("account-offer")
    ppage.get_by_label("Фамилия", exact=True).fill("Смирнова")
    ppage.get_by_label("Имя", exact=True).fill("Ольга")
    ppage.get_by_label("Пароль", exact=True).fill(PASSWORD)
    ppage.get_by_label("согласие на обработку моих персональных данных", exact=False).check()
    main.get_by_role("button", name="Создать учётную запись").click()

    expect(ppage).to_have_url(re.compile(r"/chats/org/\d+/rules"))
    expect(main).to_contain_text("Шаг 2 из 2")
    expect(main).to_contain_text("21:00")
    parent.step("chat-rules")
    main.get_by_role("checkbox").check()
    main.get_by_role("button").click()
    expect(ppage.get_by_role("status").first).to_contain_text("Регистрация завершена")
    offered = main.locator("li")
    expect(offered).to_have_count(2)  # open at once, no teacher to wait for; beside it the school-wide channel
    expect(offered.first).to_contain_text("Родители класса 2А")
    expect(offered.last).to_contain_text("Общешкольный канал")
    parent.step("chats-open")

    # The pupil's screen, reloaded: confirmed, and on to the chat rules.
    page.reload()
    expect(page.locator("main")).to_contain_text("родитель подтвердил регистрацию")
    pupil.step("parent-confirmed")
    page.get_by_role("button", name="Продолжить").click()
    expect(page).to_have_url(re.compile(r"/chats/org/\d+/rules"))
    expect(page.locator("main .quiet-hours")).to_have_count(0)  # a pupil: no parents' quiet hours

    from onboarding.models import ParentLink, User
    with live_server.app.app_context():
        db = live_server.session()
        parent_user = db.query(User).filter_by(email=PARENT_EMAIL).one()
        link_row = db.query(ParentLink).filter_by(parent_id=parent_user.id).one()
        assert link_row.status == "confirmed" and link_row.decided_by_id == parent_user.id
        db.close()


def test_an_email_typo_is_mended_on_the_code_page(live_server, smtp_sink, phone):
    ids = seed_school(live_server, teacher=TEACHER)
    link = make_link(live_server, ids, kind="parent", unit="2А")
    journey = phone()
    page = journey.page
    page.goto(link)
    page.get_by_role("link", name="Зарегистрироваться").click()
    page.locator("#child_name").fill("Смирнов Миша")
    page.get_by_label("Фамилия", exact=True).fill("Смирнова")
    page.get_by_label("Имя", exact=True).fill("Ольга")
    page.get_by_label("Электронная почта").fill("olga.smirnova@yandex.rj")
    page.get_by_label("Пароль", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Продолжить").click()

    main = page.locator("main")
    expect(main).to_contain_text("olga.smirnova@yandex.rj")
    journey.step("code-wrong-address")
    main.get_by_role("link", name="Изменить адрес").click()
    expect(page.locator("#child_name")).to_have_value("Смирнов Миша")
    expect(page.get_by_label("Фамилия", exact=True)).to_have_value("Смирнова")
    expect(page.get_by_label("Электронная почта")).to_have_value("olga.smirnova@yandex.rj")
    expect(page.get_by_label("Пароль", exact=True)).to_have_value("")
    journey.step("form-kept")
    page.get_by_label("Электронная почта").fill(PARENT_EMAIL)
    page.get_by_label("Пароль", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Продолжить").click()

    expect(main).to_contain_text(PARENT_EMAIL)
    page.get_by_label("Код из письма").fill(smtp_sink.code_for(PARENT_EMAIL))
    page.get_by_role("button", name="Подтвердить").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Согласие на обработку персональных данных")
    page.go_back()  # back lands on the step the parent is at
    expect(page.get_by_role("heading", level=1)).to_have_text("Согласие на обработку персональных данных")
    expect(main).to_contain_text("Шаг 3 из 3")  # the last step of a parent whose child waits for the teacher
    journey.step("consent")
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Даю согласие").click()
    expect(page).to_have_url(re.compile(r"/chats/org/\d+$"))  # the waiting page: the path's end
    expect(page.get_by_role("status").first).to_contain_text("Регистрация завершена")
