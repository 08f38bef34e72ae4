#!/usr/bin/env bash
# A local single-node Trino 476 for the trino target, and for running the project's Athena SQL on
# the engine Athena v3 is built on.
#
#   scripts/trino_local.sh start    unpack once, write the config, start, wait until a query runs
#   scripts/trino_local.sh stop     stop the server started by `start` (by its pid file)
#   scripts/trino_local.sh status   print running or stopped (exit status 0 or 3)
#
# Catalogs: `hive` (file metastore, local files, Athena partition projection: the raw log table),
# `iceberg` (file metastore on local disk: the models' tables) and `memory`.
# In SQL, a local folder is written `local:///abs/path/` (a `file:///` location reads as empty).
#
# Environment (all optional):
#   BEDROCK_COSTS_TRINO_PORT       HTTP port on 127.0.0.1                   (default 18080)
#   BEDROCK_COSTS_TRINO_DATA       run dir: config, data, logs, pid, metastores (default <repo>/target/trino)
#   BEDROCK_COSTS_TRINO_HOME       unpacked server, shared by checkouts     (default ~/.cache/bedrock-costs/trino-server-476)
#   BEDROCK_COSTS_TRINO_JAVA_HOME  a JDK 24 or newer                        (default /usr/lib/jvm/temurin-25-jdk-amd64)
#   BEDROCK_COSTS_TRINO_HEAP       JVM heap                                 (default 4G)
#   BEDROCK_COSTS_TRINO_TIMEOUT    seconds `start` waits for the server     (default 180)
#   BEDROCK_COSTS_M2_REPO          local Maven repository                   (default ~/.m2/repository)
# Only this script needs Java and Maven; the rest of the project talks to Trino over HTTP.
set -euo pipefail

readonly TRINO_VERSION=476
# Plugin folders kept from the tarball. Each Trino plugin folder is self-contained (its own jars).
readonly KEEP_PLUGINS="hive iceberg memory"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${BEDROCK_COSTS_TRINO_PORT:-18080}"
RUN_DIR="${BEDROCK_COSTS_TRINO_DATA:-$REPO_ROOT/target/trino}"
TRINO_HOME="${BEDROCK_COSTS_TRINO_HOME:-$HOME/.cache/bedrock-costs/trino-server-$TRINO_VERSION}"
JAVA_DIR="${BEDROCK_COSTS_TRINO_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
HEAP="${BEDROCK_COSTS_TRINO_HEAP:-4G}"
TIMEOUT="${BEDROCK_COSTS_TRINO_TIMEOUT:-180}"
M2_REPO="${BEDROCK_COSTS_M2_REPO:-$HOME/.m2/repository}"

# Absolute, as the catalogs' local:// locations must be.
RUN_DIR="$(realpath -m "$RUN_DIR")"
TRINO_HOME="$(realpath -m "$TRINO_HOME")"

PID_FILE="$RUN_DIR/trino.pid"
LOG_FILE="$RUN_DIR/var/log/server.log"
URL="http://127.0.0.1:$PORT"

die() {
    echo "ERROR [$1]: $2" >&2
    exit 1
}

usage() {
    # The comment block at the top of this file.
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
}

# ---------------------------------------------------------------------------------------------
# Install: the tarball from Maven (a no-op when cached), unpacked once with only KEEP_PLUGINS.

ensure_server() {
    if [[ -f "$TRINO_HOME/.unpacked" ]]; then
        return 0
    fi
    command -v mvn > /dev/null || die NoMaven "mvn is not on PATH; it fetches io.trino:trino-server:$TRINO_VERSION:tar.gz (apt-get install maven)."
    command -v tar > /dev/null || die NoTar "tar is not on PATH."
    local tarball="$M2_REPO/io/trino/trino-server/$TRINO_VERSION/trino-server-$TRINO_VERSION.tar.gz"
    if [[ ! -f "$tarball" ]]; then
        echo "trino: downloading trino-server-$TRINO_VERSION.tar.gz (~820 MB) from Maven Central"
    fi
    local mvn_output
    if ! mvn_output="$(mvn --batch-mode --quiet dependency:get \
        -Dartifact="io.trino:trino-server:$TRINO_VERSION:tar.gz" -Dtransitive=false 2>&1)"; then
        echo "$mvn_output" >&2
        die MavenFailed "mvn dependency:get io.trino:trino-server:$TRINO_VERSION:tar.gz failed (network, or ~/.m2/settings.xml)."
    fi
    [[ -f "$tarball" ]] \
        || die NoTarball "$tarball is missing after mvn dependency:get; set BEDROCK_COSTS_M2_REPO to your Maven local repository."

    echo "trino: unpacking into $TRINO_HOME (plugins: $KEEP_PLUGINS)"
    local parent staging
    parent="$(dirname "$TRINO_HOME")"
    mkdir -p "$parent"
    staging="$(mktemp -d "$parent/.trino-unpack.XXXXXX")"
    # The tarball stores a jar shared by several plugins once, as hard links to the first plugin
    # folder that has it (often delta-lake), so plugins cannot be extracted on their own: unpack
    # everything, then delete the unwanted folders (the kept links stay valid).
    if ! tar -xzf "$tarball" -C "$staging" --strip-components=1; then
        rm -rf "$staging"
        die UnpackFailed "could not unpack $tarball (disk full? about 900 MB needed while unpacking)."
    fi
    local plugin name
    for plugin in "$staging"/plugin/*/; do
        name="$(basename "$plugin")"
        if [[ " $KEEP_PLUGINS " != *" $name "* ]]; then
            rm -rf "$plugin"
        fi
    done
    for name in $KEEP_PLUGINS; do
        [[ -d "$staging/plugin/$name" ]] || { rm -rf "$staging"; die NoPlugin "plugin/$name is not in $tarball."; }
    done
    # HDFS client jars: loaded only with fs.hadoop.enabled=true, which the catalogs never set.
    rm -rf "$staging"/plugin/*/hdfs
    echo "$TRINO_VERSION $KEEP_PLUGINS" > "$staging/.unpacked"
    rm -rf "$TRINO_HOME"
    mv "$staging" "$TRINO_HOME"
}

check_java() {
    local java="$JAVA_DIR/bin/java"
    [[ -x "$java" ]] \
        || die NoJava "no java at $java; Trino $TRINO_VERSION needs a JDK 24 or newer (set BEDROCK_COSTS_TRINO_JAVA_HOME)."
    local version major
    version="$("$java" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | sed -n 1p)"
    major="${version%%.*}"
    [[ "$major" =~ ^[0-9]+$ && "$major" -ge 24 ]] \
        || die OldJava "$java is Java ${version:-unknown}; Trino $TRINO_VERSION needs 24 or newer (set BEDROCK_COSTS_TRINO_JAVA_HOME)."
}

# ---------------------------------------------------------------------------------------------
# Configuration: rewritten on every start, so a changed env var always applies.

write_config() {
    local etc="$RUN_DIR/etc"
    mkdir -p "$etc/catalog" "$RUN_DIR/var/log" "$RUN_DIR/hive" "$RUN_DIR/iceberg"

    cat > "$etc/node.properties" << EOF
node.environment=bedrock_costs
node.id=bedrock-costs-local
node.data-dir=$RUN_DIR/var
node.bind-ip=127.0.0.1
node.internal-address=127.0.0.1
EOF

    # Coordinator and worker in one JVM. Query memory keeps Trino's defaults, which scale with the
    # heap (30% of it per query on this node).
    cat > "$etc/config.properties" << EOF
coordinator=true
node-scheduler.include-coordinator=true
http-server.http.port=$PORT
discovery.uri=$URL
http-server.log.enabled=false
EOF

    cat > "$etc/jvm.config" << EOF
-server
-Xmx$HEAP
-XX:+UseG1GC
-XX:G1HeapRegionSize=32M
-XX:+ExplicitGCInvokesConcurrent
-XX:+ExitOnOutOfMemoryError
-XX:-OmitStackTraceInFastThrow
-XX:ReservedCodeCacheSize=256M
-XX:PerMethodRecompilationCutoff=10000
-XX:PerBytecodeRecompilationCutoff=10000
-Djdk.attach.allowAttachSelf=true
-Djdk.nio.maxCachedBufferSize=2000000
-Dfile.encoding=UTF-8
-Duser.timezone=UTC
-XX:+EnableDynamicAgentLoading
--enable-native-access=ALL-UNNAMED
--sun-misc-unsafe-memory-access=allow
-Djava.io.tmpdir=$RUN_DIR/var/tmp
EOF
    mkdir -p "$RUN_DIR/var/tmp"

    cat > "$etc/log.properties" << EOF
Bootstrap=WARN
io.trino=WARN
io.airlift=WARN
org.eclipse.jetty=WARN
EOF

    # hive: the raw Bedrock log table. local.location=/ lets a table point at any absolute folder
    # (local:///tmp/logs/AWSLogs/). Projection is off by default in Trino, on here as in Athena.
    # Directory listing is not recursive (the default), as in Athena: data/ body objects are skipped.
    # A projected hour with no folder is empty, as an S3 prefix with no object is in Athena
    # (without ignore-absent-partitions: HIVE_FILE_NOT_FOUND "Partition location does not exist").
    cat > "$etc/catalog/hive.properties" << EOF
connector.name=hive
hive.metastore=file
hive.metastore.catalog.dir=local://$RUN_DIR/hive
fs.native-local.enabled=true
local.location=/
hive.partition-projection-enabled=true
hive.recursive-directories=true
hive.ignore-absent-partitions=true
EOF

    # iceberg: the models' tables (MERGE, DELETE, INSERT), one folder per schema under iceberg/.
    cat > "$etc/catalog/iceberg.properties" << EOF
connector.name=iceberg
iceberg.catalog.type=TESTING_FILE_METASTORE
hive.metastore.catalog.dir=local://$RUN_DIR/iceberg
fs.native-local.enabled=true
local.location=/
EOF

    cat > "$etc/catalog/memory.properties" << EOF
connector.name=memory
EOF
}

# ---------------------------------------------------------------------------------------------
# Process control.

running_pid() {
    # The pid in the pid file, if that process is alive and is a Trino server; else nothing.
    [[ -f "$PID_FILE" ]] || return 0
    local pid
    pid="$(cat "$PID_FILE")"
    if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2> /dev/null \
        && tr '\0' ' ' < "/proc/$pid/cmdline" 2> /dev/null | grep -q 'io.trino.server.TrinoServer'; then
        echo "$pid"
    fi
}

port_in_use() {
    (exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2> /dev/null
}

server_info() {
    curl -fsS --max-time 2 "$URL/v1/info" 2> /dev/null || true
}

# True when `sql` runs without an error.
query_runs() {
    local body next
    body="$(curl -fsS --max-time 5 -X POST -H 'X-Trino-User: bedrock_costs' --data "$1" "$URL/v1/statement" 2> /dev/null)" \
        || return 1
    while true; do
        if [[ "$body" == *'"error":'* ]]; then
            return 1
        fi
        next="$(sed -n 's/.*"nextUri":"\([^"]*\)".*/\1/p' <<< "$body")"
        if [[ -z "$next" ]]; then
            return 0
        fi
        body="$(curl -fsS --max-time 5 -H 'X-Trino-User: bedrock_costs' "$next" 2> /dev/null)" || return 1
    done
}

# Ready means a query that needs a worker runs. /v1/info says "starting":false, and `select 1`
# runs, a few seconds before the node's catalogs are announced; until then a table scan fails
# with NO_NODES_AVAILABLE. A memory-catalog table (gone at each restart) is the smallest such scan.
server_ready() {
    server_info | grep -q '"starting":false' \
        && query_runs 'create table if not exists memory.default.bedrock_costs_ready as select 1 as ready' \
        && query_runs 'select ready from memory.default.bedrock_costs_ready'
}

log_tail() {
    if [[ -f "$LOG_FILE" ]]; then
        echo "--- last 30 lines of $LOG_FILE ---" >&2
        tail -n 30 "$LOG_FILE" >&2
    fi
}

cmd_start() {
    local pid
    pid="$(running_pid)"
    if [[ -n "$pid" ]]; then
        echo "trino: already running (pid $pid, $URL)"
        return 0
    fi
    command -v curl > /dev/null || die NoCurl "curl is not on PATH (it polls $URL/v1/info)."
    if port_in_use; then
        die PortInUse "127.0.0.1:$PORT is taken by another process; set BEDROCK_COSTS_TRINO_PORT."
    fi
    check_java
    local began=$SECONDS
    ensure_server
    write_config
    : > "$LOG_FILE"
    # `launcher run` execs the JVM, so $! is the server's pid. setsid: a Ctrl-C in the calling
    # shell (or make) does not reach the server.
    JAVA_HOME="$JAVA_DIR" PATH="$JAVA_DIR/bin:$PATH" setsid nohup "$TRINO_HOME/bin/launcher" run \
        --etc-dir "$RUN_DIR/etc" --data-dir "$RUN_DIR/var" \
        > "$LOG_FILE" 2>&1 < /dev/null &
    pid=$!
    echo "$pid" > "$PID_FILE"
    echo "trino: starting (pid $pid, $URL, log $LOG_FILE)"
    while true; do
        if ! kill -0 "$pid" 2> /dev/null; then
            rm -f "$PID_FILE"
            log_tail
            die StartFailed "the Trino server exited during startup; see $LOG_FILE."
        fi
        if server_ready; then
            break
        fi
        if ((SECONDS - began > TIMEOUT)); then
            log_tail
            kill "$pid" 2> /dev/null || true
            rm -f "$PID_FILE"
            die StartTimeout "Trino was not ready after ${TIMEOUT}s (BEDROCK_COSTS_TRINO_TIMEOUT); stopped it."
        fi
        sleep 1
    done
    echo "trino: ready in $((SECONDS - began))s at $URL (catalogs hive, iceberg, memory)"
}

cmd_stop() {
    local pid
    pid="$(running_pid)"
    if [[ -z "$pid" ]]; then
        rm -f "$PID_FILE"
        echo "trino: already stopped"
        return 0
    fi
    kill -TERM "$pid"
    local waited=0
    while kill -0 "$pid" 2> /dev/null; do
        if ((waited >= 30)); then
            echo "trino: pid $pid still alive after 30s, sending SIGKILL"
            kill -KILL "$pid" 2> /dev/null || true
        fi
        sleep 1
        waited=$((waited + 1))
    done
    rm -f "$PID_FILE"
    echo "trino: stopped (pid $pid)"
}

cmd_status() {
    local pid
    pid="$(running_pid)"
    if [[ -z "$pid" ]]; then
        echo "trino: stopped"
        return 3
    elif server_info | grep -q '"starting":false'; then
        echo "trino: running (pid $pid, $URL)"
    else
        echo "trino: starting (pid $pid, $URL)"
    fi
}

main() {
    case "${1:-}" in
        start) cmd_start ;;
        stop) cmd_stop ;;
        status) cmd_status ;;
        -h | --help | help) usage ;;
        *)
            usage >&2
            exit 2
            ;;
    esac
}

main "$@"
