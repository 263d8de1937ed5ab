#!/usr/bin/env bash
# Runs every test project against real services (the tests start their own InfluxDB on free loopback ports) and
# ends with one line: "tests: N passed, N failed, N skipped". Exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")"
source scripts/lib.sh

ensure_dotnet
# smtp4dev (the real SMTP server of the e-mail tests) is a local dotnet tool of the repository (dotnet-tools.json).
dotnet tool restore >/dev/null || { echo "could not restore the dotnet tools: the e-mail tests will fail" >&2; }
# chromium drives the browser tests (Playwright with ExecutablePath); a CJK font makes their screenshots legible.
ensure_packages influxdb curl chromium fonts-wqy-zenhei
# PostgreSQL 15 for the storage and end-to-end tests (they initdb private clusters under /tmp).
[ -x /usr/lib/postgresql/15/bin/initdb ] || ensure_packages postgresql
# Cluster tests run a private Mosquitto (external broker) and Redis (SignalR backplane); the chart test needs helm.
ensure_packages mosquitto redis-server
# The circular PDF embeds Droid Sans Fallback (Chinese) and DejaVu Sans (Latin); pdftoppm renders it to PNG for a reader.
ensure_packages fonts-droid-fallback fonts-dejavu-core poppler-utils
scripts/ensure-helm.sh || { echo "could not install helm: the chart tests will fail" >&2; }

results=${RM_TEST_RESULTS:-$PWD/TestResults}
rm -rf "$results"
mkdir -p "$results"
export RM_TEST_RESULTS="$results" # the browser tests save their screenshots under it

say "checking formatting (dotnet format --verify-no-changes)"
format_failed=0
dotnet format RiskMonitor.sln --verify-no-changes -v quiet || { format_failed=1; echo "formatting differs: run 'dotnet format RiskMonitor.sln'" >&2; }

say "building (Release)"
if ! dotnet build RiskMonitor.sln -c Release -nologo -v quiet -clp:ErrorsOnly; then
  echo "tests: 0 passed, 1 failed, 0 skipped"
  exit 1
fi

passed=0 failed=0 skipped=0 crashed=0
for project in $(find tests -name '*.Tests.csproj' | sort); do
  name=$(basename "$project" .csproj)
  say "testing $name"
  if ! dotnet test --project "$project" -c Release --no-build --report-xunit-trx --results-directory "$results/$name"; then
    exit_failed=1
  else
    exit_failed=0
  fi
  trx=$(find "$results/$name" -name '*.trx' 2>/dev/null | head -1)
  if [ -z "$trx" ]; then
    crashed=$((crashed + 1))
    echo "$name produced no results (crashed before reporting)" >&2
    continue
  fi
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  p=$(get passed) f=$(( $(get failed) + $(get error) + $(get timeout) + $(get aborted) )) s=$(get notExecuted)
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  # A runner that failed without a failed test (a crash in a fixture, say) still counts as a failure.
  if [ "$exit_failed" -eq 1 ] && [ "$f" -eq 0 ]; then crashed=$((crashed + 1)); fi
done

failed=$((failed + crashed + format_failed))
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
