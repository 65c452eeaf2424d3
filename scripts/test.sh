#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine, as root: installs what it needs (apt and
# npm packages), builds, lints, typechecks and runs every test. Ends with one line
# "N passed, N failed, N skipped" counting the suite's real tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/install.sh
install_apt_packages
install_npm_packages

echo "==> build"
npm run --silent build
echo "==> lint"
npm run --silent lint
echo "==> typecheck"
npm run --silent typecheck

echo "==> tests"
results=.vitest-results.json
rm -f "$results"
set +e
npx vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@"
status=$?
set -e
node scripts/lib/summarize-vitest.mjs "$results" || status=1
exit "$status"
