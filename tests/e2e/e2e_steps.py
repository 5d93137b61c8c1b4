"""Steps several browser paths share: registering an adult by an invite link,
the e-mail code, consent; logging in and out. Every step goes through the
page as a person sees it (Russian labels and buttons), and each page it
reaches is screenshotted and checked by `journey.step`."""
from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import expect

PASSWORD = "зимний вечер у окна"


@dataclass
class Person:
    last_name: str
    first_name: str
    patronymic: str | None
    email: str
    phone: str | None = None
    password: str = PASSWORD


def register_by_link(journey, sink, link: str, person: Person, *, org_name: str, prefilled_email: bool = False,
                     extra: dict[str, str] | None = None):
    """From the invite link to the end of consent: landing, form, code, consent.
    `extra` fills further fields of the role's form by id (a parent's child)."""
    page = journey.page
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text(org_name)
    journey.step("landing")

    page.get_by_role("link", name="Зарегистрироваться").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Регистрация")
    if prefilled_email:
        expect(page.get_by_label("Электронная почта")).to_have_value(person.email)
    journey.step("form")

    # An empty submit first: the errors appear beside the fields, nothing is lost.
    page.get_by_label("Фамилия", exact=True).fill(person.last_name)
    page.get_by_role("button", name="Продолжить").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.get_by_label("Фамилия", exact=True)).to_have_value(person.last_name)
    expect(page.get_by_label("Имя", exact=True)).to_have_attribute("aria-invalid", "true")
    journey.step("form-errors")

    page.get_by_label("Имя", exact=True).fill(person.first_name)
    if person.patronymic:
        page.get_by_label("Отчество (при наличии)").fill(person.patronymic)
    page.get_by_label("Электронная почта").fill(person.email)
    if person.phone:
        page.get_by_label("Мобильный телефон (необязательно)").fill(person.phone)
    page.get_by_label("Пароль", exact=True).fill(person.password)
    for field_id, value in (extra or {}).items():
        page.locator(f"#{field_id}").fill(value)
    page.get_by_role("button", name="Продолжить").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Подтвердите почту")
    expect(page.locator("main")).to_contain_text(person.email)
    expect(page.locator("main")).to_contain_text("Шаг 2 из")
    journey.step("code")

    # A wrong code is refused with the attempts left; the right one from the e-mail passes.
    code = sink.code_for(person.email)
    wrong = "000000" if code != "000000" else "111111"
    page.get_by_label("Код из письма").fill(wrong)
    page.get_by_role("button", name="Подтвердить").click()
    expect(page.locator("p.error")).to_contain_text("Осталось попыток")
    journey.step("code-wrong")
    page.get_by_label("Код из письма").fill(code)
    page.get_by_role("button", name="Подтвердить").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Согласие на обработку персональных данных")
    journey.step("consent")
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Даю согласие").click()


def log_out(journey):
    page = journey.page
    page.get_by_role("button", name="Выйти").click()
    expect(page.get_by_role("link", name="Войти")).to_be_visible()


def log_in(journey, identifier: str, password: str = PASSWORD, *, step: bool = True):
    page = journey.page
    page.get_by_role("link", name="Войти").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Войти")
    if step:
        journey.step("login")
    page.get_by_label("Электронная почта или логин").fill(identifier)
    page.get_by_label("Пароль", exact=True).fill(password)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("button", name="Выйти")).to_be_visible()


def last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


def org_id_from(url: str) -> int:
    match = re.search(r"/org/(\d+)/", url)
    assert match, url
    return int(match.group(1))


def seed_school(live_server, *, units: str = "1А 2А 5А", teacher: Person | None = None, lead_of: str = "2А",
                pupils: tuple[tuple[str, str, str, str], ...] = ()):
    """A school with classes, its administrator, and (optionally) a verified
    homeroom teacher of `lead_of`, made through the services (for paths that
    start after the administrator's path); returns their ids."""
    from onboarding.models import Membership, utcnow
    from onboarding.orgs import structure as orgs
    from onboarding.people import accounts
    from onboarding.web import hasher

    admin = Person("Ювакаева", "Лилия", "Рашидовна", "admin@school7.ru")
    with live_server.app.app_context():
        db = live_server.session()
        now = utcnow()
        org = orgs.create_organisation(db, kind="school", name="МБОУ «Школа № 7»", timezone="Asia/Yekaterinburg",
                                       now=now)
        specs, _ = orgs.parse_class_names(units)
        created = {unit.name: unit for unit in orgs.create_units(db, org, specs, actor_id=None, now=now)}
        staff_room = orgs.staff_room(db, org.id)
        ids = {"org": org.id, "units": {name: unit.id for name, unit in created.items()}, "staff_room": staff_room.id}
        people = [("admin", admin)] + ([("teacher", teacher)] if teacher else [])
        for role, person in people:
            user = accounts.create_user(db, hasher(), email=person.email, password=person.password,
                                        last_name=person.last_name, first_name=person.first_name,
                                        patronymic=person.patronymic, login=None, now=now, status="active")
            db.add(Membership(org_id=org.id, user_id=user.id, unit_id=staff_room.id, role=role,
                              verification="verified" if role == "teacher" else None, created_at=now))
            if role == "teacher":
                db.add(Membership(org_id=org.id, user_id=user.id, unit_id=created[lead_of].id, role="teacher",
                                  verification="verified", is_lead=True, created_at=now))
            ids[role] = user.id
        for unit_name, login, last_name, first_name in pupils:  # pupils already registered
            pupil = accounts.create_user(db, hasher(), login=login, password=PASSWORD, last_name=last_name,
                                         first_name=first_name, now=now, status="active")
            db.add(Membership(org_id=org.id, user_id=pupil.id, unit_id=created[unit_name].id, role="student",
                              created_at=now))
        db.commit()
        db.close()
    ids["admin_person"] = admin
    return ids


def make_link(live_server, ids: dict, *, kind: str, unit: str, creator: str = "teacher", max_uses: int = 40,
              pupil_name: str | None = None) -> str:
    """An invite link made through the invite service, as its creator would."""
    from datetime import timedelta

    from onboarding.invites import operations as invites
    from onboarding.models import Organisation, Unit, User, utcnow
    from onboarding.security import external_url, signing_keys

    with live_server.app.app_context():
        db = live_server.session()
        now = utcnow()
        invite, nonce = invites.create_invite(
            db, org=db.get(Organisation, ids["org"]), unit=db.get(Unit, ids["units"][unit]), kind=kind,
            creator=db.get(User, ids[creator]), expires_at=now + timedelta(days=7), max_uses=max_uses, now=now,
            pupil_name=pupil_name,
        )
        db.commit()
        link = external_url("invites.landing", token=invites.invite_token(signing_keys(), invite, nonce))
        db.close()
    return link


def tab_to(page, locator, limit: int = 60) -> None:
    """Press Tab until `locator` has the focus (as a keyboard user would)."""
    target = locator.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("el => document.activeElement === el", target):
            return
    raise AssertionError(f"{locator} can't be reached with Tab within {limit} presses on {page.url}")


def register_by_keyboard(journey, sink, link: str, person: Person, *, org_name: str,
                         extra: dict[str, str] | None = None):
    """The registration path with Tab, typing, Space and Enter only: no pointer."""
    page = journey.page
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text(org_name)
    journey.step("landing")
    tab_to(page, page.get_by_role("link", name="Зарегистрироваться"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Регистрация")
    journey.step("form")

    # The form's own order: a parent's child first («Ваш ребёнок»), then their own details («Вы»).
    values = [(page.locator(f"#{field_id}"), value) for field_id, value in (extra or {}).items()]
    values += [(page.get_by_label("Фамилия", exact=True), person.last_name),
               (page.get_by_label("Имя", exact=True), person.first_name),
               (page.get_by_label("Отчество (при наличии)"), person.patronymic or "")]
    values += [(page.get_by_label("Электронная почта"), person.email),
               (page.get_by_label("Пароль", exact=True), person.password)]
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for control, value in values:
        tab_to(page, control)
        page.keyboard.type(value)
    tab_to(page, page.get_by_role("button", name="Продолжить"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Подтвердите почту")
    journey.step("code")

    tab_to(page, page.get_by_label("Код из письма"))
    page.keyboard.type(sink.code_for(person.email))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Согласие на обработку персональных данных")
    journey.step("consent")
    tab_to(page, page.get_by_role("checkbox"))
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Даю согласие"))
    page.keyboard.press("Enter")
