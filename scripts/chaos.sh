#!/usr/bin/env bash
# Issue 5's chaos scenario at full length: redis-server and three silo processes on loopback, 48 real trainings,
# a random silo SIGKILLed (and restarted) every 20-40 s, Redis stopped and restarted once; then DuckDB checks that
# every run is Done, every (run_id, step) is present exactly once, and a sample equals uninterrupted trainings.
# It prints runs, kills, resumes, rows lost and rows duplicated. The default test run (scripts/test.sh) runs the
# short version of the same test (24 runs, a kill every 10-20 s).
#   GROKKING_CHAOS=short|full   (default here: full)
#   GROKKING_CHAOS_SEED=N       replays a kill schedule (the seed is printed on every run)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null 2>&1 || { echo "redis-server is missing: apt-get install redis-server" >&2; exit 1; }
export GROKKING_CHAOS="${GROKKING_CHAOS:-full}"
set +e
dotnet test tests/Integration.Tests -c Release --filter "Category=Chaos" --logger "console;verbosity=detailed" "$@" \
  | grep --line-buffered -v -E "^\s*$|^\[xUnit.net [0-9:.]+\]\s+(Discover|Start|Finish|Execut)"
exit "${PIPESTATUS[0]}"
