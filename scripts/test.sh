#!/usr/bin/env bash
# Runs every test of WebKnock: installs what the tests need, builds, runs each test project, and ends
# with one line "tests: N passed, N failed, N skipped". Exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash scripts/install-deps.sh test || exit 1
if [ "$(id -u)" -eq 0 ]; then bash scripts/install-roundcube.sh || echo "test: Roundcube could not be installed (see above); its tests will skip"; fi
if [ "$(id -u)" -eq 0 ]; then bash scripts/install-geoip.sh || echo "test: the country data could not be installed; its test will skip"; fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

echo "== restore and build"
if ! dotnet build WebKnock.sln -c Release -nologo -v q; then
  echo "tests: 0 passed, 1 failed, 0 skipped (the build failed)"
  exit 1
fi

status=0
for project in tests/*/; do
  name=$(basename "$project")
  [ -f "$project/$name.csproj" ] || continue
  grep -q "<IsTestProject>true</IsTestProject>" "$project/$name.csproj" || continue
  echo "== $name"
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    -- RunConfiguration.TreatNoTestsAsError=false || status=1
done

passed=0; failed=0; skipped=0; seen=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  seen=$((seen + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$(get total); executed=$(get executed); p=$(get passed); f=$(get failed)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  skipped=$((skipped + ${total:-0} - ${executed:-0}))
done

if [ "$seen" -eq 0 ]; then
  echo "tests: 0 passed, 1 failed, 0 skipped (no test results were written)"
  exit 1
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # a test host crashed without recording a failure
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
