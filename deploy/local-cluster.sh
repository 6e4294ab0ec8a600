#!/usr/bin/env bash
# The deployment's topology without Docker: REPLICAS Streamlit processes on loopback ports behind
# Debian's nginx on PORT, with the nginx site rendered from deploy/nginx/tracker.conf.template
# (the same file compose.yaml uses).
#
#   deploy/local-cluster.sh REPLICAS PORT
#
# Environment:
#   TRACKER_DB               the database every replica reads (default: the app's default)
#   TRACKER_REPLICA_PORTS    the replicas' ports, space-separated (default PORT+1 ... PORT+N)
#   TRACKER_RUN_DIR          folder for the rendered config, logs and pid files (default: new
#                            temporary folder); kept afterwards so logs can be read
#   TRACKER_FRAME_ANCESTORS  CSP frame-ancestors (default 'self')
#   NGINX                    nginx binary (default: nginx on PATH, else /usr/sbin/nginx)
#   PYTHON                   Python with the app's requirements (default python3)
#   TRACKER_START_TIMEOUT    seconds to wait for every replica to be healthy (default 90)
#
# Runs in the foreground until SIGINT/SIGTERM (or until nginx dies), then stops everything it
# started. A replica that dies is left dead, so that tests can see nginx route around it.
# Files in the run folder: nginx.conf, tracker.conf, nginx.pid, replica-I.pid, replica-I.log,
# nginx-error.log, nginx.out, access.log, and `url` (written once everything answers).
set -euo pipefail

usage() {
    echo "usage: $0 REPLICAS PORT" >&2
    exit 2
}

[[ $# -eq 2 ]] || usage
replicas=$1
port=$2
[[ $replicas =~ ^[1-9][0-9]*$ && $port =~ ^[1-9][0-9]*$ ]] || usage

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
template="$root/deploy/nginx/tracker.conf.template"
python=${PYTHON:-python3}
nginx_bin=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
start_timeout=${TRACKER_START_TIMEOUT:-90}
frame_ancestors=${TRACKER_FRAME_ANCESTORS:-"'self'"}
[[ -x $nginx_bin ]] || { echo "nginx not found (Debian: apt-get install nginx)" >&2; exit 1; }

run_dir=${TRACKER_RUN_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/tracker-cluster.XXXXXX")}
mkdir -p "$run_dir/tmp"
run_dir=$(cd "$run_dir" && pwd)

if [[ -n ${TRACKER_REPLICA_PORTS:-} ]]; then
    read -r -a ports <<<"$TRACKER_REPLICA_PORTS"
    [[ ${#ports[@]} -eq $replicas ]] || {
        echo "TRACKER_REPLICA_PORTS has ${#ports[@]} ports for $replicas replicas" >&2
        exit 2
    }
else
    ports=()
    for ((i = 1; i <= replicas; i++)); do ports+=($((port + i))); done
fi

pids=()
nginx_pid=""
stopping=0

# shellcheck disable=SC2317  # called from the EXIT trap
stop_all() {
    # Runs once, on a signal or on any exit; TERM first, KILL what is still there after 10 s.
    [[ $stopping -eq 1 ]] && return
    stopping=1
    trap - INT TERM
    local pid
    for pid in "${pids[@]}" $nginx_pid; do kill -TERM "$pid" 2>/dev/null || true; done
    for ((i = 0; i < 100; i++)); do
        local alive=0
        for pid in "${pids[@]}" $nginx_pid; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [[ $alive -eq 0 ]] && break
        sleep 0.1
    done
    for pid in "${pids[@]}" $nginx_pid; do kill -KILL "$pid" 2>/dev/null || true; done
    rm -f "$run_dir/url"
    echo "local cluster stopped (logs in $run_dir)"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

healthy() {
    curl --silent --fail --max-time 2 "$1" 2>/dev/null | grep -qx ok
}

# The replicas run from the checkout (so `python -m tracker` and .streamlit/config.toml are
# found, as in the container's WORKDIR); a relative TRACKER_DB is resolved from where we started.
if [[ -n ${TRACKER_DB:-} && $TRACKER_DB != /* ]]; then
    TRACKER_DB="$PWD/$TRACKER_DB"
    export TRACKER_DB
fi
cd "$root"

# Replicas: the same command as the container's, on loopback. Streamlit's source watcher is off
# (a deployment serves fixed code; in a checkout being edited it would rerun every session).
for ((i = 0; i < replicas; i++)); do
    STREAMLIT_SERVER_FILE_WATCHER_TYPE=${STREAMLIT_SERVER_FILE_WATCHER_TYPE:-none} \
        STREAMLIT_BROWSER_GATHER_USAGE_STATS=false PYTHONUNBUFFERED=1 \
        "$python" -m tracker serve --server.address 127.0.0.1 \
        --server.port "${ports[i]}" --server.headless true \
        </dev/null >"$run_dir/replica-$i.log" 2>&1 &
    pids+=($!)
    echo "$!" >"$run_dir/replica-$i.pid"
done

# The site config from the shared template. Only the template's own variables are replaced
# (envsubst with an explicit list), so nginx's $variables stay as they are.
upstream_servers=""
for p in "${ports[@]}"; do
    upstream_servers+="server 127.0.0.1:$p max_fails=1 fail_timeout=10s; "
done
# shellcheck disable=SC2016  # the quoted names are envsubst's list, not shell expansions
env TRACKER_LISTEN="127.0.0.1:$port" TRACKER_UPSTREAM_SERVERS="$upstream_servers" \
    TRACKER_FRAME_ANCESTORS="$frame_ancestors" TRACKER_ACCESS_LOG="$run_dir/access.log" \
    envsubst '${TRACKER_LISTEN} ${TRACKER_UPSTREAM_SERVERS} ${TRACKER_FRAME_ANCESTORS} ${TRACKER_ACCESS_LOG}' \
    <"$template" >"$run_dir/tracker.conf"

# The main config: everything nginx would otherwise write under /var goes to the run folder.
# As root, the workers would switch to an unprivileged user that cannot use this folder; they
# run as the user who started the script instead (as unprivileged as the replicas themselves).
user_line=""
if [[ $(id -u) -eq 0 ]]; then user_line="user $(id -un) $(id -gn);"; fi
cat >"$run_dir/nginx.conf" <<CONF
$user_line
worker_processes 1;
pid $run_dir/nginx.pid;
error_log $run_dir/nginx-error.log warn;
events { worker_connections 4096; }
http {
    client_body_temp_path $run_dir/tmp/client_body;
    proxy_temp_path $run_dir/tmp/proxy;
    fastcgi_temp_path $run_dir/tmp/fastcgi;
    uwsgi_temp_path $run_dir/tmp/uwsgi;
    scgi_temp_path $run_dir/tmp/scgi;
    include $run_dir/tracker.conf;
}
CONF

"$nginx_bin" -t -q -p "$run_dir" -e "$run_dir/nginx-error.log" -c "$run_dir/nginx.conf"
"$nginx_bin" -p "$run_dir" -e "$run_dir/nginx-error.log" -c "$run_dir/nginx.conf" \
    -g 'daemon off;' </dev/null >"$run_dir/nginx.out" 2>&1 &
nginx_pid=$!

deadline=$((SECONDS + start_timeout))
for ((i = 0; i < replicas; i++)); do
    until healthy "http://127.0.0.1:${ports[i]}/_stcore/health"; do
        if ! kill -0 "${pids[i]}" 2>/dev/null; then
            echo "replica $i exited before it was healthy; its log:" >&2
            cat "$run_dir/replica-$i.log" >&2
            exit 1
        fi
        if ((SECONDS > deadline)); then
            echo "replica $i not healthy within ${start_timeout} s (log: $run_dir/replica-$i.log)" >&2
            exit 1
        fi
        sleep 0.25
    done
done
until healthy "http://127.0.0.1:$port/_stcore/health"; do
    if ! kill -0 "$nginx_pid" 2>/dev/null || ((SECONDS > deadline)); then
        echo "nginx does not answer on port $port; its log:" >&2
        cat "$run_dir/nginx-error.log" >&2
        exit 1
    fi
    sleep 0.25
done

url="http://127.0.0.1:$port"
echo "$url" >"$run_dir/url"
echo "local cluster: $replicas replica(s) on ports ${ports[*]} behind nginx at $url"
echo "run folder: $run_dir (Ctrl-C stops everything)"

# Wait for a signal; `wait` returns early when one arrives, and the EXIT trap cleans up.
wait "$nginx_pid" || true
echo "nginx exited; stopping the replicas" >&2
exit 1
