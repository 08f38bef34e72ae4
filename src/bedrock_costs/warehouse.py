"""The one reader of the marts: every figure `summary`, `report`, `budget-alerts` and `export` show
passes through ``Warehouse.read``, on DuckDB, Trino or Athena (the dbt target's engine).

    with open_warehouse(target="trino") as warehouse:
        rows = warehouse.read("rpt_app_daily_cost", where=[between("usage_date", first, last)])

``read`` runs ``select <columns> from <schema>.<relation> where <filters> order by <columns> limit <n>``
with bound parameters, and returns the rows as dicts. It never aggregates: the report-shaped sums are
dbt models (models/reporting/, ``rpt_*``) written once for every engine; the filters here only pick a
window's days or a relation's rows. DuckDB is read with duckdb, Trino with the ``trino`` client and
Athena with PyAthena (which polls the query and pages its results).

One small table is written here too, by ``bedrock-costs notify`` (its alert state, kept where the marts
are, so a scheduled container that loses its disk does not repeat yesterday's alerts):
``create_table`` makes it when it is missing (an Iceberg table on Trino's catalog and on Athena, at the
target's ``s3_data_dir``) and ``insert`` appends rows with bound values. Neither updates nor deletes.

Which engine: ``--database`` (a DuckDB file) wins; else the dbt target, ``--target`` or ``$DBT_TARGET``:
``local`` (the default) is the DuckDB file ``default_database()`` names, and any other target is read
from profiles.yml (``--profiles-dir``, ``$DBT_PROFILES_DIR``, the current folder, then ~/.dbt) as dbt
reads it, for its duckdb, trino or athena credentials.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from bedrock_costs.errors import SetupError

if TYPE_CHECKING:
    import boto3
    import duckdb

DEFAULT_DATABASE = "bedrock_costs.duckdb"
LOCAL_TARGET = "local"
PROFILE = "bedrock_costs"
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
OPERATORS = ("=", "<=", ">=", "between", "in", "is_true")
BUILD_HINT = "run `dbt build` (or `make run`) first"


def default_database(environ: Mapping[str, str] | None = None) -> Path:
    """The DuckDB file to build and read: DBT_DUCKDB_PATH when set; else, when BEDROCK_LOGS_PATH names
    your own logs, ``bedrock_costs_<8 hex of sha256(its absolute path)>.duckdb``, so the sample and
    each copy of your logs never share a database; else bedrock_costs.duckdb (the bundled sample)."""
    env = os.environ if environ is None else environ
    if env.get("DBT_DUCKDB_PATH"):
        return Path(env["DBT_DUCKDB_PATH"])
    logs = env.get("BEDROCK_LOGS_PATH")
    if not logs:
        return Path(DEFAULT_DATABASE)
    # an s3:// prefix is its own key; a folder is keyed by its absolute path
    key = logs.rstrip("/") if "://" in logs else str(Path(logs).resolve())
    digest = hashlib.sha256(key.encode()).hexdigest()[:8]
    return Path(f"bedrock_costs_{digest}.duckdb")


# ---------------------------------------------------------------------------------------------
# Filters: what a read may ask for. Each names a column and is rendered with bound parameters.


@dataclass(frozen=True)
class Filter:
    """``column op value``: '=', '<=', '>=', 'between' (value: a (low, high) pair, both included),
    'in' (value: a sequence) or 'is_true' (no value)."""

    column: str
    op: str
    value: Any = None


def between(column: str, first: Any, last: Any) -> Filter:
    return Filter(column, "between", (first, last))


def equals(column: str, value: Any) -> Filter:
    return Filter(column, "=", value)


def at_most(column: str, value: Any) -> Filter:
    return Filter(column, "<=", value)


def at_least(column: str, value: Any) -> Filter:
    return Filter(column, ">=", value)


def one_of(column: str, values: Sequence[Any]) -> Filter:
    return Filter(column, "in", tuple(values))


def is_true(column: str) -> Filter:
    return Filter(column, "is_true")


def quote(name: str) -> str:
    """A plain identifier, double-quoted; anything else is refused (names are never data)."""
    if not IDENTIFIER.fullmatch(name):
        raise ValueError(f"not a plain identifier: {name!r}")
    return f'"{name}"'


def qualified(*parts: str) -> str:
    """schema.relation (or relation) with each part quoted; a part may itself be dotted."""
    names = [name for part in parts if part for name in part.split(".")]
    return ".".join(quote(name) for name in names)


def render_select(relation: str, columns: Sequence[str] | None = None, where: Sequence[Filter] = (),
                  order_by: Sequence[str] = (), limit: int | None = None,
                  placeholder: str = "?") -> tuple[str, list[Any]]:
    """The one query shape: its SQL with a placeholder per value (``?``, or a ``%(p{i})s`` pattern),
    and the values in order. ``order_by`` items are ``column`` or ``column desc``; NULLs sort last."""
    values: list[Any] = []

    def bind(value: Any) -> str:
        values.append(value)
        return placeholder.format(i=len(values) - 1) if "{i}" in placeholder else placeholder

    conditions = []
    for item in where:
        if item.op not in OPERATORS:
            raise ValueError(f"unknown filter {item.op!r}")
        column = quote(item.column)
        if item.op == "between":
            low, high = item.value
            conditions.append(f"{column} between {bind(low)} and {bind(high)}")
        elif item.op == "in":
            if not item.value:
                conditions.append("1 = 0")
            else:
                conditions.append(f"{column} in ({', '.join(bind(v) for v in item.value)})")
        elif item.op == "is_true":
            conditions.append(f"{column} = true")
        else:
            conditions.append(f"{column} {item.op} {bind(item.value)}")
    orders = []
    for order in order_by:
        name, _, direction = order.partition(" ")
        if direction not in ("", "asc", "desc"):
            raise ValueError(f"unknown order {order!r}")
        orders.append(f"{quote(name)}{' ' + direction if direction else ''} nulls last")
    sql = f"select {', '.join(quote(c) for c in columns) if columns else '*'} from {relation}"
    sql += f" where {' and '.join(conditions)}" if conditions else ""
    sql += f" order by {', '.join(orders)}" if orders else ""
    if limit is not None:
        sql += f" limit {int(limit)}"
    return sql, values


def plain(value: Any) -> Any:
    """A value as every engine's rows should carry it: DECIMAL as float."""
    return float(value) if isinstance(value, Decimal) else value


# ---------------------------------------------------------------------------------------------
# Writing: a table made when missing, rows appended. Columns have a portable kind; each engine names it.


@dataclass(frozen=True)
class Column:
    """A column of a table the project writes itself: ``kind`` is one of COLUMN_KINDS."""

    name: str
    kind: str


COLUMN_KINDS = ("text", "double", "bigint", "boolean", "date", "timestamp")
ENGINE_TYPES: dict[str, dict[str, str]] = {
    "duckdb": {"text": "varchar", "double": "double", "bigint": "bigint", "boolean": "boolean", "date": "date",
               "timestamp": "timestamp"},
    "trino": {"text": "varchar", "double": "double", "bigint": "bigint", "boolean": "boolean", "date": "date",
              "timestamp": "timestamp(6)"},  # Iceberg keeps microseconds
    # Athena's DDL is Hive's: string, and identifiers in backticks
    "athena": {"text": "string", "double": "double", "bigint": "bigint", "boolean": "boolean", "date": "date",
               "timestamp": "timestamp"},
}


def column_list(columns: Sequence[Column], engine: str, quote_with: str = '"') -> str:
    """``"name" type, ...`` for a create table, in the engine's types."""
    types = ENGINE_TYPES[engine]
    parts = []
    for column in columns:
        if column.kind not in types:
            raise ValueError(f"unknown column kind {column.kind!r}")
        quote(column.name)  # refuses anything but a plain identifier
        parts.append(f"{quote_with}{column.name}{quote_with} {types[column.kind]}")
    return ", ".join(parts)


def render_insert(relation: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                  placeholder: str = "?") -> tuple[str, list[Any]]:
    """``insert into <relation> (<columns>) values (...), (...)``, a placeholder per value."""
    values: list[Any] = []
    tuples = []
    for row in rows:
        if len(row) != len(columns):
            raise ValueError(f"a row of {len(row)} values for {len(columns)} columns")
        marks = []
        for value in row:
            values.append(value)
            marks.append(placeholder.format(i=len(values) - 1) if "{i}" in placeholder else placeholder)
        tuples.append(f"({', '.join(marks)})")
    sql = f"insert into {relation} ({', '.join(quote(c) for c in columns)}) values {', '.join(tuples)}"
    return sql, values


class MissingRelation(SetupError):
    """The relation (or one it reads) is not in the warehouse: not built yet, or its feature is off."""

    def __init__(self, relation: str, detail: str) -> None:
        super().__init__("MissingMart", f"{relation} cannot be read ({detail}); {BUILD_HINT}")
        self.relation = relation


# ---------------------------------------------------------------------------------------------
# The engines.


class Warehouse:
    """A connection to the dbt target's schema: ``read`` rows as dicts; close it when done."""

    engine = "warehouse"
    placeholder = "?"

    def __init__(self, schema: str, where: str) -> None:
        self.schema = schema
        self.where = where  # for messages: which database, cluster or catalog

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()

    def __str__(self) -> str:
        return f"{self.engine} {self.where}"

    def relation(self, name: str) -> str:
        return qualified(self.schema, name)

    def read(self, relation: str, columns: Sequence[str] | None = None, where: Sequence[Filter] = (),
             order_by: Sequence[str] = (), limit: int | None = None) -> list[dict[str, Any]]:
        """The rows of ``relation`` (a model or mart of the target's schema) that pass ``where``."""
        sql, values = render_select(self.relation(relation), columns, where, order_by, limit, self.placeholder)
        try:
            names, rows = self.execute(sql, values)
        except Exception as error:
            detail = self.missing(error)
            if detail is not None:
                raise MissingRelation(relation, detail) from error
            raise self.failed(relation, error) from error
        return [dict(zip(names, map(plain, row), strict=True)) for row in rows]

    def create_table(self, name: str, columns: Sequence[Column]) -> None:
        """Make the table ``name`` in the target's schema with ``columns``, unless it exists."""
        self.write(name, self.create_table_sql(name, columns), [], "creating")

    def create_table_sql(self, name: str, columns: Sequence[Column]) -> str:
        return f"create table if not exists {self.relation(name)} ({column_list(columns, self.engine)})"

    def insert(self, name: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Append ``rows`` (values in the order of ``columns``) to the table ``name``."""
        if rows:
            sql, values = render_insert(self.relation(name), columns, rows, self.placeholder)
            self.write(name, sql, values, "writing")

    def write(self, relation: str, sql: str, values: list[Any], verb: str) -> None:
        try:
            self.execute(sql, values)
        except Exception as error:
            raise self.failed(relation, error, verb) from error

    def execute(self, sql: str, values: list[Any]) -> tuple[list[str], list[Any]]:
        raise NotImplementedError

    def missing(self, error: Exception) -> str | None:
        """Why the relation cannot be found, when ``error`` says so; None for any other error."""
        raise NotImplementedError

    def failed(self, relation: str, error: Exception, verb: str = "reading") -> Exception:
        """Any other engine error, as an ERROR line (an AWS error stays itself: the CLI's edge words it)."""
        if not self.is_engine_error(error):
            return error
        message = " ".join(str(error).split())[:300]
        where = "from" if verb == "reading" else "in"
        return SetupError("QueryFailed", f"{verb} {relation} {where} {self}: {message}")

    def is_engine_error(self, error: Exception) -> bool:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class DuckDBWarehouse(Warehouse):
    """A DuckDB file (read-only unless ``writable``), or a connection someone else opened (left open)."""

    engine = "duckdb"

    def __init__(self, database: Path | None = None, schema: str = "main",
                 connection: duckdb.DuckDBPyConnection | None = None, writable: bool = False) -> None:
        import duckdb

        super().__init__(schema, str(database) if database else "connection")
        self._owned = connection is None
        self.connection = connection or duckdb.connect(str(database), read_only=not writable)

    def execute(self, sql: str, values: list[Any]) -> tuple[list[str], list[Any]]:
        cursor = self.connection.execute(sql, values)
        return [d[0] for d in cursor.description or []], cursor.fetchall()

    def missing(self, error: Exception) -> str | None:
        import duckdb

        return str(error).splitlines()[0] if isinstance(error, duckdb.CatalogException) else None

    def is_engine_error(self, error: Exception) -> bool:
        import duckdb

        return isinstance(error, duckdb.Error)

    def close(self) -> None:
        if self._owned:
            self.connection.close()


TRINO_MISSING = {"TABLE_NOT_FOUND", "SCHEMA_NOT_FOUND", "CATALOG_NOT_FOUND", "COLUMN_NOT_FOUND", "VIEW_IS_STALE"}


class TrinoWarehouse(Warehouse):
    """A Trino cluster (or Starburst, EMR Trino), through the ``trino`` client."""

    engine = "trino"

    def __init__(self, host: str, port: int, user: str, catalog: str, schema: str, http_scheme: str = "http",
                 auth: Any = None, verify: bool | str = True) -> None:
        import trino

        logging.getLogger("trino").setLevel(logging.WARNING)  # "keyring module not found" is not news
        super().__init__(schema, f"{catalog}.{schema} at {http_scheme}://{host}:{port}")
        kwargs: dict[str, Any] = {"auth": auth} if auth is not None else {}
        self.connection = trino.dbapi.connect(  # type: ignore[no-untyped-call]
            host=host, port=port, user=user, catalog=catalog, schema=schema, http_scheme=http_scheme, verify=verify,
            **kwargs)

    def execute(self, sql: str, values: list[Any]) -> tuple[list[str], list[Any]]:
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql, values or None)
            rows = cursor.fetchall()
            return [d[0] for d in cursor.description or []], rows
        finally:
            cursor.close()

    def missing(self, error: Exception) -> str | None:
        from trino.exceptions import TrinoUserError

        if isinstance(error, TrinoUserError) and error.error_name in TRINO_MISSING:
            return f"{error.error_name}: {error.message}"
        return None

    def is_engine_error(self, error: Exception) -> bool:
        import requests
        from trino.exceptions import Error, HttpError

        return isinstance(error, (Error, HttpError, requests.RequestException))

    def close(self) -> None:
        self.connection.close()


ATHENA_MISSING = ("TABLE_NOT_FOUND", "SCHEMA_NOT_FOUND", "COLUMN_NOT_FOUND", "does not exist")


class AthenaWarehouse(Warehouse):
    """Athena, through PyAthena: it starts the query, polls it and pages its results."""

    engine = "athena"
    placeholder = "%(p{i})s"  # PyAthena's pyformat: values escaped as SQL literals of their type

    def __init__(self, session: boto3.Session, region: str, schema: str, catalog: str = "awsdatacatalog",
                 work_group: str | None = None, s3_staging_dir: str | None = None,
                 s3_data_dir: str | None = None) -> None:
        import pyathena

        super().__init__(schema, f"{catalog}.{schema} ({region}, workgroup {work_group or 'primary'})")
        self.s3_data_dir = s3_data_dir
        self.connection = pyathena.connect(session=session, region_name=region, schema_name=schema,
                                           catalog_name=catalog, work_group=work_group,
                                           s3_staging_dir=s3_staging_dir, poll_interval=1)

    def execute(self, sql: str, values: list[Any]) -> tuple[list[str], list[Any]]:
        cursor = self.connection.cursor()
        try:
            params = {f"p{i}": value for i, value in enumerate(values)}
            cursor.execute(sql, params or None)
            rows = cursor.fetchall()
            return [d[0] for d in cursor.description or []], list(rows)
        finally:
            cursor.close()

    def create_table_sql(self, name: str, columns: Sequence[Column]) -> str:
        """An Iceberg table (appends, and later merges, work on it; a Hive table allows appends only), in
        the folder dbt-athena gives a table: <s3_data_dir>/<schema>/<name>/."""
        if not self.s3_data_dir:
            raise SetupError("NoDataDir", f"{self} has no s3_data_dir to keep the table {name} in: set s3_data_dir "
                                          "in the athena target of profiles.yml ($BEDROCK_COSTS_ATHENA_S3_DATA_DIR)")
        location = f"{self.s3_data_dir.rstrip('/')}/{self.schema}/{name}/"
        if "'" in location:
            raise SetupError("BadDataDir", f"the table location {location} has a quote")
        for part in (self.schema, name):
            quote(part)  # refuses anything but a plain identifier
        return (f"create table if not exists `{self.schema}`.`{name}` ({column_list(columns, 'athena', '`')}) "
                f"location '{location}' tblproperties ('table_type' = 'ICEBERG')")

    def missing(self, error: Exception) -> str | None:
        from pyathena.error import Error

        text = str(error)
        if isinstance(error, Error) and any(word in text for word in ATHENA_MISSING):
            return " ".join(text.split())[:200]
        return None

    def failed(self, relation: str, error: Exception, verb: str = "reading") -> Exception:
        from botocore.exceptions import BotoCoreError, ClientError

        cause = error.__cause__
        if isinstance(cause, (ClientError, BotoCoreError)):  # AccessDenied and its IAM action, at the edge
            return cause
        return super().failed(relation, error, verb)

    def is_engine_error(self, error: Exception) -> bool:
        from pyathena.error import Error

        return isinstance(error, Error)

    def close(self) -> None:
        self.connection.close()


# ---------------------------------------------------------------------------------------------
# From the dbt target to a warehouse.


def profiles_dir(explicit: Path | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """Where dbt looks for profiles.yml: --profiles-dir, $DBT_PROFILES_DIR, the current folder, ~/.dbt."""
    env = os.environ if environ is None else environ
    if explicit:
        return explicit
    if env.get("DBT_PROFILES_DIR"):
        return Path(env["DBT_PROFILES_DIR"])
    return Path.cwd() if (Path.cwd() / "profiles.yml").is_file() else Path.home() / ".dbt"


def target_credentials(target: str, directory: Path) -> Any:
    """The target's credentials, as dbt renders profiles.yml (env_var() and all)."""
    from argparse import Namespace

    from dbt.config.profile import Profile, read_profile
    from dbt.config.renderer import ProfileRenderer
    from dbt.exceptions import DbtProfileError, DbtProjectError
    from dbt.flags import set_from_args
    from dbt_common.context import set_invocation_context

    if not (directory / "profiles.yml").is_file():
        raise SetupError("NoProfile", f"no profiles.yml in {directory} for the target {target!r}: "
                                      "pass --profiles-dir, or set DBT_PROFILES_DIR")
    set_invocation_context(dict(os.environ))
    set_from_args(Namespace(), None)
    try:
        raw = read_profile(str(directory))
        return Profile.from_raw_profiles(raw, PROFILE, ProfileRenderer({}), target_override=target).credentials
    except (DbtProfileError, DbtProjectError) as error:
        message = " ".join(str(error).split())
        raise SetupError("BadTarget", f"target {target!r} of profile {PROFILE} in {directory}: {message}") from error


def open_warehouse(target: str | None = None, database: Path | None = None, directory: Path | None = None,
                   session: boto3.Session | None = None, writable: bool = False) -> Warehouse:
    """The warehouse the summary, report, export and budget alerts read, and notify keeps its state in (see
    the module's docstring). ``writable`` opens a DuckDB file for writing (the other engines always are)."""
    name = target or os.environ.get("DBT_TARGET") or LOCAL_TARGET
    if database is None and name == LOCAL_TARGET and directory is None:
        database = default_database()
    if database is not None:
        return open_duckdb(database, writable=writable)
    credentials = target_credentials(name, profiles_dir(directory))
    kind = credentials.type
    if kind == "duckdb":
        return open_duckdb(default_database(), credentials.schema, writable)
    if kind == "trino":
        scheme = getattr(credentials.http_scheme, "value", credentials.http_scheme) or "http"  # an enum in dbt-trino
        return TrinoWarehouse(credentials.host, int(credentials.port), credentials.user, credentials.database,
                              credentials.schema, str(scheme), credentials.trino_auth(),
                              credentials.cert if getattr(credentials, "cert", None) else True)
    if kind == "athena":
        import boto3

        region = credentials.region_name
        session = session or boto3.Session(profile_name=credentials.aws_profile_name, region_name=region)
        return AthenaWarehouse(session, region, credentials.schema, credentials.database, credentials.work_group,
                               credentials.s3_staging_dir, getattr(credentials, "s3_data_dir", None))
    raise SetupError("UnsupportedTarget", f"target {name!r} is a {kind} target; the reader knows duckdb, "
                                          "trino and athena")


def open_duckdb(database: Path, schema: str = "main", writable: bool = False) -> DuckDBWarehouse:
    if not database.exists():
        raise SetupError("NoDatabase", f"{database} does not exist; run `make run` first")
    return DuckDBWarehouse(database, schema, writable=writable)


Source = Warehouse | Any  # a Warehouse, or an open duckdb connection (wrapped by ``reader``)


def reader(source: Source) -> Warehouse:
    """``source`` as a Warehouse: a DuckDB connection (tests, notebooks) is wrapped, not closed."""
    if isinstance(source, Warehouse):
        return source
    return DuckDBWarehouse(connection=source)


def as_date(value: Any) -> dt.date | None:
    """A DATE from any engine: a date, a datetime (its day), or an ISO string (Athena's strings)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
