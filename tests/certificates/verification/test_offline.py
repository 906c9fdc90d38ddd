"""CERT-4 offline: the signed statement in a certificate's QR code, the public keys and the signed
revocation list at fixed URLs, key rotation, and `manage.py verify_certificate`."""

import json

import nacl.signing
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from certificates import documents, signing
from certificates.services import offline
from tests.certificates.conftest import qr_of_data_uri


def _tamper_message(token: str) -> str:
    prefix, body, signature = token.split(".")
    message = signing.unb64url(body).replace(b'"2622', b'"2623', 1)  # another number, same length
    return f"{prefix}.{signing.b64url(message)}.{signature}"


def test_cert4_genuine_statement_verifies(published):
    c = published[0]
    token = offline.statement_for(c)
    result = signing.check(token, revocations=offline.revocation_list())
    s = result.statement
    assert result.status == "valid" and (s.number, s.occupation, s.level) == (c.number, c.occupation.name, c.level)
    assert s.holder == signing.mask_name(c.holder_name) != c.holder_name
    assert s.id_number == c.holder_id_number[:6] + "*" * 8 + c.holder_id_number[-4:]
    assert (s.issued_on, s.issuing_authority, s.body) == (c.issued_on.isoformat(), c.issuing_authority, c.body.name)
    assert len(token) < 400  # compact enough for a QR code a phone reads off paper


def test_cert4_a_changed_byte_fails(published):
    token = offline.statement_for(published[0])
    with pytest.raises(signing.InvalidStatement, match="签名核验失败"):
        signing.check(_tamper_message(token))
    prefix, body, signature = token.split(".")
    flipped = signing.b64url(bytes([signing.unb64url(signature)[0] ^ 1]) + signing.unb64url(signature)[1:])
    with pytest.raises(signing.InvalidStatement, match="签名核验失败"):
        signing.check(f"{prefix}.{body}.{flipped}")
    for broken in (token[:-3], token.replace(".", "", 1), "JLC1.!!!.???", ""):
        with pytest.raises(signing.InvalidStatement):
            signing.check(broken)


def test_cert4_forged_with_a_key_of_the_same_id_fails(published):
    key_id = signing.active_key_id()
    forger = nacl.signing.SigningKey.generate()
    body = signing.canonical([1, key_id, published[0].number, "张*", "220122********2462", "电工", 3,
                              "2026-06-01", "吉林省人力资源和社会保障厅", "农安县职业技能鉴定中心"])
    forged = f"JLC1.{signing.b64url(body)}.{signing.b64url(forger.sign(body).signature)}"
    with pytest.raises(signing.InvalidStatement, match="签名核验失败"):
        signing.check(forged)


def test_cert4_revoked_number_reported_revoked_against_the_list(published, demo_user):
    from certificates import services

    c = published[0]
    token, before = offline.statement_for(c), offline.revocation_list()
    services.revoke(certificate=c, actor=demo_user("province_admin"), reason="材料造假", document="吉鉴撤9号")
    c.refresh_from_db()
    result = signing.check(token, revocations=offline.revocation_list())
    assert result.status == "revoked" and result.revoked_on == c.revoked_on.isoformat()
    assert signing.check(token, revocations=before).status == "valid"  # an old list does not know yet
    prefix, body, signature = offline.revocation_list().split(".")
    emptied = signing.b64url(signing.unb64url(body).replace(c.number.encode(), b"0" * 16))
    with pytest.raises(signing.InvalidStatement, match="签名核验失败"):  # a list with the number taken out
        signing.check(token, revocations=f"{prefix}.{emptied}.{signature}")
    with pytest.raises(signing.InvalidStatement, match="格式不符"):  # a statement is no list
        signing.check(token, revocations=token)


def test_cert4_unknown_key_id_fails_with_a_clear_message(published):
    token = offline.statement_for(published[0])
    with pytest.raises(signing.InvalidStatement, match=r"签名密钥k\d{8}-[0-9a-f]{4}不在已知的公钥中"):
        signing.check(token, keys={"k20200101-0000": b"\x00" * 32})


def test_cert4_rotation_keeps_old_certificates_verifiable(published, keyring):
    old_id = signing.active_key_id()
    old_token = offline.statement_for(published[0])
    new_id = signing.create_key("k29991231-ffff")
    new_token = offline.statement_for(published[0])
    assert signing.open_statement(new_token).key_id == new_id != old_id
    signing.retire_key(old_id)
    assert not (keyring / f"{old_id}.key").exists() and (keyring / f"{old_id}.pub").exists()
    assert signing.check(old_token).status == signing.check(new_token).status == "valid"
    assert offline.statement_for(published[1]).split(".")[0] == "JLC1"
    assert signing.open_statement(offline.statement_for(published[1])).key_id == new_id
    with pytest.raises(ValueError, match="已存在"):
        signing.create_key(new_id)
    with pytest.raises(ValueError, match="只能包含字母"):
        signing.create_key("../etc")


def test_cert4_keys_and_revocations_at_fixed_urls(published, client, demo_user):
    from certificates import services

    token = documents.qr_link(published[0]).split("#c=")[1]
    keys = client.get("/certificates/offline/keys.json").json()
    key_map = {k["key_id"]: signing.unb64url(k["public_key"]) for k in keys["keys"]}
    assert keys["algorithm"] == "Ed25519" and [k["signing"] for k in keys["keys"]] == [True]
    services.revoke(certificate=published[0], actor=demo_user("province_admin"), reason="造假", document="吉鉴撤1号")
    listing = client.get("/certificates/offline/revocations.json")
    assert listing["Cache-Control"].startswith("public")
    assert signing.check(token, keys=key_map, revocations=listing.json()["list"]).status == "revoked"


def test_cert4_qr_code_carries_the_link_and_the_statement(published):
    c = published[0]
    link = documents.qr_link(c)
    assert link.startswith(documents.verification_url(c.number) + "#c=JLC1.")
    assert signing.check(link.split("#c=")[1]).statement.number == c.number
    assert qr_of_data_uri(documents.certificate_context(c, None)["qr"]) == [link]  # what a phone reads


def test_cert4_verify_certificate_command(published, tmp_path, capsys, demo_user, client):
    from certificates import services

    c = published[0]
    link = documents.qr_link(c)
    keys_file, list_file = tmp_path / "keys.json", tmp_path / "revocations.json"
    keys_file.write_text(json.dumps(offline.public_keys_document()))
    list_file.write_text(json.dumps({"list": offline.revocation_list()}))
    call_command("verify_certificate", link, keys=str(keys_file), revocations=str(list_file))
    out = capsys.readouterr().out
    assert "结论：有效" in out and c.number in out and c.holder_name not in out
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_certificate", _tamper_message(link.split("#c=")[1]), keys=str(keys_file),
                     revocations=str(list_file))
    assert exit_.value.code == 2 and "签名核验失败" in capsys.readouterr().err
    empty_keys = tmp_path / "none.json"
    empty_keys.write_text(json.dumps({"keys": []}))
    with pytest.raises(SystemExit):
        call_command("verify_certificate", link, keys=str(empty_keys), revocations=str(list_file))
    assert "不在已知的公钥中" in capsys.readouterr().err
    services.revoke(certificate=c, actor=demo_user("province_admin"), reason="造假", document="吉鉴撤2号")
    saved = tmp_path / "statement.txt"
    saved.write_text(link)
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_certificate", str(saved))  # this installation's own keys and list
    assert exit_.value.code == 1 and "结论：已吊销" in capsys.readouterr().out
    with pytest.raises(CommandError, match="找不到图片文件") as missing:
        call_command("verify_certificate", str(tmp_path / "qr.png"))
    assert missing.value.returncode == 2


def _qr_image(tmp_path, text: str, name: str = "qr.png"):
    """The QR code exactly as a certificate prints it (documents.qr_data_uri), enlarged six times with
    the white border the page leaves around it, saved as an image."""
    import base64
    import io

    from PIL import Image, ImageOps

    printed = Image.open(io.BytesIO(base64.b64decode(documents.qr_data_uri(text).split(",", 1)[1])))
    scaled = printed.resize((printed.width * 6, printed.height * 6), Image.NEAREST)
    path = tmp_path / name
    ImageOps.expand(scaled, border=24, fill=255).save(path)
    return path


def _offline_files(tmp_path):
    keys_file, list_file = tmp_path / "keys.json", tmp_path / "revocations.json"
    keys_file.write_text(json.dumps(offline.public_keys_document()))
    list_file.write_text(json.dumps({"list": offline.revocation_list()}))
    return {"keys": str(keys_file), "revocations": str(list_file)}


def test_cert4_verify_certificate_reads_a_photo_of_the_qr_code(published, tmp_path, capsys):
    from PIL import Image

    c = published[0]
    files = _offline_files(tmp_path)
    call_command("verify_certificate", str(_qr_image(tmp_path, documents.qr_link(c))), **files)
    out = capsys.readouterr().out
    assert "结论：有效" in out and c.number in out
    # a phone's photo: JPEG, turned a quarter, grey paper around the code
    with Image.open(_qr_image(tmp_path, documents.qr_link(c))) as code:
        photo = Image.new("RGB", (code.width + 300, code.height + 200), (205, 200, 190))
        photo.paste(code.convert("RGB"), (170, 60))
        photo.rotate(90, expand=True).save(tmp_path / "photo.jpg", quality=80)
    call_command("verify_certificate", str(tmp_path / "photo.jpg"), **files)
    assert "结论：有效" in capsys.readouterr().out


def test_cert4_verify_certificate_image_without_a_qr_code(published, tmp_path):
    from PIL import Image

    Image.new("RGB", (400, 300), "white").save(tmp_path / "blank.png")
    with pytest.raises(CommandError, match="图片中没有找到二维码") as none:
        call_command("verify_certificate", str(tmp_path / "blank.png"))
    assert none.value.returncode == 2
    (tmp_path / "broken.jpg").write_bytes(b"not an image")
    with pytest.raises(CommandError, match="无法读取图片"):
        call_command("verify_certificate", str(tmp_path / "broken.jpg"))
    with pytest.raises(CommandError, match="不是证书核验码"):
        call_command("verify_certificate", str(_qr_image(tmp_path, "https://example.com/")))


def test_cert4_verify_certificate_tampered_qr_code_fails(published, tmp_path, capsys):
    link = documents.qr_link(published[0])
    base, token = link.split("#c=")
    tampered = _qr_image(tmp_path, f"{base}#c={_tamper_message(token)}")
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_certificate", str(tampered), **_offline_files(tmp_path))
    assert exit_.value.code == 2 and "签名核验失败" in capsys.readouterr().err


def test_cert4_offline_verifier_page_and_service_worker(db, client):
    page = client.get("/certificates/offline/")
    assert page.status_code == 200 and "js/certificate-verify.js" in page.content.decode()
    worker = client.get("/certificates/sw.js")
    source = worker.content.decode()
    assert worker["Content-Type"].startswith("application/javascript") and worker["Cache-Control"] == "no-cache"
    precache = json.loads(source.split("self.PRECACHE = ", 1)[1].split(";\n", 1)[0])
    assert {"/certificates/verify/", "/certificates/offline/keys.json", "/certificates/offline/revocations.json",
            "/static/js/certificate-verify.js"} <= set(precache)
    assert client.post("/certificates/offline/keys.json").status_code == 405
