"""Settings for Gobierno Abierto Quito: one file, every difference between environments an env variable."""

import os
import sys
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")
HTTPS = env_bool("DJANGO_HTTPS")
# Adds /bench/ping/, the trivial view `make bench` compares every page with.
BENCHMARK = env_bool("DJANGO_BENCHMARK")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # A one-line message rather than a traceback: this is a configuration mistake, not a bug.
        sys.exit(
            "Configuration error: DJANGO_SECRET_KEY is not set. Set it (see .env.example), "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-used-in-production"  # noqa: S105

# How many reverse proxies (nginx, a load balancer) stand in front of the app servers and append to
# X-Forwarded-For; 0 when gunicorn faces the clients directly. Rate limits and login lockouts use the address.
PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "0"))
# The sourced facts (copies of ../shared/data): load_quito_plan passes them to each app's loaders, and the
# council's public page quotes the plan file.
PLAN_DATA_FILE = BASE_DIR / "quito_ga" / "data" / "quito-plan-2022-2023.json"
PARISHES_DATA_FILE = BASE_DIR / "quito_ga" / "data" / "quito-parishes.json"
# An open milestone whose latest report is older than this many days is flagged ("último reporte hace N días").
PROGRESS_STALE_DAYS = int(os.environ.get("DJANGO_PROGRESS_STALE_DAYS", "90"))
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "quito_ga.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",  # SearchVectorField; on SQLite the column is left empty (see commitments.search)
    "django_filters",
    "rest_framework",
    "corsheaders",
    "drf_spectacular",
    "simple_history",
    "axes",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "quito_ga",
    "ratelimits",
    "commitments",
    "council",
    "proposals",
    "subscriptions",
    "opendata",
]

MIDDLEWARE = [
    "quito_ga.middleware.RequestIdMiddleware",
    # Sets request.client_ip (behind DJANGO_PROXY_COUNT trusted proxies) and request.client_network (IPv6 per /64).
    "ratelimits.middleware.ClientIpMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Open data for the web: CORS on the data responses only, the licence as a Link header, and ETag/304 for every
    # GET (above the page cache, so cached pages answer 304 too).
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "opendata.middleware.DataLicenceMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "quito_ga.middleware.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "quito_ga.middleware.SessionActivityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "quito_ga.urls"
WSGI_APPLICATION = "quito_ga.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "quito_ga.context_processors.demo_notice",
                "quito_ga.context_processors.participation",
            ],
        },
    },
]

# Database: PostgreSQL in production through DATABASE_URL; an embedded SQLite file otherwise.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # gunicorn's workers and threads write to one file at once. WAL lets readers go on while one writes;
    # IMMEDIATE takes the write lock when a transaction begins, so a transaction that read first never fails
    # on upgrading its lock (SQLite does not wait then); the timeout makes writers queue instead of failing.
    # synchronous=FULL (not NORMAL): with WAL, NORMAL may lose the last commits on a power cut, and a proposal
    # acknowledged with its code must survive one.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL",
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Degrades to no cache while Redis is unreachable, instead of failing the request.
            "BACKEND": "quito_ga.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "quito_ga",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = [
    # Counts failed logins and locks an account/IP pair out after AXES_FAILURE_LIMIT failures.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours; an administrator can unlock sooner in the admin or with `manage.py axes_reset`
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_CLIENT_IP_CALLABLE = "ratelimits.limits.client_ip"
# Failed logins per account from any address (password spraying from many addresses), in ratelimits.
LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("DJANGO_LOGIN_FAILURES_PER_ACCOUNT", "20"))
LOGIN_FAILURE_WINDOW = 3600

# The read-only open-data API (opendata/api.py): public, unauthenticated, JSON only, paginated.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
# Open data: one canonical licence IRI everywhere (pages, downloads, API, feeds, catalogue).
OPEN_DATA_LICENCE = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
# The responses that are data (API, downloads, the evidence repository, feeds, calendar, sitemaps): readable from
# any web origin (read-only, no credentials) and sent with their licence.
OPEN_DATA_URLS_REGEX = (
    r"^/(?:api/|(?:en/)?datos/(?:[^/]+\.[a-z]+$|repositorio/)|sitemap[^/]*\.xml$|(?:en/)?.*\.(?:atom|ics)$)"
)
CORS_URLS_REGEX = OPEN_DATA_URLS_REGEX
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_EXPOSE_HEADERS = ("ETag", "Last-Modified", "Link", "Content-Disposition")
SPECTACULAR_SETTINGS = {
    "TITLE": "Gobierno Abierto Quito API",
    "DESCRIPTION": "Read-only open data of Quito's open-government action plans (CC BY 4.0).",
    "VERSION": "1.0.0",
    "LICENSE": OPEN_DATA_LICENCE,
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {
        "CompletionEnum": "commitments.models.Completion",
        "MilestoneStatusEnum": "commitments.models.Milestone.Status",
        "PlanStatusEnum": "commitments.models.ActionPlan.Status",
        "DatePrecisionEnum": "commitments.models.DatePrecision",
        "OgpValueEnum": "commitments.models.OgpValue.Key",
    },
}

# Anonymous pages are served from the cache until what they show changes (quito_ga/page_versions.py). Only
# on by default with Redis: per-process memory caches cannot be invalidated across gunicorn workers.
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "300" if REDIS_URL else "0"))
# Pages that change only with saves (which bump their versions) and with the date (in every page's signature) are
# kept longer: this bounds a change that bumps nothing. Pages that change at moments no save marks (whether a call
# for proposals is open: `page_changes_with_time` on their view) keep PAGE_CACHE_SECONDS.
PAGE_CACHE_DATED_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_DATED_SECONDS", "3600"))
# An out-of-date copy is kept this much longer, served while one request renders the page again (holding a lock
# for at most PAGE_CACHE_LOCK_SECONDS).
PAGE_CACHE_STALE_SECONDS = 600
PAGE_CACHE_LOCK_SECONDS = 10
PAGE_CACHE_EXCLUDE = ("/admin/", "/en/admin/", "/salud/")
# The query parameters the public pages and the API read; a request with any other is rendered, never cached.
PAGE_CACHE_QUERY_PARAMETERS = frozenset(
    {
        "page", "page_size", "q", "al",
        # Filters of the commitment, proposal, council session and agreement lists.
        "plan", "lead", "value", "status", "call", "zone", "parish", "topic", "year", "responsible", "overdue",
        # Filters of the open-data API (opendata/datasets.py).
        "kind", "plan__slug", "lead__slug", "ogp_values__key", "commitment__code", "responsible__slug",
        "milestone__id", "milestone__commitment__code", "update__milestone__commitment__code", "sector", "role",
        "organization__slug", "scheduled_on__gte", "scheduled_on__lte", "session__number", "member__id", "outcome",
        "zone__slug", "call__id", "is_demo", "milestone__is_demo", "update__milestone__is_demo", "session__is_demo",
        "format", "call__plan__slug", "milestone__commitment__plan__slug",
    }
)  # fmt: skip

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language and time: Spanish first, English second; Quito's time zone.
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Guayaquil"
USE_I18N = True
USE_TZ = True

# Static files, compressed and content-hashed, served by whitenoise.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o640
# Uploads on S3-compatible object storage shared by every app server (django-storages, the `s3` extra). Files
# stay private: the portal streams public evidence itself, after checking it may be shown.
S3_BUCKET = os.environ.get("DJANGO_S3_BUCKET", "")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("DJANGO_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("DJANGO_S3_REGION") or None,
            "access_key": os.environ.get("DJANGO_S3_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("DJANGO_S3_SECRET_ACCESS_KEY", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# Email: printed to the console unless an SMTP server is configured.
EMAIL_BACKEND_PATH = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": {}}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("DJANGO_EMAIL_PORT", "25")),
        "username": os.environ.get("DJANGO_EMAIL_HOST_USER", ""),
        "password": os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("DJANGO_EMAIL_USE_TLS"),
        "timeout": 10,
    }
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Gobierno Abierto Quito <noreply@quito.gob.ec>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Work done after the request (every email, the evidence repository's ZIP) is stored in the database and run by
# `manage.py db_worker` (django-tasks-db), which `make run` starts beside gunicorn. A failing mail server is
# retried EMAIL_ATTEMPTS times, waiting EMAIL_RETRY_SECONDS, then twice as long each time.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("DJANGO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
EMAIL_ATTEMPTS = int(os.environ.get("DJANGO_EMAIL_ATTEMPTS", "8"))
EMAIL_RETRY_SECONDS = int(os.environ.get("DJANGO_EMAIL_RETRY_SECONDS", "60"))
# Evidence repository ZIPs (built by the worker) each app process streams at once; more wait with a 503.
REPOSITORY_DOWNLOADS_PER_PROCESS = int(os.environ.get("DJANGO_REPOSITORY_DOWNLOADS_PER_PROCESS", "2"))

# Password of the demonstration accounts created by seed_demo.
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "")

# Where the portal is reached from outside: links in emails, canonical and hreflang addresses, share cards.
PORTAL_URL = os.environ.get("DJANGO_PORTAL_URL", "http://127.0.0.1:8000")

# Citizen proposals: how long the contact data of a closed proposal is kept before purge_personal_data
# anonymises it, and the limits against automated abuse of the public forms.
PROPOSALS_RETENTION_DAYS = int(os.environ.get("PROPOSALS_RETENTION_DAYS", "365"))
# Days within which moderators aim to answer a proposal; older ones stand out on their admin home.
PROPOSALS_RESPONSE_TARGET_DAYS = int(os.environ.get("PROPOSALS_RESPONSE_TARGET_DAYS", "30"))
PROPOSALS_MIN_FILL_SECONDS = int(os.environ.get("PROPOSALS_MIN_FILL_SECONDS", "5"))
PROPOSALS_SUBMISSIONS_PER_HOUR = int(os.environ.get("PROPOSALS_SUBMISSIONS_PER_HOUR", "5"))
PROPOSALS_LOOKUPS_PER_HOUR = int(os.environ.get("PROPOSALS_LOOKUPS_PER_HOUR", "30"))
# Email subscriptions without an account: subscriptions per hour and client network, days an unconfirmed one is
# kept (purge_personal_data drops it after), and the mailbox of List-Unsubscribe's mailto (unset: the https
# one-click link only; set it only if that mailbox's messages are processed).
SUBSCRIPTIONS_PER_HOUR = int(os.environ.get("SUBSCRIPTIONS_PER_HOUR", "10"))
SUBSCRIPTIONS_UNCONFIRMED_DAYS = int(os.environ.get("SUBSCRIPTIONS_UNCONFIRMED_DAYS", "7"))
SUBSCRIPTIONS_UNSUBSCRIBE_MAILTO = os.environ.get("SUBSCRIPTIONS_UNSUBSCRIBE_MAILTO", "")
# Where rate-limit counters live: Redis when configured (shared by every worker), else the database.
RATELIMIT_REDIS_URL = os.environ.get("RATELIMIT_REDIS_URL", REDIS_URL)

# Security. What only makes sense behind TLS is switched on by DJANGO_HTTPS=1.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Staff sessions end after 8 hours without activity (SessionActivityMiddleware renews them while in use), and
# when the browser closes.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_RENEW_AFTER = 5 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# A second factor (TOTP, django-otp) for every staff account; `check --deploy` warns while it is off.
STAFF_MFA = os.environ.get("DJANGO_STAFF_MFA", "0") == "1"
OTP_TOTP_ISSUER = "Gobierno Abierto Quito"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Logs: one JSON object a line on stdout, each with the id of the request that caused it. Never log personal
# data: log identifiers (codes, primary keys), not what citizens typed.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "quito_ga.middleware.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": sys.stdout,
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
