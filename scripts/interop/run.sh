#!/usr/bin/env bash
# Interop check: third-party AT clients against trackersim.
#
#  1. Debian's gammu: identify; getallsms after an SMS is injected through the control socket;
#     sendsms, then the phone's inbox is read through the control socket.
#  2. PyPI's python-gsmmodem-new: connect, send an SMS, receive an injected one via its callback.
#  3. trackersim stops with status 0 on SIGTERM and removes its link and socket.
#
# Fails (non-zero) if any step fails. Installs gammu when run as root and it is missing, and
# python-gsmmodem-new into the project's .build-venv/. Set TRACKERSIM=/path/to/trackersim to
# skip the build.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/trackersim-interop.XXXXXX)
link=$work/modem
control=$work/control.sock
modem_number=+15550001111
phone=+15550002222
tracker=+639170000001
sim_pid=

fail() { echo "FAIL: $*" >&2; exit 1; }

cleanup() {
    if [ -n "$sim_pid" ] && kill -0 "$sim_pid" 2>/dev/null; then kill "$sim_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# --- tools -------------------------------------------------------------------------------
if ! command -v gammu >/dev/null; then
    [ "$(id -u)" = 0 ] || fail "gammu is missing (apt-get install gammu)"
    apt-get install -y gammu >/dev/null
fi
# python-gsmmodem-new lives in the project's own virtual environment (scripts/install-deps.sh
# makes it), never in whatever Python is active.
python=${TRACKERD_VENV:-$root/.build-venv}/bin/python3
if ! "$python" -c 'import gsmmodem' 2>/dev/null; then
    bash "$root/scripts/install-deps.sh" --interop
    "$python" -c 'import gsmmodem' 2>/dev/null || fail "python-gsmmodem-new is missing from ${python%/bin/python3}"
fi

if [ -z "${TRACKERSIM:-}" ]; then
    echo "building trackersim…"
    swift build --package-path "$root" --product trackersim >/dev/null
    TRACKERSIM=$(swift build --package-path "$root" --show-bin-path)/trackersim
fi
[ -x "$TRACKERSIM" ] || fail "no trackersim at $TRACKERSIM"

# The simulator's own client (control.py stays for gsmmodem_check.py, which talks to the socket itself).
ctl() { "$TRACKERSIM" "$@" --control "$control"; }

# --- start the simulator -----------------------------------------------------------------
"$TRACKERSIM" --link "$link" --control "$control" --number "$modem_number" --radio-delay-ms 20 \
    --phone "$phone" --tracker "$tracker:tk103" --log-level "${LOG_LEVEL:-info}" \
    >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 1 300); do
    grep -q '^control: ' "$work/sim.out" 2>/dev/null && break
    kill -0 "$sim_pid" 2>/dev/null || { cat "$work/sim.err" >&2; fail "trackersim exited at start"; }
    sleep 0.1
done
grep -q "^link: $link\$" "$work/sim.out" || fail "trackersim did not announce its link"
grep -q "^control: $control\$" "$work/sim.out" || fail "trackersim did not announce its control socket"
[ -L "$link" ] || fail "no symlink at $link"
[ "$(stat -c %a "$control")" = 600 ] || fail "control socket is not mode 0600"
echo "ok: trackersim up (link $link)"

# --- gammu -------------------------------------------------------------------------------
cat >"$work/gammurc" <<EOF
[gammu]
device = $link
connection = at115200
EOF
gammu_() { gammu -c "$work/gammurc" "$@"; }

gammu_ identify >"$work/identify.out" 2>&1 || { cat "$work/identify.out" >&2; fail "gammu identify"; }
grep -qi 'manufacturer' "$work/identify.out" || { cat "$work/identify.out" >&2; fail "gammu identify printed no manufacturer"; }
echo "ok: gammu identify"

incoming="Door alarm! lat:14.496282 long:120.993023 gammu-interop"
ctl send --from "$tracker" --text "$incoming" >/dev/null || fail "trackersim send"
found=
for _ in $(seq 1 50); do
    if gammu_ getallsms >"$work/getallsms.out" 2>&1 && grep -q 'gammu-interop' "$work/getallsms.out"; then
        found=1
        break
    fi
    sleep 0.2
done
[ -n "$found" ] || { cat "$work/getallsms.out" >&2; fail "gammu getallsms did not show the injected SMS"; }
grep -q "${tracker#+}" "$work/getallsms.out" || fail "gammu getallsms did not show the sender"
echo "ok: gammu getallsms shows the injected SMS"

outgoing="hello from gammu interop"
gammu_ sendsms TEXT "$phone" -text "$outgoing" >"$work/sendsms.out" 2>&1 || { cat "$work/sendsms.out" >&2; fail "gammu sendsms"; }
ctl inbox "$phone" >"$work/inbox.out" || fail "trackersim inbox"
grep -q "$outgoing" "$work/inbox.out" || { cat "$work/inbox.out" >&2; fail "phone inbox lacks gammu's SMS"; }
echo "ok: gammu sendsms reached the phone"

"$python" "$here/control.py" "$control" '{"op":"reset"}' >/dev/null || fail "control reset"

# --- python-gsmmodem-new -----------------------------------------------------------------
(cd "$here" && "$python" gsmmodem_check.py "$link" "$control" "$phone" "$tracker") || fail "python-gsmmodem-new"

# --- clean shutdown ----------------------------------------------------------------------
kill -TERM "$sim_pid"
status=0
wait "$sim_pid" || status=$?
sim_pid=
[ "$status" = 0 ] || fail "trackersim exited with $status on SIGTERM"
[ ! -e "$link" ] && [ ! -L "$link" ] || fail "trackersim left its link behind"
[ ! -e "$control" ] || fail "trackersim left its control socket behind"
if grep -q 'gammu-interop\|hello from' "$work/sim.err"; then fail "trackersim logged a message body"; fi
echo "ok: trackersim stopped cleanly"
echo "interop: all passed"
