#!/usr/bin/env bash
# What CI can check of the container set-up on a machine that cannot run containers:
# 1. docker-compose.yml parses and wires the stack as the README says (PostgreSQL with a volume
#    and a health check; the API waits for it, has a health check, a grace period for shutdown);
# 2. the Dockerfile's runtime stage, run as plain shell: the binary its build step produces
#    (`cargo build --locked --bin csp-hub`; CI builds it in debug, the image in release) started
#    the way ENTRYPOINT/CMD/ENV start it, answers the HEALTHCHECK URL and is ready.
# Not checked here: pulling the base images, the release build inside the image, compose itself.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -c 'import yaml' 2>/dev/null || python3 -m pip install --quiet pyyaml
python3 - <<'PY'
import re, sys, yaml
stack = yaml.safe_load(open("docker-compose.yml"))
services = stack["services"]
db, api = services["db"], services["api"]
assert "healthcheck" in db, "db needs a health check"
assert any(v.startswith("db-data:") for v in db["volumes"]), "db data must live in a volume"
assert api["depends_on"]["db"]["condition"] == "service_healthy", "api must wait for a healthy db"
assert "healthcheck" in api, "api needs a health check"
assert "stop_grace_period" in api, "api needs time to finish requests on shutdown"
assert api["environment"]["DATABASE_URL"].startswith("postgres://"), "api must use the db"
assert set(stack["volumes"]) >= {"db-data"}, "named volumes declared"
docker = open("Dockerfile").read()
assert re.search(r"^USER \w+", docker, re.M), "the image runs as a non-root user"
assert "HEALTHCHECK" in docker
assert "--bin csp-hub" in docker and "target/release/csp-hub" in docker
print("docker-compose.yml and Dockerfile: structure ok")
PY

bin="$PWD/target/debug/csp-hub"
tmp="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
# As the image runs it: WORKDIR /data (here a temp dir), ENTRYPOINT csp-hub, CMD serve.
# `exec`, so $pid is the server itself and the SIGTERM below reaches it.
(cd "$tmp" && DATABASE_URL="sqlite://$tmp/csp-hub.db?mode=rwc" CSP_LISTEN="127.0.0.1:$port" exec "$bin" serve >"$tmp/log" 2>&1) &
pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.3
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$tmp/log"; echo "healthz failed"; exit 1; }
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$tmp/log"; echo "readyz failed"; exit 1; }
# Graceful stop on SIGTERM, as `docker stop` sends it.
kill -TERM "$pid"
for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
if kill -0 "$pid" 2>/dev/null; then echo "the server did not stop on SIGTERM"; exit 1; fi
grep -q "server stopped" "$tmp/log" || { cat "$tmp/log"; echo "no clean stop in the log"; exit 1; }
pid=""
echo "runtime stage: serves, is ready, stops on SIGTERM"
