"""gunicorn settings for production (README "Deploying for real"):

    .venv/bin/gunicorn -c outcomes_site/gunicorn.conf.py

The access log names each request by its path alone. Query strings carry what people type (the
people search sends names, the reports carry team and outcome choices) and the Referer header
carries the previous page's query string, so neither is written: ``%(U)s`` (the path without
its query) stands where gunicorn's default has ``%(r)s`` (the whole request line), and there is
no ``%(q)s`` or ``%(f)s``.
"""

import os

wsgi_app = "outcomes_site.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# Only the HTTPS proxy on this machine may say which scheme a request came by.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = "-"
errorlog = "-"
# address, time, "method path protocol", status, bytes, seconds, "user agent"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s "%(a)s"'
