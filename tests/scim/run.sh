#!/usr/bin/env bash
# SCIM 2.0 compliance (RFC 7643/7644): runs the scim2-tester checks against a built csp-hub.
#
#   bash tests/scim/run.sh target/debug/csp-hub
#
# Installs the pinned checker into tests/scim/.venv (once per requirements.txt), starts the server
# on a free loopback port with a fresh SQLite database holding the demo data, signs in as the
# demo partnership's administrator to issue a provisioning token for one organisation (the way a
# council would, through GraphQL), runs `scim2 … test` with it, and stops the server.
# Exits non-zero when any check is not a success (the checker's own rule: a skipped check fails).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${1:?usage: $0 PATH/TO/csp-hub}"
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac

if ! python3 -m venv --help >/dev/null 2>&1; then
  (apt-get update -qq && apt-get install -y -qq python3 python3-venv) >/dev/null
fi
venv="$here/.venv"
stamp="$venv/.installed-from"
sum="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
  echo "== scim2-tester: installing the pinned checker"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  echo "$sum" >"$stamp"
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/csp-hub-scim.XXXXXX")"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
base="http://127.0.0.1:$port"
env -u CSP_JWT_PUBLIC_KEY_FILE \
  DATABASE_URL="sqlite://$tmp/scim.db?mode=rwc" \
  CSP_LISTEN="127.0.0.1:$port" \
  CSP_SEED_DEMO=true \
  "$bin" serve >"$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 150); do
  curl -fsS -o /dev/null --max-time 2 "$base/healthz" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { tail -n 40 "$tmp/server.log" >&2; exit 1; }
  sleep 0.2
done

# The demo administrator of Bromley issues a token for the Safer Neighbourhood Board.
admin="$("$bin" token sarah-newman)"
secret="$(ADMIN="$admin" BASE="$base" python3 - <<'PY'
import json, os, urllib.request

def gql(query, variables=None):
    request = urllib.request.Request(
        os.environ["BASE"] + "/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json",
                 "Authorization": "Bearer " + os.environ["ADMIN"]})
    body = json.load(urllib.request.urlopen(request))
    if body.get("errors"):
        raise SystemExit(f"GraphQL error: {body['errors']}")
    return body["data"]

data = gql("""{ partnership(slug: "bromley") { id organisations(first: 100) { nodes { id name } } } }""")
partnership = data["partnership"]
organisation = next(o for o in partnership["organisations"]["nodes"]
                    if o["name"] == "Bromley Safer Neighbourhood Board")
issued = gql("""mutation($i: IssueProvisioningTokenInput!) {
    issueProvisioningToken(input: $i) { secret } }""",
    {"i": {"partnershipId": partnership["id"], "organisationId": organisation["id"],
           "issuer": "https://login.example.test/bromley-snb", "label": "scim2-tester"}})
print(issued["issueProvisioningToken"]["secret"])
PY
)"

echo "== scim2-tester against $base/scim/v2"
set +e
SCIM_CLI_HEADERS="Authorization: Bearer $secret" \
  "$venv/bin/scim2" --url "$base/scim/v2" test >"$tmp/report.txt" 2>&1
status=$?
set -e
cat "$tmp/report.txt"
passed="$(grep -c '^SUCCESS' "$tmp/report.txt" || true)"
failed="$(grep -E -c '^[A-Z_]+ ' "$tmp/report.txt" | awk -v p="$passed" '{print $1 - p}')"
echo "scim2-tester: $passed passed, $failed failed"
if [ "$status" -ne 0 ] || [ "$passed" -eq 0 ]; then
  tail -n 40 "$tmp/server.log" >&2
  exit 1
fi
