#!/usr/bin/env bash
# CSP Hub's front-ends in headless Chromium, against a built csp-hub:
#
#   bash tests/browser/run.sh target/debug/csp-hub
#
# 1. Installs Debian's chromium with apt-get when /usr/bin/chromium is missing (or uses $CHROMIUM).
# 2. npm ci in tests/browser and widgets (only when node_modules is missing or was installed from
#    another package-lock.json).
# 3. Re-runs GraphQL Code Generator (widgets/codegen.yml) and fails when the committed types
#    (widgets/generated, examples/analyst/generated) differ from what it makes.
# 4. Type-checks the widget and the analyst example (tsc --checkJs, nothing emitted).
# 5. Runs the browser tests (node --test): each starts the binary on a fresh SQLite database in a
#    temporary directory with the demo data, on a free loopback port. Screenshots go to
#    $BROWSER_ARTEFACTS (default target/browser-artefacts).
# Builds nothing of Rust: the binary is the argument. Exits non-zero on any failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

if [ $# -ne 1 ]; then
  echo "usage: $0 PATH/TO/csp-hub" >&2
  exit 2
fi
bin="$1"
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
if [ ! -x "$bin" ]; then
  echo "browser tests: server binary not found or not executable: $bin" >&2
  exit 2
fi
command -v node >/dev/null || { echo "browser tests: node is not installed" >&2; exit 2; }
command -v npm >/dev/null || { echo "browser tests: npm is not installed" >&2; exit 2; }
started=$SECONDS

export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "== browser tests: installing chromium (apt-get)"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
  [ -x "$CHROMIUM" ] || { echo "browser tests: chromium is still missing at $CHROMIUM" >&2; exit 2; }
fi
echo "== browser tests: $("$CHROMIUM" --version 2>/dev/null | head -n1)"

# npm ci only when node_modules is missing or was installed from another package-lock.json.
install() {
  local dir="$1"
  local sum stamp
  sum="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  stamp="$dir/node_modules/.installed-from-lock"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
    echo "== browser tests: npm ci in ${dir#"$root"/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$sum" >"$stamp"
  fi
}
install "$here"
install "$root/widgets"

echo "== browser tests: generated GraphQL types are current (widgets/codegen.yml)"
generated=(widgets/generated examples/analyst/generated)
before="$(mktemp -d "${TMPDIR:-/tmp}/csp-hub-codegen.XXXXXX")"
trap 'rm -rf "$before"' EXIT
for dir in "${generated[@]}"; do
  mkdir -p "$before/$dir"
  cp -R "$root/$dir/." "$before/$dir/"
done
(cd "$root/widgets" && ./node_modules/.bin/graphql-codegen --config codegen.yml --silent)
stale=0
for dir in "${generated[@]}"; do
  diff -ru "$before/$dir" "$root/$dir" || stale=1
done
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # In a checkout, the regenerated files must also be the committed ones.
  git -C "$root" diff --exit-code -- "${generated[@]}" || stale=1
  if [ -n "$(git -C "$root" status --porcelain --untracked-files=all -- "${generated[@]}")" ]; then
    git -C "$root" status --short -- "${generated[@]}"
    stale=1
  fi
fi
if [ "$stale" -ne 0 ]; then
  echo "browser tests: the generated GraphQL types are stale: run 'npm run codegen' in widgets/ and commit them" >&2
  exit 1
fi

echo "== browser tests: type check (tsc --checkJs): the widget and the analyst example"
"$root/widgets/node_modules/.bin/tsc" -p "$root/widgets/tsconfig.json"
"$root/widgets/node_modules/.bin/tsc" -p "$root/examples/analyst/tsconfig.json"

export BROWSER_ARTEFACTS="${BROWSER_ARTEFACTS:-$root/target/browser-artefacts}"
echo "== browser tests: node --test against $bin (screenshots in $BROWSER_ARTEFACTS)"
(cd "$here" && CSP_HUB_BIN="$bin" node --test --test-reporter=spec ./*.test.mjs)
echo "== browser tests: passed in $((SECONDS - started)) s; screenshots:"
ls -1 "$BROWSER_ARTEFACTS"/*.png | sed 's/^/   /'
