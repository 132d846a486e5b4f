#!/usr/bin/env bash
# Run a real Neo4j Community 5.26 (LTS) server for firecheck tests and local
# development, without Docker: the server jars come from Maven Central
# (.ci/neo4j/pom.xml) and we start org.neo4j.server.CommunityEntryPoint with
# plain `java`, so this script owns the pid and can stop or kill it.
#
# Usage: .ci/neo4j.sh {install|start|wait|status|stop|kill|reset|logs}
#
#   install  resolve the server jars into $NEO4J_HOME_DIR/lib (skipped when
#            they are already there for the current pom.xml)
#   start    install if needed, start in the background, wait until `RETURN 1`
#            answers, print NEO4J_URI=bolt://127.0.0.1:PORT (no-op if running)
#   wait     only wait until `RETURN 1` answers (fails early if it died)
#   status   exit 0 if running and answering; 1 if not running; 2 if running
#            but not answering (yet)
#   stop     SIGTERM, wait, then SIGKILL if needed (clean checkpoint)
#   kill     SIGKILL right away: simulates a crash (data survives; Neo4j
#            recovers from its transaction log on the next start)
#   reset    delete the database files (only while stopped)
#   logs     print the tail of the server logs
#
# Environment:
#   FIRECHECK_NEO4J_HOME  runtime dir (jars, conf, data, logs, pid);
#                         default $REPO/.neo4j (gitignored)
#   NEO4J_BOLT_PORT       Bolt port on 127.0.0.1 (default 7687)
#   NEO4J_START_TIMEOUT   seconds to wait for readiness (default 240)
#   NEO4J_STOP_TIMEOUT    seconds to wait after SIGTERM before SIGKILL (60)
#   NEO4J_HEAP            max heap (default 2g; initial heap is 256m; see the
#                         transaction memory note in neo4j/neo4j.conf)
#   NEO4J_JAVA_OPTS       extra JVM options, appended last
#   PYTHON                Python with the `neo4j` driver (default $REPO/.venv)
#   JAVA / JAVA_HOME      Java 17 or 21 (5.26 supports both)
#   MVN                   Maven command (default mvn)
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd -- "$SCRIPT_DIR/.." && pwd)
POM="$SCRIPT_DIR/neo4j/pom.xml"
CONF_TEMPLATE="$SCRIPT_DIR/neo4j/neo4j.conf"

NEO4J_HOME_DIR=${FIRECHECK_NEO4J_HOME:-$REPO/.neo4j}
PORT=${NEO4J_BOLT_PORT:-7687}
URI="bolt://127.0.0.1:$PORT"
START_TIMEOUT=${NEO4J_START_TIMEOUT:-240}
STOP_TIMEOUT=${NEO4J_STOP_TIMEOUT:-60}
PYTHON=${PYTHON:-$REPO/.venv/bin/python}
JAVA=${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}
MVN=${MVN:-mvn}

LIB_DIR="$NEO4J_HOME_DIR/lib"
CONF_DIR="$NEO4J_HOME_DIR/conf"
DATA_DIR="$NEO4J_HOME_DIR/data"
LOG_DIR="$NEO4J_HOME_DIR/logs"
RUN_DIR="$NEO4J_HOME_DIR/run"
PID_FILE="$RUN_DIR/neo4j.pid"
CONSOLE_LOG="$LOG_DIR/console.log"   # JVM stdout/stderr (crashes, JVM errors)
SERVER_LOG="$LOG_DIR/neo4j.log"      # Neo4j's own user log
STAMP="$LIB_DIR/.installed-pom.sha256"
MAIN_CLASS=org.neo4j.server.CommunityEntryPoint

log() { printf 'neo4j.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- process helpers ----------------------------------------------------------

# The pid from the pid file, or nothing.
read_pid() { [[ -s $PID_FILE ]] && tr -dc '0-9' <"$PID_FILE" || true; }

# True if $1 is a live (non-zombie) Neo4j started for *this* home dir. Checking
# the command line guards against a stale pid file whose pid got reused (e.g.
# after a reboot). Zombies count as dead: in containers PID 1 may not reap.
is_our_neo4j() {
    local pid=$1 stat args
    [[ -n $pid ]] || return 1
    stat=$(ps -o stat= -p "$pid" 2>/dev/null) || return 1
    [[ $stat != Z* ]] || return 1
    args=$(ps -ww -o args= -p "$pid" 2>/dev/null) || return 1
    [[ $args == *"$MAIN_CLASS"* && $args == *"--home-dir=$NEO4J_HOME_DIR"* ]]
}

# Pid of our running server, or nothing; removes a stale pid file.
running_pid() {
    local pid
    pid=$(read_pid)
    if [[ -n $pid ]] && is_our_neo4j "$pid"; then
        echo "$pid"
    elif [[ -e $PID_FILE ]]; then
        rm -f "$PID_FILE"
    fi
}

# Wait up to $2 seconds for pid $1 to go away.
wait_gone() {
    local pid=$1 deadline=$((SECONDS + $2))
    while is_our_neo4j "$pid"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}

# True if something accepts TCP connections on the Bolt port (bash /dev/tcp,
# so no nc/ss needed; loopback refuses instantly when nothing listens).
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

# Wait up to $1 seconds for the Bolt port to close. Needed because a killed
# JVM's main thread can already look dead (zombie) to `ps` while its other
# threads are still exiting and the listening socket is still open.
wait_port_closed() {
    local deadline=$((SECONDS + $1))
    while port_open; do
        ((SECONDS < deadline)) || return 1
        sleep 0.2
    done
}

show_log_tail() {
    local f
    for f in "$CONSOLE_LOG" "$SERVER_LOG"; do
        [[ -s $f ]] || continue
        log "---- last lines of $f ----"
        tail -n 40 "$f" >&2
    done
}

# Serialise install/start/stop/kill/reset across concurrent callers (e.g.
# parallel test workers all calling `start`). The JVM is launched with fd 9
# closed, otherwise it would hold the lock for its whole life.
take_lock() {
    mkdir -p "$RUN_DIR"
    if command -v flock >/dev/null 2>&1; then
        exec 9>"$RUN_DIR/neo4j.lock"
        flock 9
    fi
}

# --- readiness probe ----------------------------------------------------------

# Poll `RETURN 1` through the Python driver until it answers. One Python
# process does the whole loop (starting Python per probe costs ~0.3 s).
# The Bolt port opens before the databases are online, so a TCP check is not
# enough. Exit codes: 0 ready, 1 timed out, 2 the server process died,
# 3 the driver is missing.
probe() { # probe TIMEOUT_SECONDS [PID]
    [[ -x $PYTHON ]] || die "no Python at $PYTHON (set PYTHON=...)"
    "$PYTHON" - "$URI" "$1" "${2:-}" <<'PY'
import os, sys, time
try:
    from neo4j import GraphDatabase
except ImportError as e:
    print(f"neo4j.sh: cannot import the neo4j driver: {e}", file=sys.stderr)
    sys.exit(3)

uri, timeout, pid = sys.argv[1], float(sys.argv[2]), sys.argv[3]
deadline = time.monotonic() + timeout

def alive(pid):
    # /proc is Linux-only; elsewhere fall back to kill(pid, 0).
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(int(pid), 0)
            return True
        except OSError:
            return False

last = "no attempt"
with GraphDatabase.driver(uri, auth=None, connection_timeout=3.0,
                          max_connection_lifetime=30) as driver:
    while True:
        try:
            with driver.session() as session:
                if session.run("RETURN 1 AS ok").single()["ok"] == 1:
                    sys.exit(0)
        except Exception as e:  # refused / DatabaseUnavailable while starting
            last = f"{type(e).__name__}: {e}"
        if pid and not alive(pid):
            print(f"neo4j.sh: server process {pid} died; last probe: {last}",
                  file=sys.stderr)
            sys.exit(2)
        if time.monotonic() >= deadline:
            print(f"neo4j.sh: no answer from {uri} after {timeout:.0f}s; "
                  f"last probe: {last}", file=sys.stderr)
            sys.exit(1)
        time.sleep(0.5)
PY
}

# --- subcommands --------------------------------------------------------------

pom_hash() { sha256sum "$POM" | cut -d' ' -f1; }

cmd_install() {
    take_lock
    do_install
}

do_install() {
    # Idempotent: the stamp records which pom.xml the jars in lib/ came from.
    if [[ -f $STAMP && $(cat "$STAMP") == "$(pom_hash)" ]]; then
        return 0
    fi
    if [[ -n $(running_pid) ]]; then
        die "a different Neo4j build is running from $LIB_DIR; run '$0 stop' first"
    fi
    command -v "$MVN" >/dev/null 2>&1 || die "Maven ('$MVN') not found"
    log "installing Neo4j jars into $LIB_DIR (first time: ~120 MB from Maven Central)"
    # Copy into a fresh staging dir, then swap, so an interrupted install never
    # leaves a half-filled lib/ that looks installed.
    local staging="$NEO4J_HOME_DIR/lib.partial"
    rm -rf "$staging"
    mkdir -p "$staging"
    # Batch mode, no progress bars; output goes to a log that is shown only on
    # failure. The plugin version and the runtime scope are pinned in the pom.
    local mvn_log="$LOG_DIR/install.log"
    mkdir -p "$LOG_DIR"
    if ! "$MVN" -B --no-transfer-progress -Dstyle.color=never -f "$POM" \
        dependency:copy-dependencies -DoutputDirectory="$staging" \
        >"$mvn_log" 2>&1; then
        tail -n 40 "$mvn_log" >&2
        die "Maven could not resolve the Neo4j jars (full log: $mvn_log)"
    fi
    ls "$staging"/neo4j-5.*.jar >/dev/null 2>&1 \
        || die "Maven ran but no neo4j-5.*.jar arrived in $staging"
    pom_hash >"$staging/.installed-pom.sha256"
    rm -rf "$LIB_DIR"
    mv "$staging" "$LIB_DIR"
    log "installed $(find "$LIB_DIR" -name '*.jar' | wc -l) jars ($(du -sh "$LIB_DIR" | cut -f1))"
}

# Fresh conf/neo4j.conf from the template on every start, so template edits
# and NEO4J_BOLT_PORT changes always take effect.
render_conf() {
    mkdir -p "$CONF_DIR"
    sed "s/@NEO4J_BOLT_PORT@/$PORT/g" "$CONF_TEMPLATE" >"$CONF_DIR/neo4j.conf.tmp"
    mv "$CONF_DIR/neo4j.conf.tmp" "$CONF_DIR/neo4j.conf"
}

java_opts() {
    JAVA_OPTS=(
        # Bounded heap, sized for the largest test import (a 50,000-rule pack
        # in one transaction, up to 1g of transaction memory: neo4j.conf).
        # (The page cache is off-heap; its size is in neo4j.conf.)
        -Xms256m "-Xmx${NEO4J_HEAP:-2g}"
        -XX:+UseG1GC
        # Die loudly on OOM instead of limping on half-broken; the probe and
        # the tests then see a dead process and the log says why.
        -XX:+ExitOnOutOfMemoryError
        # The flags below are the ones Neo4j's own launcher passes
        # (server.jvm.additional in the stock neo4j.conf), minus
        # -XX:+AlwaysPreTouch, which would commit the whole heap up front.
        -XX:-OmitStackTraceInFastThrow
        -XX:+UnlockExperimentalVMOptions -XX:+TrustFinalNonStaticFields
        -XX:+DisableExplicitGC
        -Djdk.nio.maxCachedBufferSize=1024
        -Dio.netty.tryReflectionSetAccessible=true
        -Dlog4j2.disable.jmx=true
        -Dfile.encoding=UTF-8
        # Neo4j needs reflective access to NIO internals on Java 17+.
        --add-opens=java.base/java.nio=ALL-UNNAMED
        --add-opens=java.base/java.io=ALL-UNNAMED
        --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
    )
    # Intentionally word-split: NEO4J_JAVA_OPTS is a space-separated list.
    # shellcheck disable=SC2206
    JAVA_OPTS+=(${NEO4J_JAVA_OPTS:-})
}

check_java() {
    command -v "$JAVA" >/dev/null 2>&1 || die "java not found (set JAVA_HOME)"
    local v
    v=$("$JAVA" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java\.specification\.version = //p')
    if ! [[ ${v%%.*} =~ ^[0-9]+$ ]] || ((${v%%.*} < 17)); then
        die "Neo4j 5.26 needs Java 17 or 21; '$JAVA' is ${v:-unknown}"
    fi
}

cmd_start() {
    take_lock
    local pid t0=$SECONDS rc grace=0
    # A leftover pid file means a server was just stopped or killed, possibly
    # outside this script; it may still be releasing the port.
    [[ -e $PID_FILE ]] && grace=15
    pid=$(running_pid)
    if [[ -n $pid ]]; then
        # Already ours and running: idempotent start. If it is still coming up
        # (or hung), fall through to the same wait as a fresh start.
        if probe 0 "$pid" 2>/dev/null; then
            log "already running (pid $pid)"
            echo "NEO4J_URI=$URI"
            return 0
        fi
        log "running (pid $pid) but not answering yet; waiting"
    else
        if ! wait_port_closed "$grace"; then
            die "port $PORT is already in use by another process (not our Neo4j); set NEO4J_BOLT_PORT"
        fi
        do_install
        check_java
        render_conf
        java_opts
        mkdir -p "$DATA_DIR" "$LOG_DIR" "$RUN_DIR"
        printf '\n==== %s: start (port %s) ====\n' "$(date -u +%FT%TZ)" "$PORT" >>"$CONSOLE_LOG"
        # setsid: own session, so Ctrl-C in the caller's terminal or a signal
        # to the test runner's process group does not take the server down.
        # Not a process-group leader here, so setsid execs java in place and
        # $! is the JVM's pid. cwd = home dir so nothing lands in the repo.
        (
            cd "$NEO4J_HOME_DIR"
            exec setsid "$JAVA" "${JAVA_OPTS[@]}" -cp "$LIB_DIR/*" "$MAIN_CLASS" \
                --home-dir="$NEO4J_HOME_DIR" --config-dir="$CONF_DIR"
        ) </dev/null >>"$CONSOLE_LOG" 2>&1 9>&- &
        pid=$!
        echo "$pid" >"$PID_FILE"
        log "started pid $pid; waiting up to ${START_TIMEOUT}s for $URI"
    fi
    rc=0
    probe "$START_TIMEOUT" "$pid" || rc=$?
    if ((rc != 0)); then
        show_log_tail
        if ((rc == 2)); then
            rm -f "$PID_FILE"
        else
            log "still running as pid $pid; '$0 stop' to end it"
        fi
        exit 1
    fi
    log "ready after $((SECONDS - t0))s (pid $pid)"
    echo "NEO4J_URI=$URI"
}

cmd_wait() {
    local pid rc=0
    pid=$(running_pid)
    if [[ -z $pid ]]; then
        # No server of ours: succeed only if something already answers (e.g. a
        # server started outside this script), instead of waiting 240 s for
        # nothing.
        probe 0 2>/dev/null && { echo "NEO4J_URI=$URI"; return 0; }
        die "not running (no live pid in $PID_FILE); use '$0 start'"
    fi
    probe "$START_TIMEOUT" "$pid" || rc=$?
    ((rc == 0)) || { show_log_tail; exit 1; }
    echo "NEO4J_URI=$URI"
}

cmd_status() {
    local pid
    pid=$(running_pid)
    if [[ -z $pid ]]; then
        log "not running"
        return 1
    fi
    if probe 0 "$pid" 2>/dev/null; then
        log "running and answering (pid $pid, $URI)"
        return 0
    fi
    log "running (pid $pid) but not answering on $URI"
    return 2
}

cmd_stop() {
    take_lock
    local pid
    pid=$(running_pid)
    if [[ -z $pid ]]; then
        log "not running"
        return 0
    fi
    # SIGTERM runs Neo4j's shutdown hook: checkpoint, then close. The Bolt
    # server alone takes ~10 s to shut down (netty's graceful quiet period).
    log "stopping pid $pid"
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$pid" "$STOP_TIMEOUT"; then
        log "no exit after ${STOP_TIMEOUT}s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        wait_gone "$pid" 30 || die "pid $pid survived SIGKILL"
    fi
    rm -f "$PID_FILE"
    wait_port_closed 15 || log "warning: port $PORT still open after stop"
    log "stopped"
}

cmd_kill() {
    take_lock
    local pid
    pid=$(running_pid)
    if [[ -z $pid ]]; then
        log "not running"
        return 0
    fi
    # A crash on purpose: no checkpoint. Wait until the process is really gone
    # so an immediate `start` does not race it for the port or store lock.
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 30 || die "pid $pid survived SIGKILL"
    rm -f "$PID_FILE"
    wait_port_closed 15 || log "warning: port $PORT still open after kill"
    log "killed pid $pid"
}

cmd_reset() {
    take_lock
    [[ -z $(running_pid) ]] || die "running; '$0 stop' (or kill) before reset"
    # data/ holds the stores and transaction logs of all databases (including
    # `system`); it is recreated empty on the next start. Jars and logs stay.
    rm -rf "$DATA_DIR"
    log "data wiped ($DATA_DIR)"
}

cmd_logs() {
    show_log_tail
}

case ${1:-} in
    install) cmd_install ;;
    start) cmd_start ;;
    wait) cmd_wait ;;
    status) cmd_status ;;
    stop) cmd_stop ;;
    kill) cmd_kill ;;
    reset) cmd_reset ;;
    logs) cmd_logs ;;
    *)
        sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2
        exit 64
        ;;
esac
