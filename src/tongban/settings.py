"""One settings module, driven by the environment with safe defaults for the demo.

Production: set TONGBAN_PRODUCTION=1, SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS and the PII keys.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("TONGBAN_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


PRODUCTION = env_bool("TONGBAN_PRODUCTION")
DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise RuntimeError("SECRET_KEY must be set in production")
    SECRET_KEY = "demo-only-insecure-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105

ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

# The region this deployment serves (each bureau runs its own deployment).
TONGBAN_REGION_CODE = os.environ.get("TONGBAN_REGION", "611100")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "django_tasks_rq",
    "django_prometheus",
    "tongban.core",
    "tongban.org",
    "tongban.catalog",
    "tongban.signing",
    "tongban.licenses",
    "tongban.cases",
    "tongban.idonly",
    "tongban.federation",
    "tongban.projects",
    "tongban.policy",
    "tongban.service",
    "tongban.stats",
    "tongban.portal",
    "tongban.workbench",
    "tongban.archive",
    "ninja",  # the API docs from its static files (no CDN: the CSP and offline intranets)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "tongban.security",
]

MIDDLEWARE = [
    "tongban.core.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "tongban.core.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tongban.core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tongban.security.middleware.StaffSessionMiddleware",
    "tongban.core.middleware.LazyMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tongban.security.csp.CachedPolicyCSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tongban.urls"
WSGI_APPLICATION = "tongban.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tongban.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# PostgreSQL: parameters bound on the server, and a statement prepared the fifth time a
# connection runs it (Django turns psycopg's preparing off unless prepare_threshold is given), so
# the server stops parsing and planning the same text again. (Behind PgBouncer in transaction
# mode: PgBouncer >= 1.21 with max_prepared_statements.)
# The engine's health check costs no round trip: see tongban/core/postgresql/base.py.
PG_OPTIONS = {"server_side_binding": True, "prepare_threshold": 5}
PG_ENGINE = "tongban.core.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].update(ENGINE=PG_ENGINE, OPTIONS=dict(PG_OPTIONS))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL with synchronous=FULL: an acknowledged write survives a power cut.
    # IMMEDIATE transactions take the write lock up front, so concurrent writers queue
    # instead of failing with "database is locked" half-way through.
    DATABASES["default"]["ENGINE"] = "tongban.core.sqlite"  # writers queue on a lock file: see its base.py
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
            " PRAGMA busy_timeout=20000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if os.environ.get("TONGBAN_SQLITE_NO_PERSIST") else 600
    # Tests run in memory (spelled out: pytest-django recognises only Django's own engine name).
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TONGBAN_TEST_SQLITE_NAME") or ":memory:"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [Path(os.environ.get("TONGBAN_LOCALE_DIR", BASE_DIR / "locale"))]  # env: the catalogue test
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = VAR_DIR / "media"

# Background tasks: the database backend by default (nothing more to run); a province sets
# TONGBAN_TASK_BACKEND=rq to queue them on Redis and runs `tongban rqworker` processes.
REDIS_URL = os.environ.get("REDIS_URL", "")
TASK_BACKENDS = {"db": "django_tasks_db.DatabaseBackend", "rq": "django_tasks_rq.RQBackend"}
TASK_BACKEND = os.environ.get("TONGBAN_TASK_BACKEND", "db")
if TASK_BACKEND not in TASK_BACKENDS:
    raise RuntimeError(f"TONGBAN_TASK_BACKEND must be one of {sorted(TASK_BACKENDS)}")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASK_BACKEND], "QUEUES": ["default"]}}
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 600}}

# Dashboards and reports read from this database alias: a streaming replica when
# DATABASE_REPLICA_URL is set (see tongban.core.dbrouter), else the primary.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["replica"].update(ENGINE=PG_ENGINE, OPTIONS=dict(PG_OPTIONS))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
TONGBAN_REPORTING_DATABASE = "replica" if "replica" in DATABASES else "default"
DATABASE_ROUTERS = ["tongban.core.dbrouter.ReportingReplicaRouter"]

# Prometheus metrics at /metrics, for the addresses listed here only (the scraper's).
TONGBAN_METRICS_ALLOWED_IPS = os.environ.get("TONGBAN_METRICS_ALLOWED_IPS", "127.0.0.1,::1").split(",")

LOGIN_URL = "/admin/login/"

# Case handling
TONGBAN_MAX_UPLOAD_BYTES = int(os.environ.get("TONGBAN_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = TONGBAN_MAX_UPLOAD_BYTES + 1024
# Multipart bodies are parsed by the `multipart` package (four times faster than Django's parser).
FILE_UPLOAD_HANDLERS = ["tongban.core.uploads.MultipartUploadHandler"]
DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024
TONGBAN_PUBLIC_RATE_PER_MINUTE = int(os.environ.get("TONGBAN_PUBLIC_RATE_PER_MINUTE", "30"))
TONGBAN_RECTIFICATION_DAYS = 5
TONGBAN_NOTIFY_ADAPTERS = [
    a for a in os.environ.get("TONGBAN_NOTIFY_ADAPTERS", "tongban.cases.notifications.console_sms_adapter").split(",") if a
]
# Called with the case number after a case concludes (after commit): license issuance, archiving...
TONGBAN_CASE_CONCLUDED_HOOKS: list[str] = []
# Called inside a case transition's transaction with (case=, action=, event=).
TONGBAN_CASE_TRANSITION_HOOKS: list[str] = ["tongban.federation.status.on_case_transition",
                                              "tongban.archive.hooks.on_case_transition"]
# Electronic archive: packages on the file system (S3-compatible storage: same interface, not built).
TONGBAN_ARCHIVE_ROOT = Path(os.environ.get("TONGBAN_ARCHIVE_ROOT", VAR_DIR / "archive"))
TONGBAN_ARCHIVE_DEFAULT_RETENTION = os.environ.get("TONGBAN_ARCHIVE_DEFAULT_RETENTION", "30y")
TONGBAN_ARCHIVE_SM3 = env_bool("TONGBAN_ARCHIVE_SM3")  # SM3 manifests also when the platform alg is SM2
# Periodic tasks the `scheduler` command enqueues: dotted task path -> every N seconds.
TONGBAN_SCHEDULE = {
    "tongban.cases.tasks.sweep_deadlines": 300,
    "tongban.federation.tasks.send_outbox": int(os.environ.get("TONGBAN_FEDERATION_SEND_EVERY", "5")),
    "tongban.archive.tasks.close_register": int(os.environ.get("TONGBAN_ARCHIVE_CLOSE_EVERY", "86400")),
    "tongban.portal.tasks.flush_page_views": 60,  # only does something when the cache is Redis
    # statistics roll-up: the last TONGBAN_STATS_ROLLUP_DAYS days rebuilt from the cases
    "tongban.stats.tasks.refresh_rollup": int(os.environ.get("TONGBAN_STATS_ROLLUP_EVERY", "3600")),
}
TONGBAN_STATS_ROLLUP_DAYS = int(os.environ.get("TONGBAN_STATS_ROLLUP_DAYS", "3"))
# Long-running processes `tongban serve` starts besides the web server and the task worker.
TONGBAN_SERVE_PROCESSES = [["scheduler"]]

# ID-card-only handling (一证通办): the shared-data providers, each configured per deployment.
# The demo points all four at the reference data service `tongban serve` starts (`tongban refdata`).
TONGBAN_REFDATA_URL = os.environ.get("TONGBAN_REFDATA_URL", "http://127.0.0.1:8100")
TONGBAN_REFDATA_TOKEN = os.environ.get("TONGBAN_REFDATA_TOKEN", "demo-refdata-token")
TONGBAN_IDONLY_PROVIDERS = {
    source: {
        "url": os.environ.get(f"TONGBAN_{source.upper()}_URL", TONGBAN_REFDATA_URL),
        "token": os.environ.get(f"TONGBAN_{source.upper()}_TOKEN", TONGBAN_REFDATA_TOKEN),
        "timeout": float(os.environ.get(f"TONGBAN_{source.upper()}_TIMEOUT",
                                        os.environ.get("TONGBAN_IDONLY_TIMEOUT", "3"))),
        "retries": int(os.environ.get("TONGBAN_IDONLY_RETRIES", "1")),
    }
    for source in ("population", "social_security", "housing_fund", "vehicle")
}
TONGBAN_IDONLY_LOOKUP_TTL_MINUTES = int(os.environ.get("TONGBAN_IDONLY_LOOKUP_TTL_MINUTES", "60"))
if env_bool("TONGBAN_REFDATA_SERVE", not PRODUCTION):
    TONGBAN_SERVE_PROCESSES.append(["refdata"])

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Personal data keys: base64 of 32 random bytes each. The demo derives stable keys from
# SECRET_KEY so that a fresh clone works; production must set both explicitly.
TONGBAN_PII_KEYS = os.environ.get("TONGBAN_PII_KEYS", "")
TONGBAN_BLIND_INDEX_KEY = os.environ.get("TONGBAN_BLIND_INDEX_KEY", "")
if PRODUCTION and not (TONGBAN_PII_KEYS and TONGBAN_BLIND_INDEX_KEY):
    raise RuntimeError("TONGBAN_PII_KEYS and TONGBAN_BLIND_INDEX_KEY must be set in production")

# Security headers (check --deploy clean under TONGBAN_PRODUCTION=1).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
# Security (tongban.security): idle sign-out, second factor, lock-out, content security policy.
TONGBAN_IDLE_TIMEOUT_SECONDS = int(os.environ.get("TONGBAN_IDLE_TIMEOUT_SECONDS", str(30 * 60)))
TONGBAN_SECOND_FACTOR_ROLES = ["approver", "center_admin", "leader"]  # and every superuser
AUTHENTICATION_BACKENDS = ["tongban.security.backends.LockoutBackend",
                           "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("TONGBAN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("TONGBAN_LOGIN_LOCK_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tongban.security.views.locked_out"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"], "script-src": ["'self'"],
        # inline style attributes and <style> blocks in reports and SVG charts; scripts stay strict
        "style-src": ["'self'", "'unsafe-inline'"], "img-src": ["'self'", "data:"],
        "object-src": ["'none'"], "base-uri": ["'self'"], "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Logs go to standard error: one JSON object per line in production (TONGBAN_LOG_FORMAT=json),
# plain text for the demo; personal data is masked either way.
LOG_FORMAT = os.environ.get("TONGBAN_LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "tongban.security.logmask.MaskPersonalData"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_personal_data"],
                             "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

ADMIN_SITE_HEADER = _("Tongban administration")
