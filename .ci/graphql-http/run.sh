#!/usr/bin/env bash
# GraphQL-over-HTTP conformance audit (graphql-http's server audits) against a built csp-hub.
#
#   bash .ci/graphql-http/run.sh target/debug/csp-hub [ACCEPTED_SHOULD_AUDIT_ID ...]
#
# Installs the pinned npm packages (npm ci, only when node_modules is missing or stale), starts the
# server on a free loopback port with a fresh SQLite database in a temporary directory (it migrates
# and loads the demo data itself), waits for /healthz, runs audit.mjs against /graphql, stops the
# server and cleans up. Exits with audit.mjs's status: non-zero if any MUST audit fails.
# Extra arguments are SHOULD audit ids accepted as known warnings (see audit.mjs).
# Needs node >= 18 and npm (the npm registry, for the first install).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ $# -lt 1 ]; then
  echo "usage: $0 PATH/TO/csp-hub [ACCEPTED_SHOULD_AUDIT_ID ...]" >&2
  exit 2
fi
bin="$1"
shift
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
if [ ! -x "$bin" ]; then
  echo "graphql-http audit: server binary not found or not executable: $bin" >&2
  exit 2
fi
command -v node >/dev/null || { echo "graphql-http audit: node is not installed" >&2; exit 2; }
command -v npm >/dev/null || { echo "graphql-http audit: npm is not installed" >&2; exit 2; }

# npm ci only when node_modules is missing or was installed from another package-lock.json.
lock_sum="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
stamp="$here/node_modules/.installed-from-lock"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  echo "== graphql-http audit: npm ci"
  (cd "$here" && npm ci --no-audit --no-fund)
  echo "$lock_sum" >"$stamp"
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/csp-hub-graphql-http.XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A free loopback port: bind port 0, read the port the kernel chose, release it.
port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
base="http://127.0.0.1:$port"

echo "== graphql-http audit: starting $bin on $base (log: server.log, shown on failure)"
# Only the settings the audit needs; a token-checking key from the environment would not matter
# (the audits send no Authorization header) but is cleared so the run is the same everywhere.
env -u CSP_JWT_PUBLIC_KEY_FILE \
  DATABASE_URL="sqlite://$tmp/audit.db?mode=rwc" \
  CSP_LISTEN="127.0.0.1:$port" \
  CSP_SEED_DEMO=true \
  "$bin" serve >"$tmp/server.log" 2>&1 &
server_pid=$!

show_log() {
  echo "---- server.log (last 40 lines) ----" >&2
  tail -n 40 "$tmp/server.log" >&2 || true
  echo "------------------------------------" >&2
}

healthy() {
  if command -v curl >/dev/null; then
    curl -fsS -o /dev/null --max-time 2 "$base/healthz" 2>/dev/null
  else
    node -e 'fetch(process.argv[1],{signal:AbortSignal.timeout(2000)}).then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))' "$base/healthz"
  fi
}

deadline=$((SECONDS + ${GRAPHQL_HTTP_AUDIT_STARTUP_SECONDS:-120}))
until healthy; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "graphql-http audit: the server exited before /healthz answered" >&2
    show_log
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "graphql-http audit: /healthz did not answer 200 within ${GRAPHQL_HTTP_AUDIT_STARTUP_SECONDS:-120}s" >&2
    show_log
    exit 1
  fi
  sleep 0.3
done

echo "== graphql-http audit: $base/graphql (graphql-http $(node -p 'require(process.argv[1]).version' "$here/node_modules/graphql-http/package.json"))"
status=0
(cd "$here" && node audit.mjs "$base/graphql" "$@") || status=$?
if [ "$status" -ne 0 ] && ! kill -0 "$server_pid" 2>/dev/null; then
  echo "graphql-http audit: the server died during the audit" >&2
  show_log
fi
exit "$status"
