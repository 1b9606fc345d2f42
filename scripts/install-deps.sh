#!/usr/bin/env bash
# Installs what trackerd needs beyond the Swift toolchain: libserialport (build), and for the
# interoperability tests gammu, python-gsmmodem-new, and msmtp with Debian's python3-aiosmtpd (the
# MTA and SMTP sink of the e-mail notice tests). As root it installs; otherwise it says what is
# missing and fails only when the build itself cannot proceed.
set -euo pipefail
want_interop=${1:-}

missing_apt=()
pkg-config --exists libserialport 2>/dev/null || missing_apt+=(libserialport-dev pkg-config)
if [ "$want_interop" = "--interop" ]; then
  command -v gammu >/dev/null 2>&1 || missing_apt+=(gammu)
  command -v python3 >/dev/null 2>&1 || missing_apt+=(python3)
  python3 -m pip --version >/dev/null 2>&1 || missing_apt+=(python3-pip)
  command -v msmtp >/dev/null 2>&1 || missing_apt+=(msmtp)
  # Debian's own interpreter, whatever python3 is first on PATH: the tests run /usr/bin/python3.
  /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || missing_apt+=(python3-aiosmtpd)
fi

if [ ${#missing_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing_apt[@]}" >/dev/null
  else
    echo "missing Debian packages: ${missing_apt[*]} (run as root, or: sudo apt-get install ${missing_apt[*]})" >&2
    pkg-config --exists libserialport 2>/dev/null || exit 1
  fi
fi

if [ "$want_interop" = "--interop" ]; then
  if ! python3 -c 'import gsmmodem' 2>/dev/null; then
    if [ "$(id -u)" = 0 ] || [ -n "${VIRTUAL_ENV:-}" ]; then
      python3 -m pip install -q python-gsmmodem-new pyserial >/dev/null 2>&1 || python3 -m pip install -q --break-system-packages python-gsmmodem-new pyserial >/dev/null
    else
      echo "missing PyPI package: python-gsmmodem-new (pip install python-gsmmodem-new)" >&2
    fi
  fi
fi
