"""A class with no pupil accounts (grade 1): the homeroom teacher enters the
class list on their phone; a parent registers naming a child; the teacher
confirms the parent against the name on the list; the parent gets the
e-mail, follows its link and joins the parents' chat."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .e2e_steps import Person, log_in, make_link, register_by_link, seed_school

pytestmark = pytest.mark.browser

TEACHER = Person("Петрова", "Анна", "Ивановна", "a.petrova@school7.ru")
PARENT = Person("Смирнова", "Ольга", "Викторовна", "olga.smirnova@yandex.ru")


def test_a_class_without_accounts_confirms_a_parent_from_its_list(live_server, smtp_sink, phone):
    ids = seed_school(live_server, teacher=TEACHER, lead_of="1А")
    link = make_link(live_server, ids, kind="parent", unit="1А")

    teacher = phone("teacher")
    tpage = teacher.page
    tpage.goto(live_server.url + "/")
    log_in(teacher, TEACHER.email, step=False)
    tpage.locator("main").get_by_role("link", name="Список класса 1А").click()
    expect(tpage.get_by_role("heading", level=1)).to_have_text("Список класса 1А")
    expect(tpage.locator("main")).to_contain_text("родители его не видят")
    teacher.step("list-empty")
    # Pasted as a column from a spreadsheet.
    tpage.get_by_label("Имена, которые нужно добавить").fill("Смирнов  Миша\nОрлова Катя\n\nЗуев Олег")
    tpage.get_by_role("button", name="Добавить в список").click()
    expect(tpage.get_by_role("status").first).to_contain_text("Добавлено имён в список: 3")
    expect(tpage.locator("main ol li")).to_have_count(3)
    teacher.step("list-filled")
    assert len(tpage.content().encode()) < 20_000

    journey = phone()
    page = journey.page
    register_by_link(journey, smtp_sink, link, PARENT, org_name="Школа № 7", extra={"child_name": "смирнов миша"})
    main = page.locator("main")
    expect(page).to_have_url(re.compile(r"/chats/org/\d+$"))  # consent, then straight to the waiting page
    expect(main).to_contain_text("Классный руководитель Петрова А. И. подтвердит, что вы родитель ребёнка: смирнов миша")
    expect(main).to_contain_text("вам придёт письмо")
    expect(main).not_to_contain_text("Орлова Катя")  # parents never see the list
    journey.step("waiting")

    tpage.goto(live_server.url + "/")
    tpage.locator("main").get_by_role("link", name=re.compile("Родители ждут подтверждения")).click()
    card = tpage.locator("main li.card", has_text="смирнов миша")
    expect(card).to_contain_text("Смирнова Ольга")
    # The typed name matches the list (case and spacing ignored): chosen already.
    expect(card.get_by_role("combobox")).to_have_value(re.compile(r"^e\d+$"))
    expect(card.get_by_role("combobox").locator("option:checked")).to_have_text("Смирнов Миша")
    teacher.step("queue")
    assert len(tpage.content().encode()) < 20_000
    card.get_by_role("button", name="Подтвердить").click()
    expect(tpage.get_by_role("status").first).to_contain_text("Подтверждено")
    teacher.step("confirmed")

    letter = smtp_sink.wait_for(PARENT.email, count=2)
    assert letter["Subject"].startswith("Вы подтверждены как родитель")
    text = letter.get_content()
    assert "Ученик: Смирнов Миша, класс 1А" in text
    assert "Кто подтвердил: классный руководитель Петрова А. И." in text
    page.goto(smtp_sink.link_for(PARENT.email, live_server.url, count=2))
    expect(page).to_have_url(re.compile(r"/chats/org/\d+/rules"))  # a chat on offer: its rules first
    journey.step("chat-rules")
    main.get_by_role("checkbox").check()
    main.get_by_role("button").click()
    offered = main.locator("li")
    expect(offered).to_have_count(2)  # the class's parents' chat and the school-wide channel
    expect(offered.first).to_contain_text("Родители класса 1А")
    expect(offered.last).to_contain_text("Общешкольный канал")
    journey.step("chats-open")
    main.get_by_role("button", name=re.compile("Родители класса 1А")).click()
    expect(main.get_by_role("button", name=re.compile("Родители класса 1А"))).to_have_count(0)
    journey.step("joined")
