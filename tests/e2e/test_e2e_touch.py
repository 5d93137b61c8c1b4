"""A parent never gets stuck on a phone: a form sent with a missed box puts
the error summary at the top and the focus on it (no script: `autofocus`),
its links take the reader to the field; and every link that stands alone
is as easy to tap as a button (at least 44 px tall at 360 × 740)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .e2e_steps import Person, log_in, make_link, seed_school

pytestmark = pytest.mark.browser

TEACHER = Person("Петрова", "Анна", "Ивановна", "a.petrova@school7.ru")
MIN_TARGET = 44


def _focused_class(page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.className")


def test_the_error_summary_takes_the_focus_and_leads_to_the_field(live_server, smtp_sink, phone):
    seed_school(live_server, teacher=TEACHER)
    journey = phone()
    page = journey.page
    page.goto(live_server.url + "/login")
    page.get_by_label("Электронная почта или логин").fill(TEACHER.email)
    page.locator("main").get_by_role("button", name="Войти").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("Проверьте, пожалуйста, форму")
    assert _focused_class(page) == "error-summary", "the focus did not land on the error summary"
    journey.step("login-errors")  # axe: no serious or critical finding with the summary shown

    summary.get_by_role("link", name="Пароль: Введите пароль.").click()
    assert page.evaluate("() => document.activeElement.id") == "password"
    assert page.url.endswith("#password")

    # The chat rules, sent without the box ticked: the summary, above the rules, has the focus.
    page.get_by_label("Пароль", exact=True).fill(TEACHER.password)
    page.locator("main").get_by_role("button", name="Войти").click()
    expect(page.get_by_role("button", name="Выйти")).to_be_visible()
    page.goto(live_server.url + "/chats/")
    page.get_by_role("link", name="Чаты, в которые можно вступить").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Правила чатов")
    page.get_by_role("button", name="Принять правила").click()
    expect(summary).to_be_visible()
    assert _focused_class(page) == "error-summary"
    box = summary.bounding_box()
    assert box is not None and box["y"] < 740, "the summary is not on the first screen"
    journey.step("rules-errors")
    summary.get_by_role("link").first.click()
    assert page.evaluate("() => document.activeElement.id") == "agree"


def _heights(page, selector: str) -> list[tuple[str, float]]:
    found = []
    for link in page.locator(selector).all():
        box = link.bounding_box()
        assert box is not None, f"{selector} is not shown on {page.url}"
        found.append((link.inner_text().strip(), box["height"]))
    assert found, f"nothing matches {selector} on {page.url}"
    return found


def _assert_tall(page, selector: str) -> None:
    short = [(text, height) for text, height in _heights(page, selector) if height < MIN_TARGET]
    assert not short, f"links under {MIN_TARGET} px on {page.url}: {short}"


def test_links_that_stand_alone_are_44_px_tall(live_server, smtp_sink, phone):
    ids = seed_school(live_server, teacher=TEACHER)
    link = make_link(live_server, ids, kind="parent", unit="2А")
    journey = phone()
    page = journey.page

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Школа № 7")
    _assert_tall(page, "main a[href*='/login']")  # «Войти» under «Уже есть учётная запись?»
    journey.step("landing")
    page.goto(live_server.url + "/login")
    _assert_tall(page, "main a[href$='/password/forgot']")  # «Забыли пароль?»

    page.goto(live_server.url + "/")
    log_in(journey, TEACHER.email, step=False)

    page.goto(live_server.url + "/chats/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Мои чаты")
    _assert_tall(page, "main a")  # the links under «Мои чаты»
    journey.step("my-chats")

    page.goto(f"{live_server.url}/org/{ids['org']}/units/{ids['units']['2А']}/invites")
    _assert_tall(page, "main .card > a, main .secondary-action a")  # «Подробнее», «Все ссылки-приглашения»
    page.locator("main .card > a").first.click()
    _assert_tall(page, "main .secondary-action a")  # the share page's secondary actions
    journey.step("share")
