"""CERT-4 against enumeration: limits per address and per number, a captcha after repeated failures
from one address, the reasons in Chinese, and verification still working when Redis is down."""

import pytest
from captcha.models import CaptchaStore
from django.test import override_settings

from tests.certificates.verification.test_online import API

PAGE = "/certificates/verify/"


def _captcha_answer(html: str) -> dict:
    key = html.split('name="captcha_0" value="')[1].split('"')[0]
    return {"captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}


@override_settings(CERTIFICATE_VERIFY_FAILURES_BEFORE_CAPTCHA="3/h", CERTIFICATE_VERIFY_RATE_PER_NUMBER="6/h",
                   CERTIFICATE_VERIFY_RATE_PER_ADDRESS="100/h")
def test_cert4_one_number_hammered_from_one_address_captcha_then_limited(published, client):
    c = published[0]
    for _ in range(3):
        page = client.post(PAGE, {"number": c.number, "name": "张三"})
        assert page.status_code == 200 and "未查到该证书" in page.content.decode()
    html = page.content.decode()  # the third failure: the next try asks for the captcha, and says why
    assert 'name="captcha_1"' in html and "请输入图中的验证码后再查验" in html
    assert 'name="captcha_1"' in client.get(PAGE, {"number": c.number}).content.decode()
    without = client.post(PAGE, {"number": c.number, "name": c.holder_name})
    assert without.status_code == 403 and "已有3次未查到证书或输入有误" in without.content.decode()
    assert 'data-testid="verify-result"' not in without.content.decode()
    wrong = client.post(PAGE, {"number": c.number, "name": c.holder_name, "captcha_0": "x", "captcha_1": "nope"})
    assert wrong.status_code == 403 and "验证码不正确" in wrong.content.decode()
    html = wrong.content.decode()
    answered = client.post(PAGE, {"number": c.number, "name": c.holder_name, **_captcha_answer(html)})
    assert answered.status_code == 200 and "证书有效" in answered.content.decode()
    html = answered.content.decode()
    for _ in range(2):  # numbers counted so far: 3 failures and 1 answer; the limit is 6
        html = client.post(PAGE, {"number": c.number, "name": "张三", **_captcha_answer(html)}).content.decode()
    limited = client.post(PAGE, {"number": c.number, "name": c.holder_name, **_captcha_answer(html)})
    assert limited.status_code == 429 and f"证书编号{c.number}在60分钟内已被查验6次" in limited.content.decode()
    assert 'data-testid="verify-result"' not in limited.content.decode()


@override_settings(CERTIFICATE_VERIFY_RATE_PER_ADDRESS="5/h", CERTIFICATE_VERIFY_FAILURES_BEFORE_CAPTCHA="100/h")
def test_cert4_numbers_walked_in_sequence_are_limited(published, client):
    first = int(published[0].number)
    answers = [client.post(PAGE, {"number": str(first + i), "name": "张三"}) for i in range(5)]
    assert [a.status_code for a in answers] == [200] * 5
    walked = client.post(PAGE, {"number": str(first + 5), "name": "张三"})
    assert walked.status_code == 429 and "同一网络地址每60分钟最多查验5次" in walked.content.decode()
    api = client.post(API, {"number": str(first + 6), "name": "张三"}, content_type="application/json")
    assert api.status_code == 429 and "同一网络地址" in api.json()["detail"]
    # another address is not held back by this one
    other = client.post(PAGE, {"number": published[0].number, "name": published[0].holder_name},
                        REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200 and "证书有效" in other.content.decode()


@override_settings(CERTIFICATE_VERIFY_RATE_PER_NUMBER="3/h", CERTIFICATE_VERIFY_RATE_PER_ADDRESS="100/h")
def test_cert4_one_number_from_many_addresses_is_limited(published, client):
    c = published[0]
    body = {"number": c.number, "name": c.holder_name}
    for i in range(3):
        assert client.post(API, body, content_type="application/json", REMOTE_ADDR=f"10.0.1.{i}").status_code == 200
    refused = client.post(API, body, content_type="application/json", REMOTE_ADDR="10.0.1.99")
    assert refused.status_code == 429 and "已被查验3次" in refused.json()["detail"]


@override_settings(CERTIFICATE_VERIFY_FAILURES_BEFORE_CAPTCHA="2/h")
def test_cert4_api_asks_for_the_captcha_after_failures(published, client):
    c = published[0]
    for _ in range(2):
        assert client.post(API, {"number": c.number, "name": "张三"}, content_type="application/json").json()[
            "status"] == "not_found"
    asked = client.post(API, {"number": c.number, "name": c.holder_name}, content_type="application/json")
    body = asked.json()
    assert asked.status_code == 403 and "请输入图中的验证码" in body["detail"]
    image = client.get(body["captcha_image_url"])
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    wrong = client.post(API, {"number": c.number, "name": c.holder_name, "captcha_key": body["captcha_key"],
                              "captcha_value": "zzzz"}, content_type="application/json")
    assert wrong.status_code == 400 and "验证码不正确" in "".join(wrong.json()["captcha"])
    again = client.post(API, {"number": c.number, "name": c.holder_name}, content_type="application/json").json()
    answer = CaptchaStore.objects.get(hashkey=again["captcha_key"]).response
    ok = client.post(API, {"number": c.number, "name": c.holder_name, "captcha_key": again["captcha_key"],
                           "captcha_value": answer.upper()}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "valid"
    reused = client.post(API, {"number": c.number, "name": c.holder_name, "captcha_key": again["captcha_key"],
                               "captcha_value": answer}, content_type="application/json")
    assert reused.status_code == 400  # a captcha answers once


@pytest.mark.parametrize("down", ["redis://127.0.0.1:1/0"])
def test_cert4_verification_works_and_limits_when_redis_is_down(published, client, settings, down):
    from certificates import throttle

    settings.CACHES = {**settings.CACHES, "ratelimit": {**settings.CACHES["default"], "LOCATION": down}} \
        if "redis" in settings.CACHES["default"]["BACKEND"] else {
            **settings.CACHES, "ratelimit": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": down,
                                             "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5}}}
    settings.CERTIFICATE_VERIFY_RATE_PER_ADDRESS = "2/h"
    c = published[0]
    body = {"number": c.number, "name": c.holder_name}
    first = client.post(PAGE, body)
    assert first.status_code == 200 and "证书有效" in first.content.decode()
    assert throttle._redis_down_until > 0  # counted in this process's memory meanwhile
    assert client.post(API, body, content_type="application/json").json()["status"] == "valid"
    assert client.post(PAGE, body).status_code == 429


@override_settings(CERTIFICATE_VERIFY_FAILURES_BEFORE_CAPTCHA="1/h", CERTIFICATE_VERIFY_RATE_PER_ADDRESS="3/h")
def test_cert4_drawing_captchas_counts_against_the_address(published, client):
    assert client.post(PAGE, {"number": published[0].number, "name": "张三"}).status_code == 200  # 1st
    for _ in range(2):  # 2nd and 3rd: each draws a captcha
        assert 'name="captcha_1"' in client.get(PAGE).content.decode()
    drawn = CaptchaStore.objects.count()
    refused = client.get(PAGE)
    assert refused.status_code == 429 and "同一网络地址" in refused.content.decode()
    assert CaptchaStore.objects.count() == drawn
