#!/usr/bin/env bash
# Runs one of the benchmarks against target/hookrelay.jar and prints its figures.
#   bench/run-bench.sh publish [seconds] [clients]   POST /v1/events throughput and latency
#   bench/run-bench.sh publish-ingest [warmup_s=20] [measure_s=30] [connections=64] [batch=100]   publishing alone
#       (delivery off), the jar as a user starts it and the load generator as its own process: POST /v1/events and
#       POST /v1/events/batch, CPU per event, beside the same load against a trivial server
#   bench/run-bench.sh table-watch [rows] [rounds]   cost of a watched INSERT against an unwatched one
#   bench/run-bench.sh dashboard [events]            dashboard API timings over 2 deliveries and 3 attempts per event
#   bench/run-bench.sh sse [clients] [events/s] [seconds]   SSE clients of /v1/events/stream under a publish load
#   bench/run-bench.sh deliveries-throughput [events] [seconds]   deliveries/s to a keep-alive receiver, against plain Vert.x POSTs
#   bench/run-bench.sh deliveries-one-endpoint [events] [seconds]   one subscription at the default cap of 8, receiver answering at once
#   bench/run-bench.sh deliveries-latency [events/s] [seconds]   event-to-first-attempt latency (default 500 events/s)
#   bench/run-bench.sh deliveries-isolation [events/s] [seconds] [rounds]   healthy p99 with and without a hanging and a failing subscription
#   bench/run-bench.sh end-to-end [warmup_s=20] [measure_s=60] [connections=64]   the whole path, each part its own process:
#       load generator -> service jar (default settings) -> receiver, on the embedded database and on the local
#       server, to 1 and to 16 subscriptions, beside the same load against a trivial server. One or some scenarios:
#       E2E_SCENARIOS=embedded-1,embedded-16,local-1,local-16; E2E_DRAIN_MAX_SECONDS (default 300) bounds the wait
#       for the backlog after the load; E2E_TRY="HOOKRELAY_NAME=value ..." tries settings (the run then says it is
#       not of default settings).
# Uses the PostgreSQL at BENCH_DATABASE_URL (default: the local server on 127.0.0.1:5432 if it answers,
# else the service's embedded database), in a database created for the run and dropped after it.
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-publish}; shift || true

mvn -B -q -DskipTests package
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
CP="target/test-classes:target/classes:$(cat target/bench.classpath)"

server=${BENCH_DATABASE_URL:-}
if [ -z "$server" ] && pg_isready -q -h 127.0.0.1 -p 5432 -U postgres 2>/dev/null; then
  server="postgresql://postgres@127.0.0.1:5432/postgres"
fi
# What the end-to-end coordinator started, one "kind pid marker" (or "dir path") a line, as it started them. They
# are all stopped by the time it exits unless it was killed outright (SIGKILL); then the service and its embedded
# PostgreSQL, which runs detached from it, would outlive it. A pid is only signalled while its command line still
# holds the marker (a class name, the jar, the data directory), so a pid reused by someone else is left alone.
stop_e2e_leftovers() {
  local list=$1 kind pid marker command left=()
  [ -f "$list" ] || return 0
  while read -r kind pid marker; do
    [ "$kind" != dir ] || continue
    command=$(tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline") || continue
    if [[ "$command" == *"$marker"* ]]; then
      echo "stopping the $kind the end-to-end bench left running (pid $pid)" >&2
      if [ "$kind" = postgres ]; then kill -INT "$pid" 2>/dev/null || true; else kill -TERM "$pid" 2>/dev/null || true; fi
      left+=("$pid")
    fi
  done < "$list"
  for _ in $(seq 60); do
    local alive=0
    for pid in ${left[@]+"${left[@]}"}; do if kill -0 "$pid" 2>/dev/null; then alive=1; fi; done
    if [ "$alive" = 0 ]; then break; fi
    sleep 0.5
  done
  while read -r kind pid marker; do
    [ "$kind" != dir ] || continue
    command=$(tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline") || continue
    if [[ "$command" == *"$marker"* ]]; then kill -KILL "$pid" 2>/dev/null || true; fi
  done < "$list"
  while read -r kind pid marker; do
    if [ "$kind" = dir ] && [ -d "$pid" ]; then
      case "$pid" in */hookrelay-bench*) rm -rf -- "$pid" ;; esac
    fi
  done < "$list"
}

e2e_started=""
name=""
on_exit() {
  set +e
  if [ -n "$e2e_started" ]; then stop_e2e_leftovers "$e2e_started"; fi
  if [ -n "$name" ]; then
    # A bench's own databases beside this one (the end-to-end scenarios' ${name}_e2e_...) are dropped by the bench;
    # these are the ones a killed bench left.
    for extra in $(psql -Atq "${server}" -c "SELECT datname FROM pg_database WHERE left(datname, ${#name} + 1) = '${name}_'"); do
      psql -q "${server}" -c "DROP DATABASE IF EXISTS ${extra} WITH (FORCE)"
    done
    psql -q "${server}" -c "DROP DATABASE IF EXISTS ${name} WITH (FORCE)"
  fi
}
trap on_exit EXIT

db=""
if [ -n "$server" ]; then
  name="hookrelay_bench_$(date +%s)"
  psql -q "${server}" -c "CREATE DATABASE ${name}"
  db="${server%/*}/${name}"
fi

echo "== $(nproc) cores, $(java -version 2>&1 | head -1), database: ${db:-embedded}"
case "$which" in
  publish) java -Xmx512m -cp "$CP" io.hookrelay.bench.PublishBench "${db:-embedded}" "$@" ;;
  publish-ingest) java -Xmx512m -cp "$CP" io.hookrelay.bench.PublishIngestBench "${db:-none}" "$@" ;;
  # Creates and drops a database of its own on the server.
  table-watch) HOOKRELAY_TEST_DATABASE_URL="${server:?table-watch needs a PostgreSQL server}" \
      java -cp "$CP" io.hookrelay.source.TableWatchOverheadBench "$@" ;;
  deliveries-throughput) java -Xmx512m -cp "$CP" io.hookrelay.bench.DeliveryBench throughput "${db:-embedded}" "$@" ;;
  deliveries-one-endpoint) java -Xmx512m -cp "$CP" io.hookrelay.bench.DeliveryBench one-endpoint "${db:-embedded}" "$@" ;;
  deliveries-latency) java -Xmx512m -cp "$CP" io.hookrelay.bench.DeliveryBench latency "${db:-embedded}" "$@" ;;
  sse) java -Xmx768m -cp "$CP" io.hookrelay.bench.SseBench "${db:-embedded}" "$@" ;;
  deliveries-isolation) java -Xmx512m -cp "$CP" io.hookrelay.bench.DeliveryBench isolation "${db:-embedded}" "$@" ;;
  dashboard) java -Xmx512m -cp "$CP" io.hookrelay.dashboard.DashboardBench "${db:?dashboard needs a PostgreSQL server}" "$@" ;;
  end-to-end)
    # In the background so that a TERM or Ctrl-C to this script reaches the coordinator (a background job of a
    # script ignores SIGINT), which then stops the service, the database and the tools it started.
    e2e_started=target/bench-e2e/started
    java -Xmx512m -cp "$CP" io.hookrelay.bench.EndToEndBench "${db:-none}" "$@" &
    bench=$!
    trap 'kill -TERM $bench 2>/dev/null || true' INT TERM
    status=0
    wait "$bench" || status=$?
    while kill -0 "$bench" 2>/dev/null; do wait "$bench" || status=$?; done
    exit "$status" ;;
  *) echo "unknown benchmark: $which" >&2; exit 2 ;;
esac
