"""Path 1: the administrator, from the operator's link to a school with classes.

The platform operator runs `flask --app wsgi org create`; the administrator
opens the printed link on a phone, registers with the code the SMTP sink
received, consents, then fills in the details and creates classes several
at a time. They log out and back in, recover a forgotten password by the
e-mailed link, and the operator's link no longer works.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .e2e_steps import PASSWORD, Person, last_line, log_in, log_out, register_by_link

pytestmark = pytest.mark.browser

ORG_NAME = "МБОУ «Средняя общеобразовательная школа № 7»"
ADMIN = Person("Ювакаева", "Лилия", "Рашидовна", "l.yuv@mail.ru", "8 912 345-67-89")


def test_administrator_registers_and_builds_the_school(live_server, smtp_sink, phone):
    output = live_server.flask(
        "org", "create", "--name", ORG_NAME, "--kind", "school", "--timezone", "Asia/Yekaterinburg",
        "--admin-name", "Ювакаева Лилия Рашидовна", "--admin-email", "L.Yuv@Mail.ru",
    )
    link = last_line(output)
    assert link.startswith(live_server.url + "/i/"), output

    journey = phone()
    page = journey.page
    register_by_link(journey, smtp_sink, link, ADMIN, org_name=ORG_NAME, prefilled_email=True)
    expect(page.get_by_role("status").first).to_contain_text("Регистрация завершена")

    # The console: no classes yet.
    expect(page).to_have_url(f"{live_server.url}/org/1/admin/")
    expect(page.get_by_role("heading", level=1)).to_have_text(ORG_NAME)
    expect(page.locator("main")).to_contain_text("Учительская")
    journey.step("console-empty")

    # Details: a short name and the city.
    page.get_by_role("link", name="Изменить сведения").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Сведения об организации")
    journey.step("details")
    page.get_by_label("Краткое название (необязательно)").fill("Школа № 7")
    page.get_by_label("Город или село (необязательно)").fill("Берёзовский")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("status").first).to_contain_text("Сведения сохранены")
    expect(page.get_by_role("heading", level=1)).to_have_text("Школа № 7")
    expect(page.locator(".facts")).to_contain_text("Берёзовский")

    # Classes by name, several at once; a typo is refused beside the field.
    names = page.locator("#list-names")
    names.fill("1А 1Б 2А Ж5")
    page.get_by_role("button", name="Создать классы").first.click()
    expect(page.locator("#list-names-error")).to_contain_text("Ж5")
    expect(page.locator("#list-names")).to_have_value("1А 1Б 2А Ж5")
    journey.step("classes-error")
    page.locator("#list-names").fill("1А 1Б 2А 2Б")
    page.get_by_role("button", name="Создать классы").first.click()
    expect(page.get_by_role("status").first).to_contain_text("Создано: 1А, 1Б, 2А, 2Б")

    # A whole grade at once: 5А-5В.
    page.locator("#grade-grade").fill("5")
    page.locator("#grade-letters").fill("А-В")
    page.get_by_role("button", name="Создать классы").nth(1).click()
    expect(page.get_by_role("status").first).to_contain_text("Создано: 5А, 5Б, 5В")
    units = page.locator("section[aria-labelledby=units-heading] ul.units li")
    expect(units).to_have_count(8)  # the staff room and seven classes
    for name in ("1А", "1Б", "2А", "2Б", "5А", "5Б", "5В"):
        expect(units.filter(has_text=name)).to_have_count(1)
    journey.step("console-classes")

    # Log out, and back in by e-mail and password.
    log_out(journey)
    journey.step("logged-out")
    log_in(journey, ADMIN.email)
    expect(page).to_have_url(f"{live_server.url}/org/1/admin/")

    # A forgotten password: the link arrives by e-mail and works once.
    log_out(journey)
    page.get_by_role("link", name="Войти").first.click()
    page.get_by_role("link", name="Забыли пароль?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Восстановление пароля")
    journey.step("forgot")
    page.get_by_label("Электронная почта").fill(ADMIN.email)
    page.get_by_role("button", name="Отправить ссылку").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Проверьте почту")
    journey.step("forgot-sent")
    reset_link = smtp_sink.link_for(ADMIN.email, live_server.url, count=2)
    page.goto(reset_link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Новый пароль")
    journey.step("reset")
    new_password = "летний дождь над рекой"
    page.get_by_label("Новый пароль").fill(new_password)
    page.get_by_role("button", name="Сохранить пароль").click()
    expect(page.get_by_role("status").first).to_contain_text("Пароль изменён")
    log_out(journey)
    page.goto(reset_link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ссылка больше не действует")
    journey.step("reset-used")
    page.goto(live_server.url + "/")
    log_in(journey, ADMIN.email, new_password, step=False)
    expect(page).to_have_url(f"{live_server.url}/org/1/admin/")
    assert new_password != PASSWORD

    # The operator's link was single-use.
    log_out(journey)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ссылка уже использована")
    journey.step("link-used")
