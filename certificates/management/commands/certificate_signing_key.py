"""The offline verification keyring (CERT-4, certificates/signing.py):

    manage.py certificate_signing_key list            the key ids, which one signs
    manage.py certificate_signing_key new [--id ID]   a new key, signing from now on (rotation)
    manage.py certificate_signing_key retire ID       stop signing with a key, keep its public half
"""

from django.core.management.base import BaseCommand, CommandError

from certificates import signing


class Command(BaseCommand):
    help = "管理证书离线核验的签名密钥（列出、新建/轮换、停用）。"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["list", "new", "retire"])
        parser.add_argument("key_id", nargs="?", default=None)
        parser.add_argument("--id", dest="new_id", default=None, help="新密钥的编号（默认 k<日期>-<随机>）")

    def handle(self, *args, action, key_id, new_id, **options):
        try:
            if action == "new":
                self.stdout.write(f"新签名密钥：{signing.create_key(new_id)}（此后签发的核验码使用该密钥）")
            elif action == "retire":
                if not key_id:
                    raise CommandError("请指定要停用的密钥编号。")
                signing.retire_key(key_id)
                self.stdout.write(f"已停用签名密钥 {key_id}，其公钥保留，已签发的核验码仍可核验。")
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        keys = signing.public_keys()
        signing_id = next((p.stem for p in sorted(signing.key_dir().glob("*.key"))[-1:]), None)
        for kid, public in keys.items():
            self.stdout.write(f"{kid}\t{signing.b64url(public)}\t{'签名中' if kid == signing_id else '仅核验'}")
