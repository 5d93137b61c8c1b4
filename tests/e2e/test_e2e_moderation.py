"""Moderation on phones: the homeroom teacher records four violations of a
parent in «Родители класса 2Б» and blocks them for a week; the parent then
cannot write, and the chat page says until when. The chats live on the test
run's real Synapse (`live_chat_server`)."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from matrix_support import daytime_zone
from playwright.sync_api import expect

from .e2e_steps import Person, log_in, seed_school

pytestmark = pytest.mark.browser

TEACHER = Person("Петрова", "Анна", "Ивановна", "a.petrova@school7.ru")
PARENT = Person("Смирнова", "Ольга", "Викторовна", "olga.smirnova@yandex.ru")
PUPILS = (("2Б", "misha.smirnov", "Смирнов", "Миша"),)


def seed_chat(live_server, ids: dict) -> tuple[int, str]:
    """The parent of 2Б (child confirmed) and the homeroom teacher, both in the
    parents' chat with the rules accepted; returns the chat's id and the
    block's last day (a week on, local)."""
    from onboarding import texts
    from onboarding.chats import operations as chats
    from onboarding.consent import operations as consent
    from onboarding.matrix.worker import run_due
    from onboarding.models import Chat, Membership, Organisation, ParentLink, User, utcnow
    from onboarding.people import accounts
    from onboarding.web import hasher

    with live_server.app.app_context():
        db = live_server.session()
        now = utcnow()
        org = db.get(Organisation, ids["org"])
        org.timezone = daytime_zone()
        parent = accounts.create_user(db, hasher(), email=PARENT.email, password=PARENT.password,
                                      last_name=PARENT.last_name, first_name=PARENT.first_name,
                                      patronymic=PARENT.patronymic, login=None, now=now, status="active")
        child = db.query(User).filter_by(login="misha.smirnov").one()
        unit_id = ids["units"]["2Б"]
        db.add(Membership(org_id=org.id, user_id=parent.id, unit_id=unit_id, role="parent", created_at=now))
        db.add(ParentLink(org_id=org.id, unit_id=unit_id, parent_id=parent.id, child_id=child.id,
                          child_name_given="Смирнов Миша", status="confirmed", created_at=now, decided_at=now,
                          decided_by_id=ids["teacher"]))
        db.flush()
        chat = db.query(Chat).filter_by(org_id=org.id, unit_id=unit_id, kind="parents").one()
        for user_id in (ids["teacher"], parent.id):
            consent.accept_chat_rules(db, user_id=user_id, org_id=org.id, text="rules",
                                      version=texts.CHAT_RULES_VERSION, now=now, ip=None, user_agent=None)
            chats.join_chat(db, chat.id, user_id=user_id, now=now)
        db.commit()
        last_day = (now.astimezone(ZoneInfo(org.timezone)) + timedelta(days=7)).date()
        chat_id = chat.id
        db.close()
        run_due()
    return chat_id, last_day


def test_a_moderator_blocks_a_parent_for_a_week_after_four_violations(live_chat_server, phone):
    live = live_chat_server
    ids = seed_school(live, units="1А 2Б 5А", teacher=TEACHER, lead_of="2Б", pupils=PUPILS)
    chat_id, last_day = seed_chat(live, ids)

    teacher = phone("teacher")
    tpage = teacher.page
    main = tpage.locator("main")
    tpage.goto(live.url + "/")
    log_in(teacher, TEACHER.email, step=False)
    tpage.goto(f"{live.url}/chats/{chat_id}")
    main.get_by_role("link", name="Модерация").click()
    expect(tpage.get_by_role("heading", level=1)).to_contain_text("Модерация")
    teacher.step("moderation")
    for count in range(1, 5):
        form = main.locator("form", has=tpage.locator("#violation-member"))
        form.locator("#violation-member").select_option(label="Смирнова О. В." + (f" ({count - 1})" if count > 1 else ""))
        form.locator("#violation-rule").select_option(value="2")
        form.get_by_role("button", name="Записать нарушение").click()
        expect(tpage.get_by_role("status").first).to_contain_text("Нарушение записано")
    block = main.locator("form", has=tpage.locator("#block-member"))
    block.locator("#block-member").select_option(label="Смирнова О. В. (4)")
    block.locator("#block-rule").select_option(value="2")
    block.locator("#block-until").fill(last_day.isoformat())
    block.get_by_role("button", name="Заблокировать").click()
    expect(tpage.get_by_role("status").first).to_contain_text("Участник заблокирован")
    expect(main).to_contain_text("Действующие блокировки")
    teacher.step("blocked")

    parent = phone("parent")
    ppage = parent.page
    ppage.goto(live.url + "/")
    log_in(parent, PARENT.email, step=False)
    ppage.goto(f"{live.url}/chats/{chat_id}")
    notice = ppage.locator("#write")
    months = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
              "ноября", "декабря")
    expect(notice).to_contain_text(f"до {last_day.day} {months[last_day.month - 1]} {last_day.year} включительно")
    expect(ppage.get_by_label("Сообщение", exact=True)).to_have_count(0)
    parent.step("blocked-parent")
