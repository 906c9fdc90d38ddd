"""Settings for the Jilin appraisal system.

Configuration comes only from environment variables (docs/architecture.md, Runtime). The embedded default —
no variables at all — is a development set-up on SQLite with Celery in eager mode.
"""

import datetime
import warnings
from pathlib import Path

import csp.constants as csp
import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# DJANGO_PRODUCTION=true switches every default to the safe one and makes the secret key mandatory.
PRODUCTION = env.bool("DJANGO_PRODUCTION", default=False)
# Debug is off unless a developer asks for it (DJANGO_DEBUG=true): the embedded default then shows the
# site's own Chinese 404/403/500 pages, as users will see them, not Django's English debug page.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
else:
    # A fixed key is only acceptable for the embedded development default.
    SECRET_KEY = env.str(
        "DJANGO_SECRET_KEY", default="dev-only-insecure-key-0123456789-do-not-use-in-production"
    )
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "config.apps.AxesConfig",  # django-axes, named in Chinese
    "csp",
    "captcha",  # django-simple-captcha: public verification after repeated failures (CERT-4)
    "appraisal",
    "registration",
    "exams",
    "certificates",
    "stats",
    "config",  # last: its load_demo runs the apps' demo parts in the order above
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "appraisal.middleware.ContentSecurityPolicyMiddleware",
    "appraisal.middleware.PermissionsPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

# WhiteNoise serves the static files whether or not debug is on (runserver stops serving them when it
# is off): production from the collected STATIC_ROOT, the embedded default straight from the apps'
# static folders through the finders, so no collectstatic is needed to run the demo.
MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
if not PRODUCTION:
    # Outside production nothing is collected into STATIC_ROOT; the finders serve everything.
    warnings.filterwarnings("ignore", message=r"No directory at: .*", category=UserWarning)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "appraisal.context_processors.site",
                "appraisal.context_processors.navigation",
                "appraisal.messaging.context.unread_messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default: writers queue for the lock (up to 20 s) instead of failing with
    # "database is locked" when two people submit at once; WAL lets pages read meanwhile.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )

AUTH_USER_MODEL = "appraisal.User"
# Candidates log in with their ID number, which is no secret: django-axes locks an account for a
# while after repeated wrong passwords (the web login and the API token alike). By account, not by
# address: a school's computer room shares one address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # failures are kept (访问尝试 in the admin); successful logins are not
# Failed attempts name the account (a candidate's is their ID number): kept this long, then purged.
AXES_RECORDS_RETENTION_DAYS = env.int("AXES_RECORDS_RETENTION_DAYS", default=30)
AXES_LOCKOUT_CALLABLE = "appraisal.views.locked_out"
# axes.W006 asks to lock by address as well; deliberately not (see above), and a lock by account
# cannot be dodged by changing browsers.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Simplified Chinese for everyone, whatever the browser asks for (no LocaleMiddleware): Django's own
# strings (admin, form errors) must not switch to English on an English-language phone. The code stays
# i18n-ready (gettext everywhere) should other languages be wanted.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]

def file_storage() -> dict:
    """Where uploads and generated PDFs live: the local folder MEDIA_ROOT (one web node), or an
    S3-compatible object store (DJANGO_STORAGE=s3: AWS, MinIO, a provincial cloud), so that any
    number of web nodes share them. Files are never public: views stream them after a permission
    check, so no URL of the store is ever handed out."""
    if env.str("DJANGO_STORAGE", default="filesystem") != "s3":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "access_key": env.str("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default=None),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }


STORAGES = {
    "default": file_storage(),
    "staticfiles": {
        "BACKEND": env.str(
            "DJANGO_STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
# Uploads are personal data: they live outside the static tree and are served only through
# permission-checked views, never by the web server directly.
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"
# Uploads and stored PDFs carry ID numbers and photos: readable by the service's user and group only.
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Security (production values; `manage.py check --deploy` is clean with DJANGO_DEBUG=false) ---
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=PRODUCTION)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy: scripts and styles only from this site; no inline script at all (behaviour
# lives in static/js); the pages' <style> blocks carry the request's nonce. Uploads and PDFs are
# served as attachments or same-origin images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF, csp.NONCE],
        "img-src": [csp.SELF, "data:", "blob:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}
PERMISSIONS_POLICY_DISABLED = [
    "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer", "microphone",
    "payment", "usb",
]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# --- Cache and Celery ---
REDIS_URL = env.str("REDIS_URL", default="")

def redis_cache(location: str) -> dict:
    """Redis as a cache the site can do without: when Redis does not answer within half a second, a
    read misses and a write is dropped (logged once per call by django-redis), so every page falls
    back to the database instead of answering 500."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT", default=0.5),
            "SOCKET_TIMEOUT": env.float("REDIS_TIMEOUT", default=0.5),
        },
    }


DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "appraisal.cache"
if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    # The embedded default: a cache every process shares (the server, `manage.py` commands, a
    # shell), so a change made in one is seen by the others at once, not after the entries expire.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env.str("DJANGO_CACHE_DIR", default=str(BASE_DIR / "var" / "cache")),
        }
    }

# Public verification's rate limits (CERT-4, certificates/throttle.py): counted atomically in Redis,
# in this process's memory without Redis (the embedded default) and, when Redis stops answering,
# for half a minute at a time (RATELIMIT_FAIL_OPEN hands the failure to that fallback).
CACHES["ratelimit"] = (redis_cache(REDIS_URL) if REDIS_URL
                       else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"})
CACHES["ratelimit-fallback"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                "LOCATION": "ratelimit-fallback"}
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_FAIL_OPEN = True
# "count/period" (s, m, h, d; "20/10m" is 20 in ten minutes).
CERTIFICATE_VERIFY_RATE_PER_ADDRESS = env.str("CERTIFICATE_VERIFY_RATE_PER_ADDRESS", default="60/h")
CERTIFICATE_VERIFY_RATE_PER_NUMBER = env.str("CERTIFICATE_VERIFY_RATE_PER_NUMBER", default="10/h")
CERTIFICATE_VERIFY_FAILURES_BEFORE_CAPTCHA = env.str("CERTIFICATE_VERIFY_FAILURES_BEFORE_CAPTCHA", default="5/h")
CAPTCHA_TIMEOUT = 10  # minutes a captcha may be answered in
CAPTCHA_LENGTH = 4

# Sessions read from the cache and written through to the database: a page no longer costs a
# session query (benchmarks/README.md, registration day). The cache may fail (redis_cache above):
# then the session is read from the database, and nobody is logged out.
SESSION_ENGINE = env.str("DJANGO_SESSION_ENGINE", default="django.contrib.sessions.backends.cached_db")

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without a broker the tasks run in-process (the embedded default); with Redis a worker runs them.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Exactly once, with the outbox (appraisal/outbox.py): a task is acknowledged only when it has run,
# and one whose worker died (killed, out of memory) goes back to the queue; tasks are idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A broker that does not answer is given up on quickly: the outbox keeps the message for later.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    # An unacknowledged task of a dead worker is handed out again after this many seconds.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900),
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The database scheduler copies these into django-celery-beat's tables, where staff can see them.
CELERY_BEAT_SCHEDULE = {
    # Deadlines end at midnight Asia/Shanghai; running hourly also catches up after an outage.
    "close-registration": {"task": "registration.close_registration", "schedule": 3600.0},
    "reconcile-application-forms": {"task": "registration.reconcile_application_forms", "schedule": 900.0},
    "check-publication-deadlines": {"task": "exams.check_publication_deadlines", "schedule": 3600.0},
    "expire-retained-passes": {"task": "exams.expire_retained_passes", "schedule": 3600.0},
    "relay-outbox": {"task": "appraisal.relay_outbox", "schedule": 30.0},
    "purge-outbox": {"task": "appraisal.purge_outbox", "schedule": 86400.0},
    "purge-login-attempts": {"task": "appraisal.purge_login_attempts", "schedule": 86400.0},
    "purge-job-files": {"task": "appraisal.purge_job_files", "schedule": 86400.0},
    "check-certificate-delivery": {"task": "certificates.check_delivery_deadlines", "schedule": 3600.0},
    "remind-unreported-certificates": {"task": "certificates.remind_unreported", "schedule": 3600.0},
    "check-statistics-deadlines": {"task": "stats.check_deadlines", "schedule": 3600.0},
    "purge-reset-codes": {"task": "appraisal.purge_reset_codes", "schedule": 86400.0},
    "deliver-message-stragglers": {"task": "appraisal.deliver_stragglers", "schedule": 300.0},
}

# Messages (appraisal/messaging, docs/messaging.md). SMS goes through SMS_BACKEND, chosen like
# EMAIL_BACKEND: the console by default, a file, or a provider's adapter (a BaseSmsBackend).
# In production both must be named: a console backend would write reset codes and phone numbers to
# the worker's log and send nothing, so nobody would notice that candidates get no codes.
_CONSOLE_BACKENDS = {"appraisal.messaging.backends.ConsoleSmsBackend", "appraisal.messaging.backends.LocmemSmsBackend",
                     "django.core.mail.backends.console.EmailBackend", "django.core.mail.backends.locmem.EmailBackend",
                     "django.core.mail.backends.dummy.EmailBackend"}
SMS_BACKEND = (env.str("SMS_BACKEND") if PRODUCTION
               else env.str("SMS_BACKEND", default="appraisal.messaging.backends.ConsoleSmsBackend"))
SMS_FILE_PATH = env.path("SMS_FILE_PATH", default=BASE_DIR / "var" / "sms.log")
SMS_SIGNATURE = env.str("SMS_SIGNATURE", default="吉林职业技能鉴定")
SMS_MAX_LENGTH = env.int("SMS_MAX_LENGTH", default=300)
EMAIL_BACKEND = (env.str("EMAIL_BACKEND") if PRODUCTION
                 else env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"))
if PRODUCTION and {SMS_BACKEND, EMAIL_BACKEND} & _CONSOLE_BACKENDS:
    raise ImproperlyConfigured("SMS_BACKEND and EMAIL_BACKEND must deliver in production, not print or keep "
                               "messages (docs/DEPLOY.md, docs/messaging.md).")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@jilin-appraisal.invalid")
# 忘记密码: a code is good for 10 minutes and 5 tries; requests are limited per ID number and per address.
RESET_CODE_MINUTES = env.int("RESET_CODE_MINUTES", default=10)
RESET_CODE_MAX_ATTEMPTS = env.int("RESET_CODE_MAX_ATTEMPTS", default=5)
RESET_RATE_PER_ID_NUMBER = env.str("RESET_RATE_PER_ID_NUMBER", default="3/h")
RESET_RATE_PER_ADDRESS = env.str("RESET_RATE_PER_ADDRESS", default="20/h")
# Behind a proxy every request comes from the proxy: name the header it sets (e.g. HTTP_X_REAL_IP).
RATELIMIT_IP_META_KEY = env.str("RATELIMIT_IP_META_KEY", default="") or None

# Uploaded import files (personal data) of finished background jobs are deleted after this many days.
JOB_FILES_RETENTION_DAYS = env.int("JOB_FILES_RETENTION_DAYS", default=7)

# CERT-4: printed on every certificate as 发证机关, and the address its QR code opens (the public
# verification page of the certificate number; the path is appended).
CERTIFICATE_ISSUING_AUTHORITY = env.str("CERTIFICATE_ISSUING_AUTHORITY", default="吉林省人力资源和社会保障厅")
# CERT-1: a center is reminded of certificates issued this many working days ago and not yet reported.
CERTIFICATE_REPORT_REMINDER_WORKING_DAYS = env.int("CERTIFICATE_REPORT_REMINDER_WORKING_DAYS", default=5)
# Offline verification's Ed25519 keyring (certificates/signing.py): keep it out of the web root and
# back it up with the database; `manage.py certificate_signing_key new` makes and rotates keys.
CERTIFICATE_SIGNING_KEY_DIR = env.path("CERTIFICATE_SIGNING_KEY_DIR", default=BASE_DIR / "var" / "signing-keys")
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

# STAT-1: quarterly statistics start with this year's first quarter; a city's quarter is due this
# many working days after the quarter ends, and it is reminded this many working days before.
STATS_FIRST_YEAR = env.int("STATS_FIRST_YEAR", default=2016)
STATS_DEADLINE_WORKING_DAYS = env.int("STATS_DEADLINE_WORKING_DAYS", default=10)
STATS_REMINDER_WORKING_DAYS = env.int("STATS_REMINDER_WORKING_DAYS", default=3)

# EXAM-5: an examiner rotates after this many consecutive sessions at the same site.
EXAMINER_MAX_CONSECUTIVE_SESSIONS_AT_SITE = env.int("EXAMINER_MAX_CONSECUTIVE_SESSIONS_AT_SITE", default=3)

# --- API ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["appraisal.api_common.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "appraisal.api_common.Pagination",
    # JSON bodies; the upload endpoints declare multipart themselves (so the schema offers each
    # operation only the formats it really takes).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Services raise Django's errors; one handler answers them (appraisal/errors.py).
    "EXCEPTION_HANDLER": "appraisal.errors.api_exception_handler",
    # The browsable API's page titles and descriptions in Chinese (appraisal/api_common.py).
    "VIEW_NAME_FUNCTION": "appraisal.api_common.view_name",
    "VIEW_DESCRIPTION_FUNCTION": "appraisal.api_common.view_description",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "吉林省职业技能鉴定管理系统 API",
    "DESCRIPTION": (
        "吉林省职业技能鉴定管理系统的接口，覆盖全部业务：\n\n"
        "- **报名申报**：考生申报、上传材料、提交；鉴定机构审核、退回、缴费登记；人社部门意见。\n"
        "- **考务**：考点考场、考试场次、编排考位、考评人员、试卷与保密材料交接、督导、违纪、成绩录入、"
        "发布与更正、准考证。\n"
        "- **证书**：证书数据逐级上报、省级接收，以及全国数据交换（游标分页）。\n"
        "- **统计上报**：证书数据上报与全国数据交换即各级的上报渠道；统计报表在网页端导出。\n"
        "- **鉴定日历**：统一鉴定日期、定期鉴定日及报名截止日、补考日、截止日计算。\n"
        "- **鉴定机构与职业**：鉴定机构及其核准等级、鉴定职业目录、鉴定权限判定。\n\n"
        "登录：网页会话或令牌（POST /api/auth/token/）。所有列表按当前用户的鉴定权限范围过滤（ORG-8）。"
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the installed sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The schema maps every endpoint: in production only logged-in users read it (API_DOCS_PUBLIC).
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.AllowAny"
        if env.bool("API_DOCS_PUBLIC", default=not PRODUCTION)
        else "rest_framework.permissions.IsAuthenticated"
    ],
    # Every operation documents its error answers and their bodies (appraisal/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "appraisal.schema.add_error_responses",
        "appraisal.schema.chinese_tags",
    ],
    "ENUM_NAME_OVERRIDES": {
        "LevelEnum": "appraisal.models.Level",
        "CenterKindEnum": "appraisal.models.CenterKind",
        "RetakeKindEnum": "appraisal.models.RetakeKind",
        "OccupationStatusEnum": "appraisal.models.OccupationStatus",
        "ApplicationStatusEnum": "registration.models.Status",
        "MaterialKindEnum": "registration.models.MaterialKind",
        "SupervisionKindEnum": "exams.models.SupervisionKind",
        "IncidentKindEnum": "exams.models.IncidentKind",
        "SubjectEnum": "exams.models.Subject",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line": {"()": "appraisal.logging.OneLineUnlessServerError"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
    "loggers": {
        # The embedded default's in-memory broker has no host by design; kombu warns about it every time.
        "kombu.connection": {"level": "ERROR"},
        # A 403 or 404 is one line (the user was told why); a 500 keeps its traceback.
        "django.request": {"filters": ["one_line"]},
        "django.security": {"filters": ["one_line"]},
        # Redis down: one line per failed cache call, and the page goes on from the database.
        "appraisal.cache": {"filters": ["one_line"]},
    },
}

# Pre-subset CJK font of the PDFs, built by `python manage.py build_pdf_font` (appraisal/pdf.py).
PDF_FONT_DIR = env.path("PDF_FONT_DIR", default=BASE_DIR / "var" / "fonts")
