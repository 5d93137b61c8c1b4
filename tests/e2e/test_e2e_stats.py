"""The administrator reads the school's statistics on a phone: from the
console to the figures of each class, a chart that fits 360 px and reads
without sight, and the spreadsheet downloaded and opened; a parent who
opens the same address is refused."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from .e2e_steps import PASSWORD, log_in, seed_school

pytestmark = pytest.mark.browser

PARENT_EMAIL = "olga.smirnova@yandex.ru"
PUPILS = (("2А", "misha.smirnov", "Смирнов", "Миша"), ("2А", "katya.orlova", "Орлова", "Катя"),
          ("2А", "oleg.zuev", "Зуев", "Олег"))


def _fill_2a(live_server, ids):
    """2А: 4 names on the list, 3 pupils registered (2 in the class chat); a
    confirmed parent in the parents' chat and a parent awaiting confirmation;
    7 messages in the parents' chat this week."""
    from onboarding.models import Chat, ChatMember, ChatWeekCount, Membership, ParentLink, RosterEntry, User, utcnow
    from onboarding.people import accounts
    from onboarding.people.roster import name_key
    from onboarding.stats.weeks import local_date, week_start
    from onboarding.web import hasher

    with live_server.app.app_context():
        db = live_server.session()
        now = utcnow()
        org_id, unit_id = ids["org"], ids["units"]["2А"]
        for name in ("Смирнов Миша", "Орлова Катя", "Зуев Олег", "Лебедева Ира"):
            db.add(RosterEntry(org_id=org_id, unit_id=unit_id, full_name=name, name_key=name_key(name), created_at=now))
        pupils = {user.login: user for user in db.query(User).filter(User.login.isnot(None))}
        parents = []
        for email, last, first in ((PARENT_EMAIL, "Смирнова", "Ольга"), ("i.zueva@mail.ru", "Зуева", "Ирина")):
            parent = accounts.create_user(db, hasher(), email=email, password=PASSWORD, last_name=last,
                                          first_name=first, now=now, status="active")
            db.add(Membership(org_id=org_id, user_id=parent.id, unit_id=unit_id, role="parent", created_at=now))
            parents.append(parent)
        db.add(ParentLink(org_id=org_id, unit_id=unit_id, parent_id=parents[0].id,
                          child_id=pupils["misha.smirnov"].id, status="confirmed", created_at=now, decided_at=now))
        db.add(ParentLink(org_id=org_id, unit_id=unit_id, parent_id=parents[1].id, child_name_given="Зуев Олег",
                          status="pending", created_at=now))
        chats = {chat.kind: chat for chat in db.query(Chat).filter_by(org_id=org_id, unit_id=unit_id)}
        for chat, user in ((chats["class"], pupils["misha.smirnov"]), (chats["class"], pupils["katya.orlova"]),
                           (chats["parents"], parents[0])):
            db.add(ChatMember(org_id=org_id, chat_id=chat.id, user_id=user.id, joined_at=now))
        this_week = week_start(local_date(datetime.now(timezone.utc), "Asia/Yekaterinburg"))
        db.add(ChatWeekCount(chat_id=chats["parents"].id, week_start=this_week, messages=7))
        db.commit()
        db.close()


def _row(page, unit_name: str) -> list[str]:
    row = page.locator("table").first.locator("tbody tr", has=page.locator("th", has_text=unit_name))
    return [text.strip() for text in row.locator("th, td").all_inner_texts()]


def test_the_administrator_reads_the_statistics_and_a_parent_is_refused(live_server, phone, tmp_path):
    ids = seed_school(live_server, units="1А 2А", pupils=PUPILS)
    _fill_2a(live_server, ids)
    admin = ids["admin_person"]

    journey = phone()
    page = journey.page
    page.goto(live_server.url + "/")
    log_in(journey, admin.email, step=False)  # an administrator lands on their console
    expect(page.get_by_role("heading", level=1)).to_have_text("МБОУ «Школа № 7»")
    page.locator("main").get_by_role("link", name="Статистика").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Статистика")
    stats_url = page.url
    assert stats_url == f"{live_server.url}/org/{ids['org']}/stats/"

    # Pupils: 3 of 4 on the list; parents: 2 registered, 1 confirmed, 1 waiting;
    # 2 of 3 pupils in the class chat, 1 of 2 parents in the parents' chat.
    assert _row(page, "2А") == ["2А", "3 из 4", "2, 1, 1", "67 %", "50 %"]
    assert _row(page, "1А") == ["1А", "0 из 0", "0, 0, 0", "—", "—"]
    expect(page.locator("dl.facts")).to_contain_text("Учеников зарегистрировано")
    # The charts: SVG pictures named by their titles, described in words.
    people = page.get_by_role("img", name="Регистрации по неделям")
    expect(people).to_be_visible()
    assert people.evaluate("el => el.tagName") == "svg"
    description = people.locator("desc").text_content()
    assert "сейчас учеников: 3, родителей: 2" in description and "в таблице ниже" in description
    expect(page.get_by_role("img", name="Сообщения по неделям")).to_be_visible()
    assert "за эту неделю: 7" in page.get_by_role("img", name="Сообщения по неделям").locator("desc").text_content()
    # Readable on a 360 px phone: the page never scrolls sideways and the charts fit its width; a table
    # wider than the phone scrolls in its own box, each row's name staying in view.
    assert page.evaluate("window.innerWidth") == 360
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    assert people.bounding_box()["width"] <= 360
    journey.step("statistics")
    page.get_by_role("region", name="Классы").evaluate("box => box.scrollLeft = box.scrollWidth")
    name = page.get_by_role("rowheader", name="2А").bounding_box()
    assert 0 <= name["x"] and name["x"] + name["width"] <= 360

    with page.expect_download() as download_info:
        page.locator("main").get_by_role("link", name="Скачать таблицу").click()
    download = download_info.value
    assert download.suggested_filename.startswith("statistics-") and download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    book = load_workbook(saved)
    units = [list(row) for row in book["Классы"].iter_rows(values_only=True)]
    assert units[0][:3] == ["Класс", "В списке", "Учеников зарегистрировано"]
    assert ["2А", 4, 3, 2, 1, 1, 67, 50] in units
    chats = {row[0]: row for row in book["Чаты"].iter_rows(values_only=True)}
    assert chats["Родители класса 2А"][1:] == (1, 50, 7)

    page.locator("main").get_by_role("link", name="Чаты").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Статистика чатов")
    chat_row = page.get_by_role("row", name="Родители класса 2А")
    expect(chat_row.get_by_role("cell").nth(0)).to_have_text("1 (50 %)")
    expect(chat_row.get_by_role("cell").nth(1)).to_have_text("7")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    journey.step("chats")

    parent = phone("parent")
    ppage = parent.page
    ppage.goto(live_server.url + "/")
    log_in(parent, PARENT_EMAIL, step=False)
    response = ppage.goto(stats_url)
    assert response.status == 403
    expect(ppage.get_by_role("heading", level=1)).to_have_text("Доступ закрыт")
    expect(ppage.locator("main")).not_to_contain_text("Учеников зарегистрировано")
    expect(ppage.locator("main")).not_to_contain_text("3 из 4")
    parent.step("refused")
