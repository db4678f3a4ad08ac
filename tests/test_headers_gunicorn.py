"""The gunicorn configuration in the repository keeps query strings out of the access log."""

from __future__ import annotations

import datetime
import logging
import re
import runpy
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config
from gunicorn.glogging import Logger

CONFIG = Path(__file__).resolve().parent.parent / "outcomes_site" / "gunicorn.conf.py"
# The request line, the query string, the Referer (the previous page's query) and any request
# header or environ value: each can carry what someone typed.
QUERY_CARRYING = re.compile(r"%\((r|q|f|\{[^}]*\}[ie])\)s", re.IGNORECASE)


def test_the_format_names_the_path_and_nothing_that_carries_a_query():
    settings = runpy.run_path(str(CONFIG))

    access_log_format = settings["access_log_format"]
    assert "%(U)s" in access_log_format
    assert not QUERY_CARRYING.findall(access_log_format)
    assert settings["wsgi_app"] == "outcomes_site.wsgi:application"


def test_a_search_is_logged_without_the_name_searched_for(caplog):
    config = Config()
    for name, value in runpy.run_path(str(CONFIG)).items():
        if name in config.settings:
            config.set(name, value)
    logger = Logger(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/people/?q=Morag+Campbell",
        "PATH_INFO": "/people/",
        "QUERY_STRING": "q=Morag+Campbell",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": "https://outcomes.example.org/people/?q=Morag",
        "HTTP_USER_AGENT": "test",
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])

    with caplog.at_level(logging.INFO, logger="gunicorn.access"):
        logger.access_log.propagate = True
        logger.access(response, request, environ, datetime.timedelta(milliseconds=12))

    (line,) = [record.getMessage() for record in caplog.records if record.name == "gunicorn.access"]
    assert '"GET /people/ HTTP/1.1" 200 512' in line
    assert "Morag" not in line
    assert "q=" not in line
