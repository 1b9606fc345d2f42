#!/usr/bin/env bash
# Debian's Prometheus scrapes a real trackerd (issue 12): the registry made by the CLI, trackersim
# as the modem, the daemon configured by a config file alone, two tracker reports relayed; then
# Prometheus' HTTP API must answer trackerd_relays_total{outcome="relayed"} with 2, the target must
# be up, and the shipped alert rules must be loaded. Everything listens on 127.0.0.1 only, every
# wait is bounded, and every process started here is stopped by its PID.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
command -v prometheus >/dev/null || { echo "prometheus-e2e: Debian's prometheus is missing (apt-get install prometheus)" >&2; exit 69; }
bin=$(swift build --show-bin-path)
tmp=$(mktemp -d /tmp/tdprom-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "prometheus-e2e: FAILED: $*" >&2; for log in "$tmp"/*.log; do echo "--- $log" >&2; tail -20 "$log" >&2; done; exit 1; }
# Waits up to $1 seconds for the command after it to succeed.
wait_for() { local limit=$1; shift; for _ in $(seq 1 $((limit * 10))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

gateway=+15550001111 phone=+15550002101 tracker=+15550003101
"$bin/trackerd" init --data-dir "$tmp/d" --own-number "$gateway" >/dev/null
customer=$("$bin/trackerd" customer add --data-dir "$tmp/d" --name "Prometheus Test" --address "1 Loopback Road" \
  --email test@example.org --adult --phone "$phone")
"$bin/trackerd" tracker add --data-dir "$tmp/d" --customer "$customer" --number "$tracker" --model tk103 \
  --password 123456 --label car >/dev/null

"$bin/trackersim" serve --link "$tmp/m" --control "$tmp/sim.sock" --number "$gateway" --radio-delay-ms 0 \
  --phone "$phone" --tracker "$tracker:tk103:123456" --log-level error > "$tmp/sim.log" 2>&1 &
pids+=($!)
wait_for 20 test -S "$tmp/sim.sock" || fail "trackersim did not start"

cat > "$tmp/trackerd.yaml" <<YAML
data-dir: $tmp/d
modems:
  - {device: $tmp/m, number: "$gateway"}
metrics: {listen: "127.0.0.1:0"}
log: {level: info}
YAML
chmod 600 "$tmp/trackerd.yaml"
TRACKERD_CONFIG="$tmp/trackerd.yaml" "$bin/trackerd" run > "$tmp/daemon.log" 2>&1 &
pids+=($!)
wait_for 30 grep -q "metrics endpoint listening" "$tmp/daemon.log" || fail "trackerd did not open its metrics endpoint"
port=$(grep -o 'address=127\.0\.0\.1:[0-9]*' "$tmp/daemon.log" | head -1 | cut -d: -f2)
modem_ready() { "$bin/trackerd" status --data-dir "$tmp/d" | grep -q 'modem 1: *ready'; }
wait_for 30 modem_ready || fail "the modem never became ready"

for n in 1 2; do
  "$bin/trackersim" send --control "$tmp/sim.sock" --from "$tracker" --text "lat:52.52000$n long:13.40495$n prometheus $n" >/dev/null
done
two_relayed() { "$bin/trackerd" status --data-dir "$tmp/d" --json | python3 -c 'import json,sys; sys.exit(json.load(sys.stdin)["relay"]["relayed"] < 2)'; }
wait_for 30 two_relayed || fail "the two reports were not relayed"

prom_port=$(free_port)
cat > "$tmp/prometheus.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: ["$root/packaging/prometheus/trackerd-alerts.yml"]
scrape_configs:
  - job_name: trackerd
    static_configs: [{targets: ["127.0.0.1:$port"]}]
YAML
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" --log.level=warn > "$tmp/prometheus.log" 2>&1 &
pids+=($!)

api="http://127.0.0.1:$prom_port/api/v1"
# Prints the value of the first series that $1 returns, or nothing.
query() { curl -sf --max-time 5 --get --data-urlencode "query=$1" "$api/query" \
  | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")'; }
prometheus_sees_two() { [ "$(query 'trackerd_relays_total{outcome="relayed"}')" = 2 ]; }
wait_for 60 prometheus_sees_two || fail "Prometheus never saw trackerd_relays_total{outcome=\"relayed\"} = 2 (last: '$(query 'trackerd_relays_total{outcome="relayed"}' || true)')"
[ "$(query 'up{job="trackerd"}')" = 1 ] || fail "the trackerd target is not up"
[ "$(query 'trackerd_modem_up{modem="1"}')" = 1 ] || fail "trackerd_modem_up{modem=\"1\"} is not 1"
rules=$(curl -sf --max-time 5 "$api/rules" | python3 -c 'import json,sys; print(sum(len(g["rules"]) for g in json.load(sys.stdin)["data"]["groups"]))')
[ "$rules" = 8 ] || fail "Prometheus loaded $rules alert rules, not 8"
echo "prometheus-e2e: Prometheus scraped trackerd_relays_total{outcome=\"relayed\"} = 2 from 127.0.0.1:$port; 8 alert rules loaded"
