#!/usr/bin/env bash
# Builds the SMS PDU codec standalone with libFuzzer and runs it over a seed corpus of
# valid PDUs. Usage: fuzz/pdu/run.sh [extra libFuzzer flags]; RUNS=n (default 1,000,000).
# Findings (crash-*, timeout-*) land in fuzz/out/pdu/.
set -euo pipefail
cd "$(dirname "$0")/../.."

mkdir -p .build-fuzz fuzz/out/pdu
swiftc -sanitize=fuzzer -parse-as-library -O \
    Sources/SMSCodec/*.swift fuzz/pdu/main.swift -o .build-fuzz/pdu-fuzz

corpus=$(mktemp -d "${TMPDIR:-/tmp}/pdu-corpus.XXXXXX")
trap 'rm -rf "$corpus"' EXIT

# Valid modem PDUs (SMSC first): published examples plus our own multipart, UCS-2, 8-bit,
# alphanumeric, validity and status-report shapes, then the shapes read leniently (#9.11):
# a trailing F counted in the address length, UDL beyond the data, 8-bit text.
seeds=(
    07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07
    07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37
    0011000B916407281553F80000AA0AE8329BFD4697D9EC37
    0006000B910221815716F2709021510121807090215101718000
    00440B911346610089F60000716050611200230A050003CC020290E910
    00440B911346610089F60000716050611200290A06080412340301CF25
    00040BD0C7F7FBCC2E030018716050611200230AD83DDE000041006C006C
    0044038121F30004716050611200230B0800030102017001AA01FF
    00040B911346610089F60000716050611200230B9BF28687DFF836A80D10
    0025070B911346610089F6001002C834
    0019000B911346610089F600087160506112002304D83DDE00
    0009000B911346610089F6000401020304050607020102
    0022090781214365F7425060708090004250607080910030FF00000100
    00040C910661345542F60000208062917314080CC8F71D14969741F977FD07
    00040B911346610089F600002080629173140830C8F71D14969741F977FD07
    00040B911346610089F60008208062917314080A0048006900D83D
    00040B911346610089F600042080629173140822
    00040B911346610089F60004208062917314080548656C6C6F
    00440B911346610089F60004208062917314080E050003AA020153747261C39F6521
)
i=0
for hex in "${seeds[@]}"; do
    printf '%s' "$hex" > "$corpus/hex-$i"                                     # hex text path
    printf "$(printf '%s' "${hex:2}" | sed 's/../\\x&/g')" > "$corpus/raw-$i"  # raw TPDU path (no SMSC "00")
    i=$((i + 1))
done
printf 'Pos 52.5200,13.4050 {spd:42} € [ok]' > "$corpus/text-0"
printf '\x01\x10\x01\x82\x05\x11\x01\xc2\x05\x0f\x00\x00\x00\x10\x01\x42\x05' > "$corpus/ops-0"

# Not `exec`: it would replace this shell, and the EXIT trap that removes the corpus would never run.
.build-fuzz/pdu-fuzz -runs="${RUNS:-1000000}" -max_len=1024 \
    -artifact_prefix=fuzz/out/pdu/ -print_final_stats=1 "$@" "$corpus"
