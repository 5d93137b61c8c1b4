"""«№» never ends a line away from its number: every printed «№» is followed
by a no-break space (`i18n.keep_number_sign_with_number`, the templates'
finalize), while names are stored as typed, with a plain space."""
from markupsafe import Markup
from test_admin import _admin
from test_registration_roles import fresh

from onboarding.i18n import keep_number_sign_with_number
from onboarding.models import Organisation

NBSP = "\u00a0"


def test_the_number_sign_keeps_its_number():
    assert keep_number_sign_with_number("Школа № 1") == f"Школа №{NBSP}1"
    assert keep_number_sign_with_number("МБОУ «СОШ №5»") == f"МБОУ «СОШ №{NBSP}5»"  # the space typographers want
    assert keep_number_sign_with_number("№  12, № 3А") == f"№{NBSP}12, №{NBSP}3А"
    assert keep_number_sign_with_number("№ —") == "№ —"  # no number after it: left alone
    marked = keep_number_sign_with_number(Markup("<b>Школа № 1</b>"))
    assert isinstance(marked, Markup) and marked == Markup(f"<b>Школа №{NBSP}1</b>")  # never escaped twice
    assert keep_number_sign_with_number(7) == 7 and keep_number_sign_with_number(None) is None


def test_the_pages_and_letters_print_a_no_break_space_after_the_number_sign(client, session, make_org, make_invite,
                                                                          register):
    org = make_org(name="Школа № 1")
    _invite, link = make_invite(org, kind="parent", unit="2Б")
    landing = client.get(link).text
    assert f"Школа №{NBSP}1" in landing and "№ 1" not in landing  # the heading, the facts
    register.adult(link, email="anna@mail.ru", child_name="Петров Коля")
    assert f"«Школа №{NBSP}1»" in register.last_mail("anna@mail.ru").get_content()  # letters too
    client.post("/register/confirm", data={"code": register.code("anna@mail.ru")})
    consent = client.get("/register/consent").text
    assert f"№{NBSP}1" in consent and "№ 1" not in consent  # the consent's text names the operator
    assert client.post("/register/consent", data={"agree": "y"}).status_code == 302
    assert fresh(session).get(Organisation, org.id).name == "Школа № 1"  # stored as typed


def test_a_name_sent_back_from_the_form_is_stored_with_a_plain_space(client, session, make_org, make_user,
                                                                    make_member, auth):
    org = _admin(make_org, make_user, make_member, auth)
    page = client.get(f"/org/{org.id}/admin/details").text
    assert f'value="Школа №{NBSP}1"' in page or f'value="Школа №&nbsp;1"' in page
    response = client.post(f"/org/{org.id}/admin/details", data={
        "name": f"Школа №{NBSP}1", "short_name": "", "city": "", "timezone": "Asia/Yekaterinburg"})
    assert response.status_code == 302
    assert fresh(session).get(Organisation, org.id).name == "Школа № 1"
