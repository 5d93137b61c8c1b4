"""Path 5 (with the sharing half of path 2): a verified homeroom teacher makes
a parent link for their class, sees it with its QR code and print view,
revokes it, and the link then shows the revoked page on a parent's phone."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .e2e_steps import Person, log_in, seed_school

pytestmark = pytest.mark.browser

TEACHER = Person("Петрова", "Анна", "Ивановна", "a.petrova@school7.ru")


def test_teacher_revokes_an_invite_and_the_link_says_so(live_server, smtp_sink, phone):
    ids = seed_school(live_server, teacher=TEACHER)
    journey = phone()
    page = journey.page
    page.goto(live_server.url + "/")
    log_in(journey, TEACHER.email)

    page.goto(f"{live_server.url}/org/{ids['org']}/invites/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Новая ссылка-приглашение")
    journey.step("new-link")
    page.get_by_role("radio", name=re.compile("^Родители: одна ссылка")).check()
    page.get_by_label("Куда").select_option(label="2А")
    page.get_by_role("button", name="Создать ссылку").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ссылка-приглашение")
    qr = page.locator("main svg")
    expect(qr.first).to_be_visible()
    link = page.locator("#invite-link").input_value()
    assert link.startswith(live_server.url + "/i/")
    journey.step("share-qr")
    page.locator("main a[href$='/print']").click()
    expect(page.locator("main svg").first).to_be_visible()
    expect(page.locator("main")).to_contain_text(link)
    journey.step("print")
    page.go_back()

    # The link works for a parent until the teacher revokes it.
    parent = phone("parent")
    parent.page.goto(link)
    expect(parent.page.get_by_role("heading", level=1)).to_contain_text("Школа № 7")

    page.get_by_role("button", name="Отозвать").click()
    journey.step("revoke-confirm")
    page.locator("main").get_by_role("button", name="Отозвать").click()
    expect(page.get_by_role("status").first).to_be_visible()
    journey.step("revoked")

    parent.page.goto(link)
    expect(parent.page.get_by_role("heading", level=1)).to_have_text("Ссылка отозвана")
    parent.step("link-revoked")
    parent.page.goto(link.replace("/i/", "/register/"))
    expect(parent.page.get_by_role("heading", level=1)).to_have_text("Ссылка отозвана")
