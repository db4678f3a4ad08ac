"""Settings for the outcomes site, driven by environment variables.

Local use needs nothing set: SQLite in the project folder, DEBUG on, a development key.
Production (DEBUG=false) refuses to start without a real SECRET_KEY.
"""

import os
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from outcomes_site.env import database_from_url, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)

_DEV_KEY = "django-insecure-development-only-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "" if not DEBUG else _DEV_KEY)
if not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value when DEBUG is false "
        "(python -c 'import secrets; print(secrets.token_urlsafe(64))')"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

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
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "outcomes_site.signin",
    "frameworks",
    "conversations",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything that can write an audit row: the rows record where the request came from.
    "conversations.audit.RequestAddressMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "outcomes_site.middleware.PermissionsPolicyMiddleware",
    "outcomes_site.middleware.NoStoreMiddleware",
    # After messages (it says why someone was signed out), before anything that answers for
    # a signed-in user.
    "outcomes_site.middleware.IdleTimeoutMiddleware",
    "outcomes_site.signin.middleware.SecondFactorMiddleware",
    # Last, as django-axes asks: turns a lockout into our sign-in page with its message.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "outcomes_site.urls"

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
                "conversations.context_processors.scope",
                "outcomes_site.signin.context_processors.second_factor",
                "outcomes_site.sessions.session_timeout",
            ],
        },
    },
]

WSGI_APPLICATION = "outcomes_site.wsgi.application"

DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL", "sqlite:///db.sqlite3"), base_dir=BASE_DIR
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Signing in (README: "Security and data protection") ---------------------------------

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username or address before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "outcomes_site.signin.passwords.GuessableWordPasswordValidator"},
]


def _lockout_parameters(items: list[str]) -> list[str | list[str]]:
    """``username,ip_address`` locks each separately; ``username+ip_address`` locks the pair."""
    known = {"username", "ip_address", "user_agent"}
    parameters: list[str | list[str]] = []
    for item in items:
        parts = [part.strip() for part in item.split("+")]
        if not set(parts) <= known:
            raise ImproperlyConfigured(
                f"AXES_LOCKOUT_PARAMETERS: {item!r} is not made of {', '.join(sorted(known))}"
            )
        parameters.append(parts[0] if len(parts) == 1 else parts)
    return parameters


# After AXES_FAILURE_LIMIT failed sign-ins for one username (from any address), or from one
# address (for any usernames), that username or address is refused for AXES_COOLOFF_MINUTES.
# Wrong second-factor codes count as failed sign-ins. Unlock: `manage.py axes_reset_username
# NAME`, `axes_reset_ip ADDRESS`, `axes_reset` (everything), or delete the "access attempt" rows
# in the admin.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = _lockout_parameters(
    env_list("AXES_LOCKOUT_PARAMETERS", ["username", "ip_address"])
)
AXES_LOCKOUT_CALLABLE = "outcomes_site.signin.views.locked_out"
AXES_RESET_ON_SUCCESS = False  # a success must not wipe failures recorded against others
AXES_HTTP_RESPONSE_CODE = 429
# Behind a reverse proxy the client's address is the last one it appends to X-Forwarded-For;
# AXES_BEHIND_PROXY=false when gunicorn is reached directly.
if env_bool("AXES_BEHIND_PROXY", not DEBUG):
    AXES_CLIENT_IP_CALLABLE = "outcomes_site.signin.addresses.client_address_behind_proxy"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # each failure listed in the admin, passwords removed
# Masked in the stored form data and in log lines (passwords always are).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "csrfmiddlewaretoken"]

# Roles that must use a second factor: StaffRole values (practitioner, team_leader,
# partnership_lead) and "administrator" (staff users of the Django admin). Empty: nobody is
# forced, everybody may still turn it on. `make run` sets it empty for the demo.
OTP_REQUIRED_ROLES = env_list("OTP_REQUIRED_ROLES", ["partnership_lead", "administrator"])
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Outcomes conversations")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SESSION_COOKIE_HTTPONLY = True
# --- Sessions and headers (README: "Sessions and headers") --------------------------------
# A session ends with the browser, after SESSION_IDLE_MINUTES without a request
# (outcomes_site.middleware.IdleTimeoutMiddleware), and at the latest SESSION_COOKIE_AGE
# seconds after signing in.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
# The recording page warns this many seconds before an idle session ends.
SESSION_IDLE_WARNING_SECONDS = env_int("SESSION_IDLE_WARNING_SECONDS", 120)
if SESSION_IDLE_MINUTES < 1:
    raise ImproperlyConfigured(
        f"SESSION_IDLE_MINUTES must be at least 1, not {SESSION_IDLE_MINUTES}"
    )
# Nothing inline: every script and style is a file under static/ (charts' SVG is drawn with
# presentation attributes, not style attributes: conversations/charts.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Disclosure control: figures with a denominator below this are suppressed (spec §5).
SUPPRESSION_THRESHOLD = env_int("SUPPRESSION_THRESHOLD", 5)

# Team leaders' home page lists drafts started more than this many days ago.
CASELOAD_OLD_DRAFT_DAYS = env_int("CASELOAD_OLD_DRAFT_DAYS", 14)

# Retention: people whose last conversation was held more than this many whole years ago are
# anonymised by `manage.py anonymise_people` (names, date of birth and words removed; the
# counted answers kept so published returns stay reproducible).
RETENTION_YEARS = env_int("RETENTION_YEARS", 7)
if RETENTION_YEARS < 1:
    raise ImproperlyConfigured(f"RETENTION_YEARS must be at least 1, not {RETENTION_YEARS}")
