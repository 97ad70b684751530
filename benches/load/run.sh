#!/usr/bin/env bash
# The load benchmark: CSP Hub against the raw-SQL floor for the same work, in one run, on
# PostgreSQL, at one or more scales of generated data.
#
#   benches/load/run.sh [path/to/csp-hub]      (default: a release build, made if missing)
#
# For each scale in BENCH_SCALES (actions; default 100000) it fills a fresh database with
# `csp-hub generate`, starts the server on it, and for each scenario measures with wrk
# (BENCH_CONNECTIONS connections, BENCH_DURATION seconds): requests per second, p50 and p99,
# SQL statements per request (from /metrics), then the same work as plain SQL without any
# visibility rule with pgbench (floor_*.sql, same connections and duration), and the ratio.
# It measures and asserts nothing. The caller is `gen-partner`, a signed-in partner with seats
# on three boards of the first partnership.
#
# Settings: BENCH_PG (server URL, default postgres://postgres@127.0.0.1:5432), BENCH_SCALES,
# BENCH_DURATION (20), BENCH_CONNECTIONS (16), BENCH_POOL (10, the server's pool),
# BENCH_SCENARIOS (a b c d: (a) a partnership's actions, (b) a board's meetings and agendas,
# (c) a board's RAG summary, (d) a meeting's matters arising as they stood),
# BENCH_PORT (18080), BENCH_KEEP=1 to keep the databases.
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN="${1:-}"
PG="${BENCH_PG:-postgres://postgres@127.0.0.1:5432}"
SCALES="${BENCH_SCALES:-100000}"
DURATION="${BENCH_DURATION:-20}"
CONNECTIONS="${BENCH_CONNECTIONS:-16}"
POOL="${BENCH_POOL:-10}"
PORT="${BENCH_PORT:-18080}"
HERE=benches/load

if [ -z "$BIN" ]; then
  cargo build --release --locked --quiet
  BIN=target/release/csp-hub
fi
# wrk, pgbench and jq come from the distribution's packages.
missing=""
command -v wrk >/dev/null 2>&1 || missing="$missing wrk"
command -v pgbench >/dev/null 2>&1 || missing="$missing postgresql-contrib"
command -v jq >/dev/null 2>&1 || missing="$missing jq"
if [ -n "$missing" ]; then
  echo "installing$missing" >&2
  (apt-get update -qq && apt-get install -y -qq $missing) >/dev/null
fi

# A Relay global ID: base64url("Type:uuid"), unpadded.
global_id() { printf '%s:%s' "$1" "$2" | base64 -w0 | tr '+/' '-_' | tr -d '='; }

# Milliseconds from a wrk latency figure (e.g. 812.00us, 12.34ms, 1.20s).
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n = n / 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n = n * 1000
    printf "%.1f", n }'
}

statements() { curl -sf "http://127.0.0.1:$PORT/metrics" | awk '/^csp_db_statements_total/ { print $2 }'; }

SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true; }
trap cleanup EXIT

RESULTS=$(mktemp)
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(awk -F: '/model name/ { print $2; exit }' /proc/cpuinfo | sed 's/^ *//'); PostgreSQL $(psql "$PG/postgres" -Atc 'show server_version')"
echo "wrk: $CONNECTIONS connections, ${DURATION} s per scenario; server pool $POOL; $BIN"

for ACTIONS in $SCALES; do
  DB="csp_bench_${ACTIONS}"
  URL="$PG/$DB"
  PGOPTIONS=--client-min-messages=warning psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
  echo "== $ACTIONS actions: generating"
  DATABASE_URL="$URL" "$BIN" generate --actions "$ACTIONS" 2>/dev/null | tail -1
  psql "$URL" -qc "VACUUM ANALYZE" >/dev/null

  DATABASE_URL="$URL" CSP_LISTEN="127.0.0.1:$PORT" CSP_SEED_DEMO=false \
    CSP_RATE_LIMIT_PER_MINUTE=1000000000 CSP_DB_MAX_CONNECTIONS="$POOL" CSP_LOG_FORMAT=json \
    RUST_LOG=warn "$BIN" serve >/dev/null 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
  curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null || { echo "the server did not start"; exit 1; }
  # Another process on the port would answer for it, and be measured instead.
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "the server exited at start: is port $PORT taken? (BENCH_PORT)"; exit 1; }

  TOKEN=$(DATABASE_URL="$URL" "$BIN" token gen-partner --hours 2)
  PARTNERSHIP=$(psql "$URL" -Atc "SELECT id FROM partnership WHERE slug = 'gen-1'")
  BOARD=$(psql "$URL" -Atc "SELECT id FROM board WHERE partnership_id = '$PARTNERSHIP' AND parent_id IS NULL")
  # The board's last meeting: the most earlier meetings for its matters arising to come from.
  MEETING=$(psql "$URL" -Atc "SELECT id FROM meeting WHERE board_id = '$BOARD' ORDER BY starts_at DESC LIMIT 1")
  P_ID=$(global_id Partnership "$PARTNERSHIP")
  M_ID=$(global_id Meeting "$MEETING")
  B_ID=$(global_id Board "$BOARD")

  declare -A QUERY FLOOR_VARS
  QUERY[a]='query($p: ID!) { actions(filter: {partnershipId: $p}, orderBy: {field: DUE_DATE}, first: 50) { pageInfo { hasNextPage endCursor } edges { node { id title dueDate leadPerson { name } leadOrganisation { name } board { name } } } } }'
  QUERY[b]='query($b: ID!) { node(id: $b) { ... on Board { name parent { name } meetings(first: 10) { edges { node { startsAt agendaItems(first: 20) { edges { node { title } } } } } } } } }'
  QUERY[c]='query($b: ID!) { ragSummary(filter: {boardId: $b}) { counts { total red amber green } } }'
  VARS_a="{\"p\": \"$P_ID\"}"
  VARS_b="{\"b\": \"$B_ID\"}"
  VARS_c="{\"b\": \"$B_ID\"}"
  QUERY[d]='query($m: ID!) { node(id: $m) { ... on Meeting { mattersArising(first: 50) { totalCount edges { node { id title latestUpdate { narrative } } } } } } }'
  VARS_d="{\"m\": \"$M_ID\"}"

  for S in ${BENCH_SCENARIOS:-a b c d}; do
    VARS_NAME="VARS_$S"
    BODY=$(jq -cn --arg q "${QUERY[$S]}" --argjson v "${!VARS_NAME}" '{query: $q, variables: $v}')
    # A correct answer first: a benchmark of errors measures nothing.
    REPLY=$(curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
      --data "$BODY" "http://127.0.0.1:$PORT/graphql")
    if echo "$REPLY" | jq -e '.errors' >/dev/null; then echo "($S) fails: $REPLY"; exit 1; fi
    # Statements per request, from 20 requests one after another.
    BEFORE=$(statements)
    for _ in $(seq 1 20); do
      curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
        --data "$BODY" "http://127.0.0.1:$PORT/graphql"
    done
    PER_REQUEST=$(awk -v a="$BEFORE" -v b="$(statements)" 'BEGIN { printf "%.1f", (b - a) / 20 }')
    OUT=$(BODY="$BODY" TOKEN="$TOKEN" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency \
      -s "$HERE/post.lua" "http://127.0.0.1:$PORT/graphql")
    RPS=$(echo "$OUT" | awk '/^Requests\/sec/ { printf "%.0f", $2 }')
    P50=$(to_ms "$(echo "$OUT" | awk '$1 == "50%" { print $2 }')")
    P99=$(to_ms "$(echo "$OUT" | awk '$1 == "99%" { print $2 }')")
    ERRORS=$(echo "$OUT" | awk '/Non-2xx/ { print $NF }')
    case $S in
      a) VARS=(-D "partnership=$PARTNERSHIP") ;;
      d) VARS=(-D "meeting=$MEETING") ;;
      *) VARS=(-D "board=$BOARD") ;;
    esac
    # A floor the build's schema cannot run (an older build measured side by side) is n/a.
    FLOOR=$( (pgbench -n -M prepared -c "$CONNECTIONS" -j 2 -T "$DURATION" "${VARS[@]}" \
      -f "$HERE/floor_$S.sql" "$URL" 2>/dev/null || true) | awk '/^tps/ { printf "%.0f", $3 }')
    RATIO=$(awk -v r="$RPS" -v f="$FLOOR" 'BEGIN { if (f > 0) printf "%.2f", r / f; else print "n/a" }')
    printf '| %s | (%s) | %s | %s | %s | %s | %s | %s |%s\n' "$ACTIONS" "$S" "$RPS" "$P50" "$P99" \
      "$PER_REQUEST" "$FLOOR" "$RATIO" "${ERRORS:+ non-2xx: $ERRORS}" >>"$RESULTS"
  done
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
  [ -n "${BENCH_KEEP:-}" ] || psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB" >/dev/null
done

echo
echo "| actions | scenario | req/s | p50 ms | p99 ms | statements/request | floor tps (no visibility) | ratio |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|"
cat "$RESULTS"
rm -f "$RESULTS"
