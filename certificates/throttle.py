"""Against enumeration of public verification (CERT-4), for the page and the JSON endpoint alike:

- a limit per address (the client's IP; an IPv6 client's /64) and a limit per certificate number,
  counted in fixed windows in the `ratelimit` cache (Redis in production);
- after a few answers of "not found" (or bad input) from one address, a captcha
  (django-simple-captcha, drawn by the server: no third-party service) until the window ends.

The limits are settings (CERTIFICATE_VERIFY_*, docs/DEPLOY.md). On Redis, `admit` counts the address,
reads the failures and counts the number in ONE round trip (a Lua script): three separate counters
cost five round trips, a third of a verification's time (benchmarks/README.md). When Redis does not
answer, the counters fall back to this process's memory for CACHE_RETRY seconds instead of refusing
everyone or letting everyone through: verification keeps working, still limited (per worker process).
"""

from __future__ import annotations

import dataclasses
import time

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_ratelimit.core import _split_rate
from redis.exceptions import RedisError

from appraisal.ratelimits import client_address  # the address as every limit counts it

CACHE_RETRY = 30  # seconds without asking Redis again after it failed
_redis_down_until = 0.0

ADDRESS, NUMBER, FAILURES = "certificates.verify.address", "certificates.verify.number", "certificates.verify.failures"

# KEYS: address, failures[, number]; ARGV: address limit and ttl, failures limit, number ttl. The number
# is counted only for a request the address limit and the captcha let through, as without the script.
ADMIT = """
local address = redis.call('INCR', KEYS[1])
if address == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
local failures = tonumber(redis.call('GET', KEYS[2]) or '0')
local number = 0
if KEYS[3] and address <= tonumber(ARGV[1]) and failures < tonumber(ARGV[3]) then
  number = redis.call('INCR', KEYS[3])
  if number == 1 then redis.call('EXPIRE', KEYS[3], ARGV[4]) end
end
return {address, failures, number}
"""
HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""
_scripts = {}


def _rate(name: str) -> str:
    return getattr(settings, name)


@dataclasses.dataclass(frozen=True)
class Counter:
    """One limit's counter in the current fixed window of its rate."""

    key: str
    limit: int
    ttl: int

    @classmethod
    def of(cls, group: str, value: str, setting: str) -> Counter:
        limit, period = _split_rate(_rate(setting))
        return cls(f"verify:{group}:{value}:{int(time.time()) // period}", limit, period + 5)


def _redis(cache):
    """The raw Redis client behind a django-redis cache, or None for any other cache."""
    get_client = getattr(getattr(cache, "client", None), "get_client", None)
    return get_client(write=True) if get_client else None


def _script(client, source: str):
    if source not in _scripts:
        _scripts[source] = client.register_script(source)
    return _scripts[source]


def _hit(cache, counter: Counter) -> int:
    if cache.add(counter.key, 1, counter.ttl):
        return 1
    try:
        return cache.incr(counter.key)
    except ValueError:  # expired between add and incr
        cache.add(counter.key, 1, counter.ttl)
        return 1


def _counted(redis_call, cache_call):
    """Redis when it answers (or the cache is not Redis), else this process's memory for a while."""
    global _redis_down_until
    if time.monotonic() >= _redis_down_until:
        cache = caches["ratelimit"]
        client = _redis(cache)
        if client is None:
            return cache_call(cache)
        try:
            return redis_call(client, cache)
        except RedisError:
            _redis_down_until = time.monotonic() + CACHE_RETRY
    return cache_call(caches["ratelimit-fallback"])


def _admit(address: Counter, failures: Counter, number: Counter | None) -> tuple[int, int, int]:
    def in_redis(client, cache):
        keys = [cache.make_key(c.key) for c in (address, failures, number) if c]
        args = [address.limit, address.ttl, failures.limit, number.ttl if number else 0]
        return tuple(int(n) for n in _script(client, ADMIT)(keys=keys, args=args, client=client))

    def in_cache(cache):
        hits = _hit(cache, address)
        failed = cache.get(failures.key, 0)
        allowed = number and hits <= address.limit and failed < failures.limit
        return hits, failed, _hit(cache, number) if allowed else 0

    return _counted(in_redis, in_cache)


def _count(counter: Counter, *, increment: bool) -> int:
    def in_redis(client, cache):
        if increment:
            return int(_script(client, HIT)(keys=[cache.make_key(counter.key)], args=[counter.ttl], client=client))
        return int(client.get(cache.make_key(counter.key)) or 0)

    def in_cache(cache):
        return _hit(cache, counter) if increment else cache.get(counter.key, 0)

    return _counted(in_redis, in_cache)


def _limit(rate: str) -> int:
    return _split_rate(rate)[0]


def _minutes(rate: str) -> int:
    return max(1, _split_rate(rate)[1] // 60)


@dataclasses.dataclass(frozen=True)
class Refusal:
    """Why a request was refused, in Chinese, and the HTTP status that says so."""

    message: str
    status: int = 429
    captcha: bool = False


def _address_refusal() -> Refusal:
    rate = _rate("CERTIFICATE_VERIFY_RATE_PER_ADDRESS")
    return Refusal(_("为防止批量查询，同一网络地址每%(m)d分钟最多查验%(n)d次。您的查验次数已达上限，请稍后再试。")
                   % {"m": _minutes(rate), "n": _limit(rate)})


def _number_refusal(number: str) -> Refusal:
    rate = _rate("CERTIFICATE_VERIFY_RATE_PER_NUMBER")
    return Refusal(_("证书编号%(number)s在%(m)d分钟内已被查验%(n)d次，为保护持证人信息暂停查验，请稍后再试。")
                   % {"number": number, "m": _minutes(rate), "n": _limit(rate)})


def _address_counter(request) -> Counter:
    return Counter.of(ADDRESS, client_address(request), "CERTIFICATE_VERIFY_RATE_PER_ADDRESS")


def _failures_counter(request) -> Counter:
    return Counter.of(FAILURES, client_address(request), "CERTIFICATE_VERIFY_FAILURES_BEFORE_CAPTCHA")


def _number_counter(number: str) -> Counter:
    return Counter.of(NUMBER, number, "CERTIFICATE_VERIFY_RATE_PER_NUMBER")


@dataclasses.dataclass(frozen=True)
class Admission:
    """What `admit` decided: refused (address or number), or a captcha to ask before the number is
    counted (`check_number` then), or let through with the number counted."""

    refusal: Refusal | None = None
    captcha: bool = False


def admit(request, number: str | None) -> Admission:
    """The limits of one request in one round trip: the address counted, the failures read and, when
    neither stops it and the number is well formed (else None), the number counted."""
    address, failures = _address_counter(request), _failures_counter(request)
    number_counter = _number_counter(number) if number else None
    hits, failed, number_hits = _admit(address, failures, number_counter)
    if hits > address.limit:
        return Admission(refusal=_address_refusal())
    if failed >= failures.limit:
        return Admission(captcha=True)
    if number_counter and number_hits > number_counter.limit:
        return Admission(refusal=_number_refusal(number))
    return Admission()


def check_address(request) -> Refusal | None:
    """Counted on every request, before anything else."""
    counter = _address_counter(request)
    return _address_refusal() if _count(counter, increment=True) > counter.limit else None


def needs_captcha(request) -> bool:
    counter = _failures_counter(request)
    return _count(counter, increment=False) >= counter.limit


def captcha_refusal() -> Refusal:
    rate = _rate("CERTIFICATE_VERIFY_FAILURES_BEFORE_CAPTCHA")
    return Refusal(_("从您的网络地址发出的查验已有%(n)d次未查到证书或输入有误。为防止批量查询，请输入图中的验证码后再查验。")
                   % {"n": _limit(rate)}, status=403, captcha=True)


def check_number(request, number: str) -> Refusal | None:
    """Counted once the number is well formed: one certificate asked about from many addresses."""
    counter = _number_counter(number)
    return _number_refusal(number) if _count(counter, increment=True) > counter.limit else None


def record_failure(request) -> None:
    """A "not found" or bad input from this address: enough of them and the captcha is asked."""
    _count(_failures_counter(request), increment=True)


def check_captcha(key: str, answer: str) -> None:
    """The captcha's answer (each challenge answers once), or a ValidationError in Chinese."""
    from captcha.fields import CaptchaField

    try:
        CaptchaField(error_messages={"invalid": _("验证码不正确，请重新输入。")}).clean([key or "", answer or ""])
    except ValidationError as exc:
        raise ValidationError({"captcha": _("验证码不正确，请重新输入。") if answer else _("请输入验证码。")}) from exc


def new_captcha() -> dict:
    from captcha.helpers import captcha_image_url
    from captcha.models import CaptchaStore

    key = CaptchaStore.generate_key()
    return {"captcha_key": key, "captcha_image_url": captcha_image_url(key)}
