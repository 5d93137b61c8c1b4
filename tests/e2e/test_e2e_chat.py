"""A real chat on phones: a parent of 2Б joins «Родители класса 2Б» and
writes «Здравствуйте!» on the chat page; the homeroom teacher, on a second
phone, sees it and answers; the parent sees the answer appear without
reloading (the page's small script). The page also works with JavaScript
off, stays under 20 KB with its stylesheet, and has no horizontal scroll at
360 px. The chats live on the test run's real Synapse (`live_chat_server`)."""
from __future__ import annotations

import re
import time

import pytest
from matrix_support import daytime_zone
from playwright.sync_api import expect

from .conftest import PHONE, Journey
from .e2e_steps import Person, log_in, seed_school

pytestmark = pytest.mark.browser

TEACHER = Person("Петрова", "Анна", "Ивановна", "a.petrova@school7.ru")
PARENT = Person("Смирнова", "Ольга", "Викторовна", "olga.smirnova@yandex.ru")
PUPILS = (("2Б", "misha.smirnov", "Смирнов", "Миша"),)
CHAT = "Родители класса 2Б"
HELLO = "Здравствуйте!"
ANSWER = "Здравствуйте, Ольга Викторовна! Собрание в четверг в 18:00, кабинет 12."
# A long unbroken address: the page must wrap it, not scroll sideways.
NO_SCRIPT = ("Спасибо! Расписание здесь: "
             "https://school7.ru/roditelyam/raspisanie-sobraniy-2b-klass-chetvertaya-chetvert-2026.pdf")
PARENT_SENDER = "Смирнова О. В., родитель"
TEACHER_SENDER = "Петрова А. И., учитель"
WIDTH = PHONE["viewport"]["width"]
MIN_TARGET = 44
PAGE_BUDGET = 20_000  # bytes of HTML + CSS, as every page of the site


def seed_confirmed_parent(live_server, ids: dict) -> None:
    """A parent of 2Б whose child the homeroom teacher has confirmed (the
    registration and confirmation path is test_e2e_parent's); they have not
    seen the chat rules yet. The school is where it is now daytime: the
    homeserver keeps the parents' chats' quiet hours (21:00–07:00 local)."""
    from onboarding.models import Membership, Organisation, ParentLink, User, utcnow
    from onboarding.people import accounts
    from onboarding.web import hasher

    with live_server.app.app_context():
        db = live_server.session()
        now = utcnow()
        db.get(Organisation, ids["org"]).timezone = daytime_zone()
        parent = accounts.create_user(db, hasher(), email=PARENT.email, password=PARENT.password,
                                      last_name=PARENT.last_name, first_name=PARENT.first_name,
                                      patronymic=PARENT.patronymic, login=None, now=now, status="active")
        child = db.query(User).filter_by(login="misha.smirnov").one()
        unit_id = ids["units"]["2Б"]
        db.add(Membership(org_id=ids["org"], user_id=parent.id, unit_id=unit_id, role="parent", created_at=now))
        db.add(ParentLink(org_id=ids["org"], unit_id=unit_id, parent_id=parent.id, child_id=child.id,
                          child_name_given="Смирнов Миша", status="confirmed", created_at=now, decided_at=now,
                          decided_by_id=ids["teacher"]))
        db.commit()
        db.close()


def accept_rules_and_open_chat(journey, live_server, person: Person, *, join: bool) -> str:
    """Log in → «Мои чаты» → the chats on offer (the chat rules first) →
    (join the parents' chat) → «Мои чаты» → «Открыть чат»; returns the chat's URL."""
    page = journey.page
    main = page.locator("main")
    page.goto(live_server.url + "/")
    log_in(journey, person.email, step=False)
    main.get_by_role("link", name="Мои чаты").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Мои чаты")
    expect(main).to_contain_text("Вы не состоите ни в одном чате")
    main.get_by_role("link", name=re.compile("Чаты, в которые можно вступить")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Правила чатов")
    main.get_by_role("checkbox").check()
    main.get_by_role("button", name="Принять правила").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Выберите чаты")
    card = main.locator("li.card", has_text=CHAT)
    if join:
        card.get_by_role("button", name=f"Вступить в чат «{CHAT}»").click()
        # Joined on the site and, right after the commit, in the homeserver's room.
        expect(page.get_by_role("status").first).to_have_text(f"Вы вступили в чат «{CHAT}».")
    expect(card).to_contain_text("Вы участник")  # the homeroom teacher: joined with the rules
    journey.step("chats-chosen", check=False)  # checked by the registration paths
    main.get_by_role("link", name="Готово").click()
    main.get_by_role("link", name="Мои чаты").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Мои чаты")
    mine = main.locator("li.card", has_text=CHAT)
    expect(mine).to_have_count(1)
    journey.step("my-chats", check=False)
    mine.get_by_role("link", name="Открыть чат").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CHAT)
    expect(page).to_have_url(re.compile(r"/chats/\d+#write$"))
    return page.url.split("#")[0]


def message(page, text: str):
    return page.locator("#messages li.message", has_text=text)


def send(page, text: str) -> None:
    page.get_by_label("Сообщение", exact=True).fill(text)
    page.get_by_role("button", name="Отправить").click()


def assert_fits_the_phone(page) -> None:
    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert width <= WIDTH, f"the chat page scrolls sideways at {WIDTH} px: {width} px wide ({page.url})"


def assert_targets_44_px(page) -> None:
    """Every control of the chat page, and every link standing alone (not one
    inside a message's text), is at least 44 px tall."""
    targets = page.locator("main button, main textarea, main p > a, main li > a, header a, header button")
    short = []
    for target in targets.all():
        box = target.bounding_box()
        if box is not None and box["height"] < MIN_TARGET:
            short.append((target.inner_text().strip() or target.get_attribute("name"), box["height"]))
    assert not short, f"touch targets under {MIN_TARGET} px on {page.url}: {short}"


def assert_weight(phone_page, chat_url: str, live_server) -> int:
    """The chat page's HTML (as sent) and its stylesheet together stay under the budget."""
    response = phone_page.context.request.get(chat_url)
    assert response.status == 200
    html = response.body()
    assert len(html) < PAGE_BUDGET, f"the chat page is {len(html)} bytes of HTML"
    css = 0
    for href in re.findall(rb'<link rel="stylesheet" href="([^"]+)"', html):
        css += len(phone_page.context.request.get(live_server.url + href.decode()).body())
    assert css, "no stylesheet on the chat page"
    assert len(html) + css < PAGE_BUDGET, f"the chat page is {len(html)} + {css} bytes of HTML + CSS"
    return len(html) + css


def post_as(live_server, email: str, chat_url: str, bodies: list[str]) -> None:
    """Messages sent straight to the homeserver as a member (a lively chat, written in an app)."""
    from onboarding.matrix.worker import get_client
    from onboarding.models import MatrixAccount, MatrixRoom, User

    chat_id = int(chat_url.rsplit("/", 1)[1])
    with live_server.app.app_context():
        db = live_server.session()
        user = db.query(User).filter_by(email=email).one()
        mxid = db.get(MatrixAccount, user.id).mxid
        room_id = db.get(MatrixRoom, chat_id).room_id
        db.close()
        client = get_client(live_server.app)
        for n, body in enumerate(bodies):
            client.send_text(room_id, mxid, body, f"e2e-{time.time_ns()}-{n}")


def test_a_parent_and_the_teacher_talk_in_the_parents_chat(live_chat_server, phone, browser, a11y_report):
    live = live_chat_server
    ids = seed_school(live, units="1А 2Б 5А", teacher=TEACHER, lead_of="2Б", pupils=PUPILS)
    seed_confirmed_parent(live, ids)

    # The parent: the chat rules, the parents' chat of 2Б, its page.
    parent = phone("parent")
    ppage = parent.page
    chat_url = accept_rules_and_open_chat(parent, live, PARENT, join=True)
    expect(ppage.locator("main")).to_contain_text("Сообщений пока нет")
    expect(ppage.get_by_label("Сообщение", exact=True)).to_be_visible()
    parent.step("chat-empty")

    send(ppage, HELLO)
    expect(message(ppage, HELLO)).to_have_count(1)
    expect(message(ppage, HELLO).locator(".meta")).to_contain_text(PARENT_SENDER)
    expect(message(ppage, HELLO).locator("time")).to_have_text(re.compile(r"^\d{1,2}\s\S+,\s\d{2}:\d{2}$"))
    expect(ppage.locator("#no-messages")).to_have_count(0)
    expect(ppage.get_by_label("Сообщение", exact=True)).to_have_value("")
    parent.step("chat-hello")
    ppage.evaluate("() => { window.notReloaded = true; }")  # gone if the page reloads

    # The homeroom teacher, on their own phone: in the class's chats as soon as they accept the rules.
    teacher = phone("teacher")
    tpage = teacher.page
    assert accept_rules_and_open_chat(teacher, live, TEACHER, join=False) == chat_url
    hello = message(tpage, HELLO)
    expect(hello).to_have_count(1)
    expect(hello.locator(".meta")).to_contain_text(PARENT_SENDER)
    expect(hello).not_to_have_class(re.compile(r"\bmine\b"))
    teacher.step("teacher-sees-hello")
    send(tpage, ANSWER)
    expect(message(tpage, ANSWER)).to_have_count(1)
    sent_at = time.monotonic()
    expect(message(tpage, ANSWER)).to_have_class(re.compile(r"\bmine\b"))
    expect(message(tpage, ANSWER).locator(".meta")).to_contain_text(TEACHER_SENDER)
    teacher.step("teacher-answered")

    # The parent's page shows the answer by itself (the script polls every 4 s), after the greeting.
    expect(message(ppage, ANSWER)).to_have_count(1, timeout=10_000)
    waited = time.monotonic() - sent_at
    assert ppage.evaluate("() => window.notReloaded === true"), "the page reloaded to show the answer"
    expect(message(ppage, ANSWER).locator(".meta")).to_contain_text(TEACHER_SENDER)
    expect(ppage.locator("#messages li.message")).to_have_text([re.compile(HELLO), re.compile(re.escape(ANSWER))])
    # New messages are announced to a screen reader; each time stays on one line.
    expect(ppage.locator("#messages")).to_have_attribute("aria-live", "polite")
    assert ppage.evaluate("() => [...document.querySelectorAll('#messages time')]"
                          ".every(t => t.getClientRects().length === 1)"), "a message's time is broken across lines"
    parent.step("parent-sees-answer")
    print(f"the answer appeared on the parent's page {waited:.1f} s after it was sent")

    # Without JavaScript: the same parent on another phone posts and reads after the redirect.
    context = browser.new_context(**PHONE, java_script_enabled=False)
    context.set_default_timeout(10_000)
    try:
        plain = Journey(context.new_page(), "a_parent_and_the_teacher_talk_in_the_parents_chat-no-script",
                        a11y_report)
        npage = plain.page
        npage.goto(live.url + "/")
        log_in(plain, PARENT.email, step=False)
        npage.goto(chat_url)
        expect(message(npage, ANSWER)).to_have_count(1)
        plain.step("no-script-chat", check=False)
        send(npage, NO_SCRIPT)
        expect(npage).to_have_url(re.compile(r"/chats/\d+#write$"))
        expect(message(npage, "Расписание здесь")).to_have_count(1)
        expect(message(npage, "Расписание здесь").get_by_role("link")).to_have_attribute(
            "href", NO_SCRIPT.split(": ", 1)[1])
        # axe itself needs the page's scripts to run (with them off it never ends): the
        # same page with scripts is checked on the other phones.
        plain.step("no-script-sent", check=False)
    finally:
        context.close()

    # The long address reaches the first phone too, and wraps there.
    expect(message(ppage, "Расписание здесь")).to_have_count(1, timeout=10_000)
    assert ppage.evaluate("() => window.notReloaded === true")
    assert_fits_the_phone(ppage)
    assert_targets_44_px(ppage)
    parent.step("parent-sees-link")
    ppage.reload()
    expect(message(ppage, "Расписание здесь")).to_have_count(1)
    assert_fits_the_phone(ppage)
    assert_targets_44_px(ppage)
    assert_fits_the_phone(tpage)
    weight = assert_weight(ppage, chat_url, live)
    print(f"the chat page with 3 messages: {weight} bytes of HTML + CSS")

    # A lively chat: «Открыть чат» and a sent message both land where the
    # latest messages and the box to write in are on the screen together.
    post_as(live, TEACHER.email, chat_url, [f"Напоминание № {n}: принесите сменную обувь." for n in range(1, 9)])
    ppage.get_by_role("link", name="Мои чаты").click()
    ppage.locator("main li.card", has_text=CHAT).get_by_role("link", name="Открыть чат").click()
    expect(message(ppage, "Напоминание № 8")).to_be_in_viewport()
    expect(ppage.get_by_role("button", name="Отправить")).to_be_in_viewport()
    send(ppage, "Спасибо, принесём.")
    expect(message(ppage, "Спасибо, принесём.")).to_be_in_viewport()
    expect(ppage.get_by_label("Сообщение", exact=True)).to_be_in_viewport()
    parent.step("parent-busy-chat")
    assert_weight(ppage, chat_url, live)

    # The session ends (cookies gone): the script's next poll is answered
    # with a redirect to the login page, which must not end up inside the
    # list of messages; the script stops asking.
    count = ppage.locator("#messages > li").count()
    polls: list[str] = []
    ppage.on("request", lambda request: "/new?" in request.url and polls.append(request.url))
    ppage.context.clear_cookies()
    with ppage.expect_response(lambda response: "/new?" in response.url and response.status == 302,
                               timeout=10_000):
        pass
    asked = len(polls)
    ppage.wait_for_timeout(4_500)  # one more period of the script
    expect(ppage.locator("#messages > li")).to_have_count(count)
    expect(ppage.locator("#messages form, #messages header, #messages h1")).to_have_count(0)
    assert len(polls) == asked, f"the script kept asking after the session ended: {polls}"
