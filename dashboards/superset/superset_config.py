"""Superset's settings for the local dashboards (make dashboards): read by `superset` through
SUPERSET_CONFIG_PATH. Superset's metadata (users, charts, dashboards) lives in a SQLite file under
SUPERSET_HOME, made by dashboards/superset/serve.py; the marts stay in their DuckDB file, opened
read-only. A company Superset imports the bundle instead (docs/dashboards.md) and keeps its own settings.
"""

import os

SUPERSET_HOME = os.environ["SUPERSET_HOME"]
SQLALCHEMY_DATABASE_URI = f"sqlite:///{SUPERSET_HOME}/superset.db"
# Signs the session cookie of this local instance only; set your own for anything shared.
SECRET_KEY = os.environ.get("BEDROCK_COSTS_SUPERSET_SECRET_KEY", "bedrock-costs-local-dashboards")
# The server listens on 127.0.0.1 only and lets a visitor in without a login, with Alpha's rights
# (every dashboard and dataset, no user administration).
AUTH_ROLE_PUBLIC = "Public"
PUBLIC_ROLE_LIKE = "Alpha"
FEATURE_FLAGS = {"DASHBOARD_NATIVE_FILTERS": True, "DASHBOARD_CROSS_FILTERS": True, "DRILL_BY": True,
                 "DASHBOARD_VIRTUALIZATION": False}
# No telemetry, no example data, no map tiles from the internet.
SCARF_ANALYTICS = False
MAPBOX_API_KEY = ""
CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
DATA_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
TALISMAN_ENABLED = False
WTF_CSRF_ENABLED = True
