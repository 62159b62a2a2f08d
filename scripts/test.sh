#!/usr/bin/env bash
# Runs every test of WebKnock: installs what the tests need, builds, runs each test project, lists every skipped
# test with its reason, and ends with one line "tests: N passed, N failed, N skipped". Exits non-zero when anything
# failed.
#
# Usage: scripts/test.sh [--strict] [--filter EXPR]
#   --strict (also when CI=true, as in .ci/run): a skipped test is a failure. As root on Debian 12 every test, the
#            real-part ones included (kernel, namespaces, nmap, Chromium, Roundcube, country data), must run.
#   --filter EXPR: only the tests dotnet test's --filter selects (e.g. FullyQualifiedName~Roundcube); the per-project
#            minimum counts are then not checked, and a project with no matching test is not an error.
# Environment:
#   WEBKNOCK_TEST_FAIL_ROUNDCUBE=1  make the Roundcube installation fail, to see that the run then fails
#                                   (strict) and names the tests that skipped for it.
#   WEBKNOCK_TEST_HANG_TIMEOUT      how long one test may run before it is dumped and its run ends (default 10m).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

strict=0
filter=""
[ "${CI:-}" = "true" ] && strict=1
while [ $# -gt 0 ]; do
  case "$1" in
    --strict) strict=1 ;;
    --filter)
      [ $# -ge 2 ] && [ -n "$2" ] || { echo "test: --filter needs an expression (e.g. --filter FullyQualifiedName~Roundcube)" >&2; exit 2; }
      filter=$2; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "test: unknown argument '$1' (usage: scripts/test.sh [--strict] [--filter EXPR])" >&2; exit 2 ;;
  esac
  shift
done
select=()
no_tests_error=true
if [ -n "$filter" ]; then
  select=(--filter "$filter")
  no_tests_error=false
fi

# The least number of tests each project must run (a project that finds fewer lost its tests somewhere: a broken
# discovery, a filter, a missing build output). Raise these when tests are added.
declare -A minimum=([WebKnock.Tests]=1400 [WebKnock.NetworkTests]=60)

bash scripts/install-deps.sh test || exit 1
if [ "$(id -u)" -eq 0 ]; then
  if [ "${WEBKNOCK_TEST_FAIL_ROUNDCUBE:-}" = "1" ]; then
    echo "test: WEBKNOCK_TEST_FAIL_ROUNDCUBE=1: the Roundcube installation is made to fail"
    export WEBKNOCK_ROUNDCUBE_UNAVAILABLE="scripts/install-roundcube.sh failed (made to fail by WEBKNOCK_TEST_FAIL_ROUNDCUBE=1)"
  elif ! bash scripts/install-roundcube.sh; then
    echo "test: Roundcube could not be installed (see above); its tests will skip"
    export WEBKNOCK_ROUNDCUBE_UNAVAILABLE="scripts/install-roundcube.sh failed (see the start of the test output)"
  fi
  bash scripts/install-geoip.sh || echo "test: the country data could not be installed; its test will skip"
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

echo "== restore and build"
if ! dotnet build WebKnock.sln -c Release -nologo -v q; then
  echo "tests: 0 passed, 1 failed, 0 skipped (the build failed)"
  exit 1
fi

# What the tests must not leave behind: their namespaces (wk-*), WebKnock tables in the root namespace, and the
# programs they start (the gateway, the SquirrelMail fixture, the namespace agent). Only what is new after the run counts.
leftovers() {
  { ip netns list 2>/dev/null | awk '{print "namespace " $1}' | grep -E '^namespace (wk|wkdemo)' || true
    nft list tables 2>/dev/null | grep -i webknock | sed 's/^/nft /' || true
    pgrep -af 'webknock\.dll|SquirrelMailFixture\.dll|WebKnock\.NetworkTests(\.dll)? agent|/usr/bin/chromium.*wk-browser' 2>/dev/null | grep -v pgrep | sed -E 's/^([0-9]+) (.{0,100}).*/process \1 \2/' || true
  } | sort
}
before=$(leftovers)

status=0
problems=()
for project in tests/*/; do
  name=$(basename "$project")
  [ -f "$project/$name.csproj" ] || continue
  grep -q "<IsTestProject>true</IsTestProject>" "$project/$name.csproj" || continue
  echo "== $name"
  if ! dotnet test "$project" -c Release --no-build --nologo "${select[@]}" \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    --blame-hang --blame-hang-timeout "${WEBKNOCK_TEST_HANG_TIMEOUT:-10m}" --blame-hang-dump-type mini \
    -- RunConfiguration.TreatNoTestsAsError=$no_tests_error; then
    status=1
    [ -f "$results/$name.trx" ] || problems+=("$name: the test run ended without results (a crash or a hang: see the blame files in $results)")
  fi
done

passed=0; failed=0; skipped=0; seen=0
skips=()
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  seen=$((seen + 1))
  name=$(basename "$trx" .trx)
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$(get total); executed=$(get executed); p=$(get passed); f=$(get failed)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  skipped=$((skipped + ${total:-0} - ${executed:-0}))
  need=${minimum[$name]:-1}
  if [ -z "$filter" ] && [ "${total:-0}" -lt "$need" ]; then
    problems+=("$name: found ${total:-0} tests, fewer than the $need this script expects")
  fi
  # Each skipped test with its reason (xunit writes the reason as the result's message).
  while IFS= read -r line; do skips+=("$line"); done < <(awk '
    /<UnitTestResult / && /outcome="NotExecuted"/ { match($0, /testName="[^"]*"/); test = substr($0, RSTART + 10, RLENGTH - 11); want = 1; next }
    want && /<Message>/ { sub(/.*<Message>/, ""); sub(/<\/Message>.*/, ""); print test " -- " $0; want = 0; next }
    want && /<\/UnitTestResult>/ { print test " -- (no reason given)"; want = 0 }
  ' "$trx" | sed -e 's/&quot;/"/g' -e "s/&apos;/'/g" -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g')
done

if [ "$seen" -eq 0 ]; then
  echo "tests: 0 passed, 1 failed, 0 skipped (no test results were written)"
  exit 1
fi

left=$(comm -13 <(echo "$before") <(leftovers) | sed '/^$/d')
if [ -n "$left" ]; then
  echo "== left behind by the tests"
  echo "$left" | sed 's/^/  /'
  problems+=("the tests left namespaces, tables or processes behind (listed above)")
fi

if [ ${#skips[@]} -gt 0 ]; then
  echo "== skipped tests (${#skips[@]})"
  printf '  %s\n' "${skips[@]}"
  if [ "$strict" -eq 1 ]; then
    problems+=("${#skips[@]} tests skipped in a strict run (CI=true or --strict): every test must run here")
  fi
fi

if [ ${#problems[@]} -gt 0 ]; then
  echo "== problems"
  printf '  %s\n' "${problems[@]}"
fi
if [ "$strict" -eq 1 ]; then
  failed=$((failed + skipped))
fi
if [ "$failed" -eq 0 ] && { [ "$status" -ne 0 ] || [ ${#problems[@]} -gt 0 ]; }; then
  failed=1 # a test host crashed or hung without recording a failure, or a project ran too few tests
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
