#!/usr/bin/env bash
# `npm run test:pack`: what a user gets from `npm pack`. Packs the tool and checks the tarball's contents; installs it
# globally into an empty prefix and runs `--version` and `demo`; installs it into an empty project with
# --omit=optional (no graphql) and checks that `demo` says what to install. The CLI runs with an explicit environment
# in temporary directories, removed at the end. Fails on the first error.
set -euo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d "${TMPDIR:-/tmp}/luxeret-pack-XXXXXX")"
trap 'rm -rf "$work"' EXIT
fail() { echo "check-tarball: $*" >&2; exit 1; }

version="$(node -p "require('./package.json').version")"
npm run build --silent
npm pack --ignore-scripts --silent --pack-destination "$work" >/dev/null
tarball="$work/luxeret-privacy-$version.tgz"
[ -f "$tarball" ] || fail "npm pack made no $tarball"

# Only what the CLI needs: bin/, dist/ (no benchmarks), and the emulator bundled for `demo` – graphql comes from the
# registry as an optional dependency, so --omit=optional can leave it out.
contents="$(tar -tzf "$tarball")"
for want in package/bin/luxeret-privacy.js package/dist/cli/main.js \
  package/node_modules/@luxeret/cloudflare-emulator/dist/index.js \
  package/node_modules/@luxeret/cloudflare-emulator/schema/cloudflare.graphql; do
  grep -qx "$want" <<<"$contents" || fail "the tarball lacks $want"
done
unexpected="$(grep -Ev '^package/(bin/|dist/|node_modules/@luxeret/cloudflare-emulator/(dist/|schema/|package\.json$)|package\.json$|README\.md$)' <<<"$contents" || true)"
[ -z "$unexpected" ] || fail "the tarball holds more than the CLI needs:"$'\n'"$unexpected"
! grep -q '^package/dist/bench/' <<<"$contents" || fail 'the tarball ships the benchmarks'

# npm runs from the developer's npm config (registry, cache); the CLI runs with nothing of the caller's environment.
node_dir="$(dirname "$(command -v node)")"
npm_install() { # directory, npm flags…
  local dir="$1"
  shift
  mkdir -p "$dir"
  (cd "$dir" && npm install --no-audit --no-fund --prefer-offline --loglevel=error "$@" "$tarball")
}
expect_exit() { # code, bin, name, argv… – runs the CLI in $work/<name>, output in $work/<name>.out and .err
  local want="$1" bin="$2" name="$3" got=0
  shift 3
  mkdir -p "$work/$name"
  (cd "$work/$name" && env -i PATH="$node_dir:/usr/bin:/bin" HOME="$work/$name" LUXERET_HOME="$work/$name/luxeret" \
    "$bin" "$@" >"$work/$name.out" 2>"$work/$name.err") || got=$?
  [ "$got" = "$want" ] || fail "luxeret-privacy $* exited $got, not $want:"$'\n'"$(tail -n 20 "$work/$name.err")"
}

echo "check-tarball: npm install --global --prefix <empty dir> $(basename "$tarball")"
# npm 11 asks global installs to name the packages whose install scripts may run (better-sqlite3 builds its addon).
npm_config_allow_scripts=better-sqlite3 npm_install "$work" --global --prefix "$work/prefix"
bin="$work/prefix/bin/luxeret-privacy"
expect_exit 0 "$bin" version --version
# `luxeret-privacy 0.1.0 (store schema 5)`: the version, and the store schema it migrates to.
grep -Eqx "luxeret-privacy $version \(store schema [0-9]+\)" "$work/version.out" ||
  fail "--version printed $(cat "$work/version.out"), not luxeret-privacy $version (store schema N)"
expect_exit 0 "$bin" demo demo
grep -q '^Done\.' "$work/demo.out" || fail 'demo did not finish'
# The demo's Logpush archive, on its own S3 server (s3rver, an optional dependency), is reported and purged.
grep -q '^│ archive/firewall-logpush ' "$work/demo.out" || fail 'demo showed no Logpush archive (archive/firewall-logpush)'
for file in luxeret-demo-report.html luxeret-demo-ledger.html; do
  [ -s "$work/demo/$file" ] || fail "demo left no $file"
done

# A project-local install: npm ignores --omit with --global and a tarball (npm/cli#8284).
echo "check-tarball: npm install --omit=optional $(basename "$tarball") in an empty project"
# Without install scripts: better-sqlite3 loads its addon only when a store opens, which neither run below does, and
# one compile of it (the global install's) is enough for CI.
npm_install "$work/project" --omit=optional --ignore-scripts
[ ! -e "$work/project/node_modules/graphql" ] || fail '--omit=optional still installed graphql'
[ ! -e "$work/project/node_modules/s3rver" ] || fail '--omit=optional still installed s3rver'
bin="$work/project/node_modules/.bin/luxeret-privacy"
expect_exit 0 "$bin" lean-version --version
expect_exit 2 "$bin" lean-demo demo
grep -q 'without --omit=optional' "$work/lean-demo.err" || fail "demo without graphql does not say what to install"
echo "check-tarball: ok"
