#!/usr/bin/env bash
# Reproduces a finding of the soak (bench/soak.sh --seed 1 --mode storage): a lone concatenated
# part left on the SIM is joined with the first part of a LATER message from the same tracker that
# reuses the 8-bit concatenation reference. The phone gets a text made of two reports, the later
# report's own second part is left alone on the SIM, and the later report is never relayed whole.
#
# A lone part is what a kill -9 between the deletes of a relayed message's parts leaves, or a
# delete of one part that the modem refused (+CMS ERROR); an 8-bit reference comes round after
# 256 messages from one tracker, and the reassembler keeps a lone part for 600 s.
#
# Fixed: parts whose service-centre time stamps lie more than a minute apart are never joined
# (Reassembler.maximumSpread), and a tracker needs far longer than that for 256 long messages. So B
# arrives here 65 s after A's lone part, and the phone gets B whole. SPREAD_WAIT=2 shows what a
# reference reused within the minute does (which no tracker can send).
# Needs the release build: swift build -c release --product trackerd --product trackersim.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN:-$(swift build -c release --show-bin-path)}
W=$(mktemp -d /tmp/orphan-XXXXXX)
SIM=; DAEMON=
trap '[ -n "$DAEMON" ] && kill $DAEMON 2>/dev/null; [ -n "$SIM" ] && kill $SIM 2>/dev/null; wait; rm -rf "$W"' EXIT
TRACKER=+15550200000 PHONE=+15550100000 GATEWAY=+15550001111
"$BIN/trackerd" init --data-dir "$W/d" --own-number $GATEWAY >/dev/null
CUSTOMER=$("$BIN/trackerd" customer add --data-dir "$W/d" --name Repro --address "1 Lane" --email r@example.org --adult --phone $PHONE)
"$BIN/trackerd" tracker add --data-dir "$W/d" --customer "$CUSTOMER" --number $TRACKER --model tk103 --password 123456 --label car >/dev/null
"$BIN/trackersim" serve --link "$W/m" --control "$W/c.sock" --radio-delay-ms 0 --phone $PHONE --log-level critical >"$W/sim.out" 2>&1 &
SIM=$!
until [ -S "$W/c.sock" ]; do sleep 0.1; done
"$BIN/trackerd" run --data-dir "$W/d" --device "$W/m" --own-number $GATEWAY --log-level warning >"$W/daemon.log" 2>&1 &
DAEMON=$!
until "$BIN/trackerd" status --data-dir "$W/d" 2>/dev/null | grep -q ready; do sleep 0.2; done
# Raw parts go through the control socket's JSON (trackersim send has no --parts).
control() {
    python3 - "$W/c.sock" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(sys.argv[2].encode() + b"\n")
reply = b""
while not reply.endswith(b"\n"): reply += s.recv(65536)
print(reply.decode().strip())
PY
}
echo "1. only part 2 of report A reaches the SIM (reference 77):"
control '{"op":"send","from":"'$TRACKER'","parts":["A1 first half of report A ","A2 second half of report A"],"ref":77,"order":[2]}'
sleep "${SPREAD_WAIT:-65}"
echo "2. ${SPREAD_WAIT:-65} s later, report B arrives whole, both parts, with the same reference 77:"
control '{"op":"send","from":"'$TRACKER'","parts":["B1 first half of report B ","B2 second half of report B"],"ref":77,"order":[1,2]}'
sleep 3
echo "phone inbox (expected: one message 'B1 first half of report B B2 second half of report B'):"
control '{"op":"inbox","number":"'$PHONE'"}'
echo "modem storage (expected: only A2, which the reassembler deletes after 600 s):"
control '{"op":"storage"}'
