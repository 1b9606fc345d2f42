#!/usr/bin/env bash
# Writes packaging/trackerd.order (make orderfile): the functions a running daemon executes —
# start-up, both receive modes, relays, the control socket, shutdown — for the release link
# (Package.swift) to lay out side by side at the start of .text.
#
# Why: the daemon's peak RSS is mostly its own text. The kernel maps up to 64 KiB around every
# page fault of a file mapping, and the ~1.5 MiB of code a daemon runs is spread over 27 MiB of
# .text (Swift runtime, Foundation, GRDB, SwiftNIO, BoringSSL …); ordered, 7 MiB of it is resident
# instead of 13.5 (bench/README.md, "Peak RSS").
#
# How: the release daemon runs under valgrind's callgrind through trackerd-bench's relay figures;
# every function callgrind saw that the binary defines is written out, in the order callgrind
# first names it. A stale list costs layout only: lld skips names it does not find. Run it after
# changing the hot path or a dependency, and commit the file. Needs valgrind (Debian's package).
set -euo pipefail
cd "$(dirname "$0")/../.."
SWIFT=${SWIFT:-swift}
command -v valgrind >/dev/null || { echo "orderfile: valgrind is needed (apt-get install valgrind)" >&2; exit 1; }
source scripts/packaging/release-flags.sh
touch packaging/trackerd.order  # the release link names it (Package.swift)
"$SWIFT" build "${release_flags[@]}" --product trackerd
"$SWIFT" build "${release_flags[@]}" --product trackerd-bench
bin=$("$SWIFT" build "${release_flags[@]}" --show-bin-path)

work=$(mktemp -d "${TMPDIR:-/tmp}/orderfile.XXXXXX")
trap 'rm -rf "$work"' EXIT
# valgrind 3.19 cannot read the toolchain's DWARF 5; a copy without debug sections keeps the symbols.
cp "$bin/trackerd" "$work/trackerd"
strip --strip-debug "$work/trackerd"
cat >"$work/wrapper" <<WRAPPER
#!/bin/sh
if [ "\$1" = run ]; then
  exec valgrind --tool=callgrind --demangle=no --dump-instr=no --collect-jumps=no \
    --callgrind-out-file="$work/callgrind.%p" "$work/trackerd" "\$@"
fi
exec "$work/trackerd" "\$@"
WRAPPER
chmod +x "$work/wrapper"
"$bin/trackerd-bench" --trackerd "$work/wrapper" --messages 400 --latency-messages 100 --idle-seconds 1 \
    --skip-pool --skip-big-registry --workdir "$work" >"$work/bench.log" 2>&1 \
    || { tail -20 "$work/bench.log" >&2; exit 1; }

python3 - "$work" "$work/trackerd" <<'PY'
import glob, re, subprocess, sys
work, binary = sys.argv[1], sys.argv[2]
executed, seen = [], set()
for path in sorted(glob.glob(f"{work}/callgrind.*")):
    names = {}  # callgrind names a function once in full, then by "(id)"
    for line in open(path, errors="replace"):
        if not line.startswith(("fn=", "cfn=")):
            continue
        value = line.split("=", 1)[1].strip()
        match = re.match(r"\((\d+)\)\s*(.*)", value)
        if match:
            if match.group(2):
                names[match.group(1)] = match.group(2)
            value = names.get(match.group(1))
        if value and value not in seen:
            seen.add(value)
            executed.append(value)
listing = subprocess.run(["nm", "--defined-only", binary], capture_output=True, text=True, check=True).stdout
defined = {fields[2] for fields in (line.split() for line in listing.splitlines()) if len(fields) == 3 and fields[1] in "tTwW"}
order = [name for name in executed if name in defined]
with open("packaging/trackerd.order", "w") as out:
    out.write("\n".join(order) + "\n")
print(f"packaging/trackerd.order: {len(order)} functions of the {len(executed)} callgrind saw")
PY
