"""Path 3: a parent opens the class's parent link on a phone, registers naming
the child, types the code from the e-mail, consents, accepts the chat rules;
the homeroom teacher confirms the child on their own phone; the parent joins
the parents' chat. Path 6: the parent's part by keyboard only (Tab, Enter,
Space)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .e2e_steps import Person, log_in, make_link, register_by_keyboard, register_by_link, seed_school, tab_to

pytestmark = pytest.mark.browser

TEACHER = Person("Петрова", "Анна", "Ивановна", "a.petrova@school7.ru")
PARENT = Person("Смирнова", "Ольга", "Викторовна", "olga.smirnova@yandex.ru", "+7 922 111-22-33")
PUPILS = (("2А", "misha.smirnov", "Смирнов", "Миша"), ("2А", "katya.orlova", "Орлова", "Катя"))


def test_parent_registers_and_joins_the_parents_chat(live_server, smtp_sink, phone):
    ids = seed_school(live_server, teacher=TEACHER, pupils=PUPILS)
    link = make_link(live_server, ids, kind="parent", unit="2А")

    journey = phone()
    page = journey.page
    register_by_link(journey, smtp_sink, link, PARENT, org_name="Школа № 7", extra={"child_name": "Смирнов Миша"})
    expect(page.locator("main")).to_contain_text("Шаг 4 из 4")  # the chat rules: the last step
    join_parents_chat(journey, live_server, phone)


def teacher_confirms_the_child(phone, live_server):
    """The homeroom teacher, on their own phone, matches the named child to a pupil of 2А."""
    teacher = phone("teacher")
    page = teacher.page
    page.goto(live_server.url + "/")
    log_in(teacher, TEACHER.email, step=False)
    page.locator("main").get_by_role("link", name=re.compile("Родители ждут подтверждения")).click()
    card = page.locator("main li.card", has_text="Смирнов Миша")
    expect(card).to_contain_text("Смирнова Ольга")
    card.get_by_role("combobox").select_option(label="Смирнов Миша")
    teacher.step("teacher-queue")
    card.get_by_role("button", name="Подтвердить").click()
    expect(page.locator("main")).to_contain_text("Подтверждено")
    teacher.step("teacher-confirmed")


def join_parents_chat(journey, live_server, phone, keyboard: bool = False):
    """The chat rules (shown before any chat), then the chats on offer: the
    parents' chat of 2А joined, the class chat (pupils) not on offer."""
    page = journey.page
    expect(page).to_have_url(re.compile(r"/chats/org/\d+/rules"))
    expect(page.locator("main")).to_contain_text("Участие в чатах добровольное")
    expect(page.locator("main")).to_contain_text("21:00")
    journey.step("chat-rules")
    main = page.locator("main")
    if keyboard:
        tab_to(page, main.get_by_role("checkbox"))
        page.keyboard.press("Space")
        tab_to(page, main.get_by_role("button"))
        page.keyboard.press("Enter")
    else:
        main.get_by_role("checkbox").check()
        main.get_by_role("button").click()

    expect(page).to_have_url(re.compile(r"/chats/org/\d+$"))
    expect(page.get_by_role("status").first).to_contain_text("Регистрация завершена")  # only at the true end
    # Until the teacher confirms the child, no chat is offered, and the page says why.
    expect(main.locator("li")).to_have_count(0)
    expect(main).to_contain_text("Классный руководитель Петрова А. И. подтвердит, что вы родитель ребёнка: Смирнов Миша")
    journey.step("waiting-for-teacher")
    teacher_confirms_the_child(phone, live_server)
    page.reload()
    offered = main.locator("li")
    expect(offered).to_have_count(1)
    expect(offered).to_contain_text("Родители класса 2А")
    journey.step("choose-chats")
    join = main.get_by_role("button", name=re.compile("Родители класса 2А"))
    if keyboard:
        tab_to(page, join)
        page.keyboard.press("Enter")
    else:
        join.click()
    expect(main.get_by_role("button", name=re.compile("Родители класса 2А"))).to_have_count(0)
    journey.step("joined")
    done = main.locator("a[href$='/done']")
    if keyboard:
        tab_to(page, done)
        page.keyboard.press("Enter")
    else:
        done.click()
    expect(page).to_have_url(re.compile(r"/chats/org/\d+/done$"))
    expect(main).to_contain_text("Родители класса 2А")
    journey.step("done")
    page.goto(live_server.url + "/chats/")
    expect(main.locator("li")).to_have_count(1)
    expect(main.locator("li")).to_contain_text("Родители класса 2А")
    journey.step("my-chats")
    assert_joined_parents_chat(live_server)


def assert_joined_parents_chat(live_server):
    from onboarding.models import Chat, ChatMember, User
    with live_server.app.app_context():
        db = live_server.session()
        user = db.query(User).filter_by(email=PARENT.email).one()
        chats = {chat.kind for chat in db.query(Chat).join(ChatMember, ChatMember.chat_id == Chat.id)
                 .filter(ChatMember.user_id == user.id, ChatMember.left_at.is_(None))}
        assert user.status == "active" and chats == {"parents"}
        db.close()


def test_parent_path_by_keyboard_only(live_server, smtp_sink, phone):
    """Path 6: no pointer at all; every control reached with Tab, in order."""
    ids = seed_school(live_server, teacher=TEACHER, pupils=PUPILS)
    link = make_link(live_server, ids, kind="parent", unit="2А")
    journey = phone()
    page = journey.page
    register_by_keyboard(journey, smtp_sink, link, PARENT, org_name="Школа № 7", extra={"child_name": "Смирнов Миша"})
    expect(page.locator("main")).to_contain_text("Шаг 4 из 4")
    join_parents_chat(journey, live_server, phone, keyboard=True)
