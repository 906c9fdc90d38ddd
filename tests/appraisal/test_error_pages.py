"""Error pages speak Chinese, and so does Django itself whatever the browser's language."""

from appraisal.demo import DEMO_PASSWORD


def test_404_page_is_chinese(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_403_page_shows_the_reason_in_chinese(client, db):
    assert client.login(username="candidate", password=DEMO_PASSWORD)
    response = client.get("/centers/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "无权访问" in html and "此页面仅限鉴定机构和人社部门工作人员使用" in html


def test_django_messages_stay_chinese_for_an_english_browser(client, db):
    response = client.post("/login/", {"username": "candidate", "password": "wrong"},
                           HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "用户名或密码不正确" in response.content.decode()
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "用户名" in response.content.decode() and "Username" not in response.content.decode()


def test_login_page_shows_the_system_name_not_the_host(client, db):
    html = client.get("/login/").content.decode()
    assert "<title>登录 · 吉林省职业技能鉴定管理系统</title>" in html
    assert "testserver" not in html
