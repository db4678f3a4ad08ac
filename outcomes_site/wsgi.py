"""WSGI entry point, used by gunicorn in production (README "Deploying for real": ``--preload``).

Besides building the application, this loads at start what the pages would otherwise load on
someone's first request, several seconds' worth: pandas, matplotlib (the Agg backend: drawing
to SVG in memory, never a window), the reporting modules, every view (through the URLconf) and
one small drawing, which loads matplotlib's fonts. With ``--preload`` gunicorn does it once,
before forking its workers, so a fresh worker answers at once. Nothing here opens a database
connection: a connection opened before the fork would be shared by every worker.
"""

import importlib
import io
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outcomes_site.settings")

application = get_wsgi_application()

# Imported lazily by the views that draw or count (to keep management commands quick), so
# named here: a web process needs them all.
WARM_MODULES: tuple[str, ...] = (
    "pandas",
    "matplotlib.figure",
    "openpyxl",
    "conversations.charts",
    "reporting.charts",
    "reporting.figures",
    "reporting.measures",
    "reporting.returns",
    "reporting.selectors",
)


def _warm() -> None:
    import matplotlib

    matplotlib.use("Agg")
    for name in WARM_MODULES:
        importlib.import_module(name)
    from django.urls import get_resolver
    from matplotlib.figure import Figure

    get_resolver().url_patterns  # noqa: B018 (imports every view module)
    figure = Figure(figsize=(1, 1))
    figure.subplots().plot([0, 1], [0, 1], label="warm")
    figure.savefig(io.BytesIO(), format="svg")


_warm()
