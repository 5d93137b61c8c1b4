"""The administrator's first steps, through real forms."""
import re

from onboarding.models import ConsentRecord, Membership, User


def test_operator_link_registers_the_administrator_once(app, client, runner, sent_mail):
    result = runner.invoke(args=[
        "org", "create", "--name", "МБОУ «Школа № 7»", "--kind", "school",
        "--timezone", "Asia/Yekaterinburg", "--admin-name", "Ювакаева Лилия Рашидовна",
        "--admin-email", "L.Yuv@Mail.ru",
    ])
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert link.startswith("http://localhost/i/") and len(link) < 100
    path = link.removeprefix("http://localhost")

    landing = client.get(path)
    assert landing.status_code == 200
    assert "МБОУ «Школа №\u00a07»" in landing.text

    form = client.get(path.replace("/i/", "/register/"))
    assert 'value="l.yuv@mail.ru"' in form.text
    response = client.post(path.replace("/i/", "/register/"), data={
        "last_name": "Ювакаева", "first_name": "Лилия", "patronymic": "Рашидовна",
        "email": "l.yuv@mail.ru", "phone": "8 912 345-67-89", "password": "зимний вечер у окна",
    })
    assert response.status_code == 302, response.text
    code = re.search(r"\b(\d{6})\b", sent_mail[-1].get_content()).group(1)
    assert client.post("/register/confirm", data={"code": code}).status_code == 302
    response = client.post("/register/consent", data={"agree": "y"})
    assert response.status_code == 302

    with app.app_context():
        from onboarding.db import get_session
        db = get_session()
        user = db.query(User).filter_by(email="l.yuv@mail.ru").one()
        assert user.status == "active" and user.phone == "+79123456789"
        assert db.query(Membership).filter_by(user_id=user.id, role="admin").count() == 1
        assert db.query(ConsentRecord).filter_by(subject_id=user.id, kind="personal_data").count() == 1

    console = client.get("/", follow_redirects=True)
    assert "МБОУ «Школа №\u00a07»" in console.text
    client.post("/logout")
    assert client.get(path).status_code == 410
