"""Settings for the gunicorn that ``bench_load`` starts: production settings (DEBUG off), with
static files served from ``static/`` as they are (no ``collectstatic`` manifest to build for a
throwaway run; the simulated staff fetch pages, not assets). Benchmark use only."""

import warnings

from outcomes_site.settings import *  # noqa: F403

# WhiteNoise looks for collected files (STATIC_ROOT), not built for a throwaway run.
warnings.filterwarnings("ignore", message="No directory at")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
