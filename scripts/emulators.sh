#!/usr/bin/env bash
# Install, start, stop and describe the two local SES v2 emulators used by the
# conformance harness: moto server (PyPI) and aws-ses-v2-local (npm).
#
# Usage: scripts/emulators.sh start|stop|status|env
#
#   start   install (only if missing) and start both, bound to 127.0.0.1; waits until
#           each answers; prints the `export ...` lines of `env` at the end
#   stop    stop both by their recorded PIDs (safe if not running)
#   status  report whether each is running and answering
#   env     print eval-able `export SES_CONFORMANCE_..._URL=...` lines
#
# Environment (all optional):
#   SES_CONFORMANCE_EMULATOR_DIR     state dir (installs, PIDs, logs)
#                                    default: $HOME/.cache/ses-conformance/emulators
#   SES_CONFORMANCE_MOTO_PORT        default 5055
#   SES_CONFORMANCE_SES_V2_LOCAL_PORT default 5056
#   SES_CONFORMANCE_READY_TIMEOUT    seconds to wait for each emulator, default 30
#   SES_CONFORMANCE_SES_ACCOUNT_JSON account JSON for aws-ses-v2-local's GetAccount
#                                    (default: a complete, schema-valid account below)
#   PYTHON                           interpreter used to create the venv, default python3
#
# See scripts/EMULATOR_FINDINGS.md for how each emulator answers.
set -euo pipefail

MOTO_SPEC='moto[server]==5.2.5'
MOTO_VERSION='5.2.5'
SES_V2_LOCAL_VERSION='2.10.2'

DIR="${SES_CONFORMANCE_EMULATOR_DIR:-${HOME:-/tmp}/.cache/ses-conformance/emulators}"
[[ "$DIR" == /* ]] || DIR="$PWD/$DIR"
DIR="${DIR%/}"
MOTO_PORT="${SES_CONFORMANCE_MOTO_PORT:-5055}"
SES_V2_LOCAL_PORT="${SES_CONFORMANCE_SES_V2_LOCAL_PORT:-5056}"
READY_TIMEOUT="${SES_CONFORMANCE_READY_TIMEOUT:-30}"
PYTHON="${PYTHON:-python3}"
HOST=127.0.0.1

MOTO_VENV="$DIR/moto-venv"
MOTO_STAMP="$DIR/moto.installed"
MOTO_PID="$DIR/moto.pid"
MOTO_LOG="$DIR/moto.log"
SES_V2_LOCAL_PREFIX="$DIR/ses-v2-local"
SES_V2_LOCAL_BIN="$SES_V2_LOCAL_PREFIX/node_modules/aws-ses-v2-local/dist/cli.js"
SES_V2_LOCAL_PKG="$SES_V2_LOCAL_PREFIX/node_modules/aws-ses-v2-local/package.json"
SES_V2_LOCAL_PID="$DIR/ses-v2-local.pid"
SES_V2_LOCAL_LOG="$DIR/ses-v2-local.log"

# aws-ses-v2-local's GetAccount answers 400 unless AWS_SES_ACCOUNT holds JSON that passes
# the zod schema in dist/v2/getAccount.js: every key below is required (no optional ones).
DEFAULT_ACCOUNT_JSON='{"DedicatedIpAutoWarmupEnabled":false,"Details":{"AdditionalContactEmailAddresses":[],"ContactLanguage":"EN","MailType":"TRANSACTIONAL","ReviewDetails":{"CaseId":"ses-conformance-case","Status":"GRANTED"},"UseCaseDescription":"ses-conformance local emulator","WebsiteURL":"https://example.com"},"EnforcementStatus":"HEALTHY","ProductionAccessEnabled":true,"SendingEnabled":true,"SendQuota":{"Max24HourSend":50000,"MaxSendRate":14,"SentLast24Hours":0},"SuppressionAttributes":{"SuppressedReasons":["BOUNCE","COMPLAINT"]}}'
ACCOUNT_JSON="${SES_CONFORMANCE_SES_ACCOUNT_JSON:-$DEFAULT_ACCOUNT_JSON}"

MOTO_URL="http://$HOST:$MOTO_PORT"
SES_V2_LOCAL_URL="http://$HOST:$SES_V2_LOCAL_PORT"

log() { echo "emulators.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' is required but not on PATH"; }

# ---------------------------------------------------------------- install

install_moto() {
    if [[ -f "$MOTO_STAMP" && "$(cat "$MOTO_STAMP")" == "$MOTO_SPEC" && -x "$MOTO_VENV/bin/moto_server" ]] \
        && "$MOTO_VENV/bin/python" -c "import sys, moto; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
        return 0
    fi
    need "$PYTHON"
    log "installing $MOTO_SPEC into $MOTO_VENV (takes about a minute)"
    rm -rf "$MOTO_VENV" "$MOTO_STAMP"
    "$PYTHON" -m venv "$MOTO_VENV"
    "$MOTO_VENV/bin/pip" install --quiet "$MOTO_SPEC" >"$DIR/moto-install.log" 2>&1 \
        || { tail -n 30 "$DIR/moto-install.log" >&2; die "pip install $MOTO_SPEC failed (log: $DIR/moto-install.log)"; }
    [[ -x "$MOTO_VENV/bin/moto_server" ]] || die "moto_server missing after install"
    echo "$MOTO_SPEC" >"$MOTO_STAMP"
}

installed_ses_v2_local_version() {
    [[ -f "$SES_V2_LOCAL_PKG" ]] || return 0
    node -e 'process.stdout.write(require(process.argv[1]).version)' "$SES_V2_LOCAL_PKG" 2>/dev/null || true
}

install_ses_v2_local() {
    if [[ -f "$SES_V2_LOCAL_BIN" && "$(installed_ses_v2_local_version)" == "$SES_V2_LOCAL_VERSION" ]]; then
        return 0
    fi
    need npm
    log "installing aws-ses-v2-local@$SES_V2_LOCAL_VERSION into $SES_V2_LOCAL_PREFIX"
    mkdir -p "$SES_V2_LOCAL_PREFIX"
    npm install --prefix "$SES_V2_LOCAL_PREFIX" --no-audit --no-fund --save-exact \
        "aws-ses-v2-local@$SES_V2_LOCAL_VERSION" >"$DIR/ses-v2-local-install.log" 2>&1 \
        || { tail -n 30 "$DIR/ses-v2-local-install.log" >&2; die "npm install aws-ses-v2-local@$SES_V2_LOCAL_VERSION failed (log: $DIR/ses-v2-local-install.log)"; }
    [[ -f "$SES_V2_LOCAL_BIN" ]] || die "aws-ses-v2-local cli missing after install"
}

# ---------------------------------------------------------------- processes

# pid_alive PIDFILE -> prints the pid and succeeds if that process is alive and is still
# the emulator we started (its command line names our install), so a PID reused by an
# unrelated process after a reboot is never reported as running, nor killed.
pid_alive() {
    local f="$1" pid cmdline
    [[ -f "$f" ]] || return 1
    pid="$(cat "$f" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    if [[ -r "/proc/$pid/cmdline" ]]; then
        cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
        [[ "$cmdline" == *"$DIR"* ]] || return 1
    fi
    echo "$pid"
}

kill_pid() { # kill_pid PID : TERM, wait up to 10 s, then KILL
    local pid="$1" i
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 40); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.25
    done
    log "pid $pid ignored SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
}

check_port() { # check_port NAME VALUE
    [[ "$2" =~ ^[0-9]+$ ]] && (( $2 >= 1 && $2 <= 65535 )) || die "invalid port for $1: '$2'"
}

http_ok() { # http_ok URL -> succeeds on a 2xx answer
    curl --silent --fail --max-time 2 --output /dev/null "$1"
}

port_in_use() {
    # bash's /dev/tcp: the connect succeeds only if something listens
    (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

wait_ready() { # wait_ready NAME URL PIDFILE LOG ; on failure stops what it started
    local name="$1" url="$2" pidfile="$3" logfile="$4" deadline pid
    deadline=$(( $(date +%s) + READY_TIMEOUT ))
    while :; do
        if http_ok "$url"; then
            return 0
        fi
        if ! pid_alive "$pidfile" >/dev/null; then
            rm -f "$pidfile"
            tail -n 20 "$logfile" >&2 || true
            die "$name exited before becoming ready (log: $logfile)"
        fi
        (( $(date +%s) < deadline )) || break
        sleep 0.25
    done
    if pid="$(pid_alive "$pidfile")"; then
        kill_pid "$pid"
    fi
    rm -f "$pidfile"
    tail -n 20 "$logfile" >&2 || true
    die "$name not ready at $url after ${READY_TIMEOUT}s; stopped it (log: $logfile)"
}

start_moto() {
    local pid
    if pid="$(pid_alive "$MOTO_PID")"; then
        if http_ok "$MOTO_URL/moto-api/"; then
            log "moto already running (pid $pid) at $MOTO_URL"
            return 0
        fi
        die "moto process $pid is alive but $MOTO_URL/moto-api/ does not answer; run '$0 stop' first (log: $MOTO_LOG)"
    fi
    port_in_use "$MOTO_PORT" && die "port $MOTO_PORT (moto) is already in use by another process; set SES_CONFORMANCE_MOTO_PORT"
    : >"$MOTO_LOG"
    # moto_server is werkzeug without the reloader (no -r), so this PID is the server itself.
    nohup "$MOTO_VENV/bin/moto_server" -H "$HOST" -p "$MOTO_PORT" >>"$MOTO_LOG" 2>&1 </dev/null &
    echo $! >"$MOTO_PID"
    wait_ready "moto" "$MOTO_URL/moto-api/" "$MOTO_PID" "$MOTO_LOG"
    log "moto $MOTO_VERSION ready (pid $(cat "$MOTO_PID")) at $MOTO_URL, log $MOTO_LOG"
}

start_ses_v2_local() {
    local pid
    if pid="$(pid_alive "$SES_V2_LOCAL_PID")"; then
        if http_ok "$SES_V2_LOCAL_URL/health-check"; then
            log "aws-ses-v2-local already running (pid $pid) at $SES_V2_LOCAL_URL"
            return 0
        fi
        die "aws-ses-v2-local process $pid is alive but $SES_V2_LOCAL_URL/health-check does not answer; run '$0 stop' first (log: $SES_V2_LOCAL_LOG)"
    fi
    port_in_use "$SES_V2_LOCAL_PORT" && die "port $SES_V2_LOCAL_PORT (aws-ses-v2-local) is already in use by another process; set SES_CONFORMANCE_SES_V2_LOCAL_PORT"
    need node
    : >"$SES_V2_LOCAL_LOG"
    # SMTP_TRANSPORT must stay unset: with it set, every sent email is relayed over SMTP.
    # --host is required: the default is '::' (all interfaces).
    nohup env -u SMTP_TRANSPORT -u AWS_SES_STRICT_TEMPLATE_RENDERING AWS_SES_ACCOUNT="$ACCOUNT_JSON" \
        node "$SES_V2_LOCAL_BIN" --host "$HOST" --port "$SES_V2_LOCAL_PORT" \
        >>"$SES_V2_LOCAL_LOG" 2>&1 </dev/null &
    echo $! >"$SES_V2_LOCAL_PID"
    wait_ready "aws-ses-v2-local" "$SES_V2_LOCAL_URL/health-check" "$SES_V2_LOCAL_PID" "$SES_V2_LOCAL_LOG"
    log "aws-ses-v2-local $SES_V2_LOCAL_VERSION ready (pid $(cat "$SES_V2_LOCAL_PID")) at $SES_V2_LOCAL_URL, log $SES_V2_LOCAL_LOG"
}

stop_one() { # stop_one NAME PIDFILE
    local name="$1" pidfile="$2" pid
    if ! pid="$(pid_alive "$pidfile")"; then
        rm -f "$pidfile"
        log "$name not running"
        return 0
    fi
    kill_pid "$pid"
    rm -f "$pidfile"
    log "$name stopped (pid $pid)"
}

status_one() { # status_one NAME PIDFILE URL PROBE_PATH ; returns 1 if not running/answering
    local name="$1" pidfile="$2" url="$3" probe="$4" pid
    if pid="$(pid_alive "$pidfile")"; then
        if http_ok "$url$probe"; then
            echo "$name: running (pid $pid) at $url"
            return 0
        fi
        echo "$name: process $pid alive but $url$probe does not answer"
        return 1
    fi
    echo "$name: stopped"
    return 1
}

print_env() {
    echo "export SES_CONFORMANCE_MOTO_URL=$MOTO_URL"
    echo "export SES_CONFORMANCE_SES_V2_LOCAL_URL=$SES_V2_LOCAL_URL"
}

# ---------------------------------------------------------------- main

check_port moto "$MOTO_PORT"
check_port aws-ses-v2-local "$SES_V2_LOCAL_PORT"
[[ "$READY_TIMEOUT" =~ ^[0-9]+$ ]] || die "invalid SES_CONFORMANCE_READY_TIMEOUT: '$READY_TIMEOUT'"

cmd="${1:-}"
case "$cmd" in
    start)
        need curl
        mkdir -p "$DIR"
        install_moto
        install_ses_v2_local
        start_moto
        start_ses_v2_local
        print_env
        ;;
    stop)
        stop_one "aws-ses-v2-local" "$SES_V2_LOCAL_PID"
        stop_one "moto" "$MOTO_PID"
        ;;
    status)
        rc=0
        status_one "moto" "$MOTO_PID" "$MOTO_URL" "/moto-api/" || rc=1
        status_one "aws-ses-v2-local" "$SES_V2_LOCAL_PID" "$SES_V2_LOCAL_URL" "/health-check" || rc=1
        exit "$rc"
        ;;
    env)
        print_env
        ;;
    *)
        echo "usage: $0 start|stop|status|env" >&2
        exit 2
        ;;
esac
