"""Path 2: the administrator makes a staff link; a teacher registers by it and
waits for verification; the administrator verifies them; the teacher, now
the homeroom teacher of 2А, makes a parent link and a pupil link (each with
its QR code and print view) and printable letters for the class's parents."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .e2e_steps import Person, log_in, register_by_link, seed_school

pytestmark = pytest.mark.browser

TEACHER = Person("Петрова", "Анна", "Ивановна", "a.petrova@school7.ru")


def make_link(journey, org_id: int, kind: str, *, unit: str | None = None, extra_lead: str | None = None) -> str:
    """The «new link» form: who for, where to; returns the link shown with its QR code."""
    page = journey.page
    page.goto(f"{journey.base_url}/org/{org_id}/invites/new")
    page.locator(f"input[name=kind][value={kind}]").check()
    if unit:
        page.get_by_label("Куда").select_option(label=unit)
    if extra_lead:
        page.locator("input[name=extra][value=lead]").check()
        page.locator("#lead_unit").select_option(label=extra_lead)
    page.get_by_role("button", name="Создать ссылку").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ссылка-приглашение")
    expect(page.locator("main figure svg")).to_be_visible()
    link = page.locator("#invite-link").input_value()
    assert link.startswith(journey.base_url + "/i/"), link
    return link


def test_teacher_is_invited_verified_and_invites_parents_and_pupils(live_server, smtp_sink, phone):
    ids = seed_school(live_server)
    admin = ids["admin_person"]
    office = phone("admin")
    office.base_url = live_server.url
    office.page.goto(live_server.url + "/")
    log_in(office, admin.email, step=False)
    staff_link = make_link(office, ids["org"], "staff", extra_lead="2А")
    office.step("staff-link")

    teacher = phone("teacher")
    teacher.base_url = live_server.url
    register_by_link(teacher, smtp_sink, staff_link, TEACHER, org_name="Школа № 7")
    # The chat rules are the last step; only then is the registration complete.
    main = teacher.page.locator("main")
    expect(main).to_contain_text("Шаг 4 из 4")
    main.get_by_role("checkbox").check()
    main.get_by_role("button", name="Принять правила").click()
    expect(teacher.page.get_by_role("status").first).to_contain_text("Регистрация завершена")
    teacher.step("registered")
    # Until verified, a teacher can't make links.
    teacher.page.goto(f"{live_server.url}/org/{ids['org']}/invites/new")
    expect(teacher.page.locator("main")).not_to_contain_text("Создать ссылку")
    teacher.step("not-yet-verified")

    office.page.goto(f"{live_server.url}/org/{ids['org']}/review/teachers")
    expect(office.page.locator("main")).to_contain_text("Петрова Анна Ивановна")
    office.step("review-teachers")
    office.page.locator("main form button[type=submit]").first.click()
    expect(office.page.locator("main")).not_to_contain_text("Петрова Анна Ивановна")

    parent_link = make_link(teacher, ids["org"], "parent", unit="2А")
    teacher.step("parent-link")
    teacher.page.locator("main a[href$='/print']").click()
    expect(teacher.page.locator("main")).to_contain_text(parent_link)
    teacher.step("parent-link-print")
    pupil_link = make_link(teacher, ids["org"], "student", unit="2А")
    teacher.step("pupil-link")
    assert pupil_link != parent_link

    teacher.page.goto(f"{live_server.url}/org/{ids['org']}/units/{ids['units']['2А']}/letters")
    teacher.step("letters-form")
    teacher.page.locator("#names").fill("Смирнов Миша\nКузнецова Вера\nОрлов Тимур")
    teacher.page.locator("main form button[type=submit]").first.click()
    expect(teacher.page.get_by_role("status").first).to_contain_text("3")
    expect(teacher.page.locator("main svg")).to_have_count(3)
    for name in ("Смирнов Миша", "Кузнецова Вера", "Орлов Тимур"):
        expect(teacher.page.locator("main")).to_contain_text(name)
    teacher.step("letters")
