"""Path 3: a parent opens the class's parent link on a phone, registers naming
the child, types the code from the e-mail, consents and lands on the page
that says the homeroom teacher has yet to confirm the child (no chat to join
yet, so no chat rules yet); the teacher confirms the child on their own
phone; the parent, choosing chats, first accepts the chat rules, then joins
the parents' chat. Path 6: the parent's part by keyboard only (Tab, Enter,
Space), with its screens and taps counted."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

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
    register_by_link(journey, smtp_sink, link, PARENT, org_name="Школа № 7", extra={"child_name": "Смирнов Миша"})
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
    """Right after consent, the waiting page: registration complete, no chat
    on offer, no chat rules. The teacher confirms the child; choosing chats
    then asks for the chat rules first; the parents' chat of 2А is joined,
    the class chat (pupils) not on offer."""
    page = journey.page
    main = page.locator("main")
    expect(page).to_have_url(re.compile(r"/chats/org/\d+$"))
    expect(page.get_by_role("status").first).to_contain_text("Регистрация завершена")  # only at the true end
    expect(page.get_by_role("heading", level=1)).to_have_text("Ожидаем подтверждения")
    # Until the teacher confirms the child, no chat is offered, and the page says why.
    expect(main.locator("li")).to_have_count(0)
    expect(main.get_by_role("checkbox")).to_have_count(0)  # no chat rules yet: nothing to join
    expect(main).to_contain_text("Классный руководитель Петрова А. И. подтвердит, что вы родитель ребёнка: Смирнов Миша")
    journey.step("waiting-for-teacher")
    teacher_confirms_the_child(phone, live_server)

    page.reload()  # choosing chats, now that one is on offer: the chat rules come first
    expect(page).to_have_url(re.compile(r"/chats/org/\d+/rules"))
    expect(main).to_contain_text("Участие в чатах добровольное")
    expect(main).to_contain_text("21:00")
    expect(main).not_to_contain_text("Шаг")  # the registration path ended at the waiting page
    journey.step("chat-rules")
    if keyboard:
        tab_to(page, main.get_by_role("checkbox"))
        page.keyboard.press("Space")
        tab_to(page, main.get_by_role("button"))
        page.keyboard.press("Enter")
    else:
        main.get_by_role("checkbox").check()
        main.get_by_role("button").click()

    expect(page).to_have_url(re.compile(r"/chats/org/\d+$"))
    expect(main).not_to_contain_text("Регистрация завершена")  # said once, at the end of the path
    offered = main.locator("li")
    expect(offered).to_have_count(2)  # the class's parents' chat and the school-wide channel
    expect(offered.first).to_contain_text("Родители класса 2А")
    expect(offered.last).to_contain_text("Общешкольный канал")
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
    """Path 6: no pointer at all; every control reached with Tab, in order.

    The path is counted as the README gives it, from the invitation to the
    waiting page: the screens (pages loaded), the taps (Enter on a link or a
    button, Space on a box; Tab only moves) and the fields typed."""
    ids = seed_school(live_server, teacher=TEACHER, pupils=PUPILS)
    link = make_link(live_server, ids, kind="parent", unit="2А")
    journey = phone()
    page = journey.page
    screens, taps, typed = [], [], []
    page.on("framenavigated", lambda frame: frame.parent_frame is None and screens.append(urlsplit(frame.url).path))
    keyboard, press, type_text = page.keyboard, page.keyboard.press, page.keyboard.type

    def counted_press(key, **options):
        if key in ("Enter", "Space"):
            taps.append(key)
        press(key, **options)

    def counted_type(text, **options):
        if text:
            typed.append(text)
        type_text(text, **options)

    keyboard.press, keyboard.type = counted_press, counted_type
    register_by_keyboard(journey, smtp_sink, link, PARENT, org_name="Школа № 7", extra={"child_name": "Смирнов Миша"})
    expect(page.get_by_role("heading", level=1)).to_have_text("Ожидаем подтверждения")
    # invitation, form (1 of 3), code (2 of 3), consent (3 of 3), the waiting page
    assert [path.split("/")[1] for path in screens] == ["i", "register", "register", "register", "chats"], screens
    # «Зарегистрироваться», «Продолжить», the code's Enter («Подтвердить»), the consent box, «Даю согласие»
    assert taps == ["Enter", "Enter", "Enter", "Space", "Enter"]
    # the child's name, last name, first name, patronymic (optional), e-mail, password, the code
    assert len(typed) == 7 and PARENT.patronymic in typed
    join_parents_chat(journey, live_server, phone, keyboard=True)
