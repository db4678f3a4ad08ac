"""WSGI entry point, used by gunicorn in production (README "Deploying for real": ``--preload``).

Besides building the application, this loads at start what the pages would otherwise load on
someone's first request, several seconds' worth: pandas, matplotlib (the Agg backend: drawing
to SVG in memory, never a window), the reporting modules, every view (through the URLconf),
the site's templates compiled (with their tag libraries and context processors) and one small
chart drawn (matplotlib's fonts and text layout). With ``--preload`` gunicorn does it once,
before forking its workers, so a fresh worker answers at once. Nothing here opens a database
connection: a connection opened before the fork would be shared by every worker.
"""

import importlib
import io
import os
from pathlib import Path

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


def _warm_templates() -> None:
    """Compile the site's own templates into the cached loader, which also sets the engine up:
    tag libraries, context processors."""
    from django.template import engines

    for engine in engines.all():
        engine.engine.template_context_processors  # noqa: B018 (imports them)
        for folder in engine.engine.dirs:
            for path in sorted(Path(folder).rglob("*.html")):
                engine.get_template(path.relative_to(folder).as_posix())


def _warm_drawing() -> None:
    """One small chart of each kind the pages draw, and the pandas steps they take."""
    import pandas as pd
    from matplotlib.figure import Figure

    frame = pd.DataFrame({"row": ["a", "a", "b"], "column": ["x", "y", "x"], "count": [1, 2, 3]})
    frame.pivot_table(index="row", columns="column", values="count", aggfunc="sum").to_dict(
        "records"
    )
    frame.groupby(["row", "column"])["count"].sum().unstack(fill_value=0)
    figure = Figure(figsize=(2, 2))
    axes = figure.subplots()
    axes.plot([0, 1], [0, 1], marker="o", label="line")
    axes.barh(["a", "b"], [1, 2], hatch="//", label="bar")
    axes.set_title("Warm")
    axes.legend()
    figure.savefig(io.BytesIO(), format="svg")


def _warm() -> None:
    import matplotlib

    matplotlib.use("Agg")
    for name in WARM_MODULES:
        importlib.import_module(name)
    from django.urls import get_resolver

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 (imports every view module)
    resolver.reverse_dict  # noqa: B018 (what reverse() and {% url %} look names up in)
    _warm_templates()
    _warm_drawing()


_warm()
