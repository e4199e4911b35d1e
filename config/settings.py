"""One settings module; production differs only by its environment.

| variable            | unset (embedded default)            | set (production)                      |
|---------------------|-------------------------------------|---------------------------------------|
| DATABASE_URL        | SQLite file var/db.sqlite3 (WAL)    | PostgreSQL, persistent connections    |
| CELERY_BROKER_URL / | tasks run in-process, local cache   | Redis broker, result backend, cache   |
| REDIS_URL           |                                     |                                       |
| DJANGO_DEBUG        | on: a development key is allowed    | off: DJANGO_SECRET_KEY is required    |
| DJANGO_SERVER_TIMING| off                                 | on only for bench/load.py: CPU header |
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (production).")
    SECRET_KEY = "development-only-key-not-for-production-use-0123456789abcdefghijkl"  # noqa: S105 (dev only)

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "axes",
    "accounts",
    "provinces",
    "cluster",
    "scoring",
    "covenants",
    "awards",
    "reports",
    "signatures",
    "dossiers",
    "notifications",
    "archive",
    "search",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages (it leaves one on the login page), before any view is resolved.
    "accounts.middleware.IdleSessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "common.memo.RequestMemoMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lock-out into its response.
    "axes.middleware.AxesMiddleware",
]

if env.bool("DJANGO_SERVER_TIMING", default=False):  # the load benchmark's CPU per request
    MIDDLEWARE.insert(0, "common.timing.ServerTimingMiddleware")

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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a real Celery worker started by a test sees the test data.
    DATABASES["default"]["TEST"] = {"NAME": env.str("DJANGO_TEST_DB", default=str(VAR_DIR / "test-db.sqlite3"))}
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out username/address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # Django's, reading the user with their province (accounts.backends).
    "accounts.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "cluster:home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# A signed-in session ends after this many seconds without a request (accounts.middleware).
SESSION_IDLE_TIMEOUT = env.int("DJANGO_SESSION_IDLE_TIMEOUT", default=30 * 60)
# A password link (reset, or an account's first password) works once, for this many seconds.
PASSWORD_RESET_TIMEOUT = env.int("DJANGO_PASSWORD_RESET_TIMEOUT", default=3 * 24 * 60 * 60)
# Password link requests (accounts.throttling): at most so many an hour from one address, and
# for one e-mail address from anywhere; further requests are refused for the rest of the hour.
PASSWORD_RESET_ADDRESS_LIMIT = env.int("PASSWORD_RESET_ADDRESS_LIMIT", default=5)
PASSWORD_RESET_EMAIL_LIMIT = env.int("PASSWORD_RESET_EMAIL_LIMIT", default=3)

# Login throttling (django-axes): a username is locked out for an hour after 5 failures from
# one address, or after 10 from any number of addresses (a guess spread over many machines);
# the state is in the database, shared by every web process. Each parameter of
# AXES_LOCKOUT_PARAMETERS has its own limit through accounts.throttling.LoginThrottleHandler.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
LOGIN_USERNAME_FAILURE_LIMIT = env.int("AXES_USERNAME_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_HANDLER = "accounts.throttling.LoginThrottleHandler"
# The client's address: REMOTE_ADDR, unless the site runs behind reverse proxies that append
# to X-Forwarded-For; then DJANGO_TRUSTED_PROXY_COUNT says how many (accounts.throttling).
# django-ipware is not installed, so axes's AXES_IPWARE_* settings would have no effect.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_ip_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# axes's own admin pages are in English: an admin ends a lock-out from the staff accounts page.
AXES_ENABLE_ADMIN = False

# --- Language and time: Vietnamese first ------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static and uploaded files ---------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise expects it, even before collectstatic


# Bootstrap comes from npm at install time (package.json, package-lock.json): never from a CDN,
# never copied into the repository. Until scripts/install.sh has run, `check` warns that it is missing.
BOOTSTRAP_DIR = BASE_DIR / "node_modules" / "bootstrap" / "dist"
HTMX_DIR = BASE_DIR / "node_modules" / "htmx.org" / "dist"  # the live screen polls with htmx
STATICFILES_DIRS = [BASE_DIR / "static", ("bootstrap", BOOTSTRAP_DIR), ("htmx", HTMX_DIR)]
# Uploaded files (evidence, signed scans, generated documents) are private: the default
# storage keeps them outside any public path and no URL serves them; they are downloaded
# only through views that check permissions. A site can point "default" at object
# storage (django-storages) without code changes.
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never routed: nothing is served from MEDIA_ROOT
STORAGES = {
    "default": {
        "BACKEND": env.str("DJANGO_FILE_STORAGE", default="django.core.files.storage.FileSystemStorage"),
        "OPTIONS": {"location": str(MEDIA_ROOT / "private"), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Cache, Celery ---------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
# A task whose worker died is delivered again after this long (acks_late).
# kombu scans for such messages every interval × throttle seconds (about a minute here).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600),
    "unacked_restore_interval": env.int("CELERY_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_RESTORE_THROTTLE", default=6),
}
# The render time limit of a document, in seconds: the worker stops a render after it (a soft
# limit 30 s earlier lets it record the failure), and a render running longer than it plus a
# minute is taken as lost with its worker (reports.services.report_is_stale).
DOCUMENT_RENDER_TIME_LIMIT = env.int("DOCUMENT_RENDER_TIME_LIMIT", default=180)
# A render still queued after this many seconds is sent again (its message was lost).
DOCUMENTS_REQUEUE_AFTER = env.int("DOCUMENTS_REQUEUE_AFTER", default=120)
PDF_FONT_DIR = env.str("PDF_FONT_DIR", default="/usr/share/fonts/truetype/liberation2")
# Digital signatures (signatures/): the key that encrypts the stored PKCS#12 certificates (any
# long random string; unset: no certificate can be stored, server signing is off) and the PEM
# files of the certification authorities a signature must chain to (comma separated).
SIGNING_KEY = env.str("SIGNING_KEY", default="")
SIGNATURE_TRUST_ROOTS = env.list("SIGNATURE_TRUST_ROOTS", default=[])

# --- E-mail (notifications) -------------------------------------------------------------
# Unset: every e-mail is printed to the console (the embedded default). EMAIL_URL
# (smtp://user:password@host:587, smtp+tls://…, smtp+ssl://…) or EMAIL_HOST/EMAIL_PORT/
# EMAIL_HOST_USER/EMAIL_HOST_PASSWORD/EMAIL_USE_TLS switch to SMTP. Links in e-mails start with
# SITE_URL. Reminders go out this many days before each deadline, and on the day.
if env.str("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))
elif env.str("EMAIL_HOST", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env.str("EMAIL_HOST")
    EMAIL_PORT = env.int("EMAIL_PORT", default=587)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Cụm thi đua <thidua@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = env.str("DJANGO_SITE_URL", default="http://127.0.0.1:8000")
REMINDER_DAYS_BEFORE = env.list("REMINDER_DAYS_BEFORE", cast=int, default=[7, 1])
# The schedule of `celery -A config beat` (the worker runs it with --beat in docker-compose.yml):
# the reminders once a day (the same service as `manage.py send_reminders`), lost e-mails again.
CELERY_BEAT_SCHEDULE = {
    "send-reminders": {
        "task": "notifications.tasks.send_reminders",
        "schedule": crontab(hour=env.int("REMINDERS_HOUR", default=7), minute=0),
    },
    "send-pending-emails": {"task": "notifications.tasks.send_pending_emails", "schedule": 15 * 60},
}

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Forms --------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
# Request sizes. The form fields of one request (everything but its files) may total 2.5 MB:
# past that Django refuses the request (400, "RequestDataTooBig") before parsing it. An uploaded
# file of up to 2.5 MB is held in memory, a larger one in a temporary file. A request carrying
# files may not be larger than UPLOAD_MAX_REQUEST_SIZE in all: refused (400) from its
# Content-Length before anything is read (common.uploads.RequestSizeLimitHandler). Each file is
# further checked against its own limit (10 MB for evidence and scans, 2 MB for an Excel
# template); a reverse proxy in front should refuse larger bodies too.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
UPLOAD_MAX_REQUEST_SIZE = env.int("DJANGO_UPLOAD_MAX_REQUEST_MB", default=50) * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "common.uploads.RequestSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Security (production: DJANGO_DEBUG off) --------------------------------------------
# Content-Security-Policy (django-csp): scripts only from our own static files, no inline
# script anywhere; inline style attributes are allowed (Bootstrap utilities in templates).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    # HTTPS settings can be switched off by the environment behind a plain-HTTP test proxy.
    HTTPS = env.bool("DJANGO_HTTPS", default=True)
    SECURE_SSL_REDIRECT = HTTPS
    SESSION_COOKIE_SECURE = HTTPS
    CSRF_COOKIE_SECURE = HTTPS
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000 if HTTPS else 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
    SECURE_HSTS_PRELOAD = HTTPS
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
}
