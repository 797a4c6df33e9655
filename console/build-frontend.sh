#!/usr/bin/env bash
# Builds the web console: `npm ci` and `vite build` into the directory given (the console
# module's target/classes/console, packaged into its jar and so into the router's).
# Run by the Maven build (console/pom.xml); nothing to run by hand.
#
# Node.js 18+ and npm come from the machine. Where they are missing, Debian's packages are
# installed (root on Debian only; apt-get is idempotent), else the build stops with the reason.
# Nothing is fetched at run time: the router serves the built files from its jar.
set -euo pipefail
cd "$(dirname "$0")"
out=${1:-target/classes/console}

node_ok() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || return 1
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  [ "$major" -ge 18 ]
}

if ! node_ok; then
  if [ -f /etc/debian_version ] && [ "$(id -u)" = 0 ]; then
    echo "console: Node.js 18+ with npm not found; installing Debian's nodejs and npm"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y nodejs npm </dev/null || { apt-get update </dev/null && apt-get install -y nodejs npm </dev/null; }
  fi
  if ! node_ok; then
    echo "console: the web console needs Node.js 18 or newer and npm to build" \
      "(Debian: apt-get install nodejs npm); found: $(node --version 2>/dev/null || echo none)" >&2
    exit 1
  fi
fi

# Up to date: the built index.html is newer than every input.
if [ -f "$out/index.html" ] && [ -z "$(find src index.html package.json package-lock.json \
    vite.config.js build-frontend.sh -newer "$out/index.html" -print -quit)" ]; then
  echo "console: $out is up to date"
  exit 0
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm install` with the committed lock file, not `npm ci`: npm ci also checks the lock's optional
  # per-platform packages (rollup's native builds for other systems), which the npm registry this
  # builds from may not all serve; `npm install` installs this platform's from the lock and leaves
  # package-lock.json unchanged (checked on a fresh copy).
  npm install --no-audit --no-fund
fi
npx --no-install vite build --outDir "$out" --emptyOutDir
