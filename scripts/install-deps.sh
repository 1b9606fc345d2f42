#!/usr/bin/env bash
# Installs what trackerd needs beyond the Swift toolchain: libserialport (build), and for the
# interoperability tests gammu and python-gsmmodem-new, and msmtp with Debian's python3-aiosmtpd (the
# MTA and SMTP sink of the e-mail notice tests), systemd-analyze and Prometheus for the packaging
# checks; with --packaging, dpkg-dev and lintian for `make deb`. As root it installs Debian packages; otherwise it
# says what is missing and fails only when the build itself cannot proceed.
#
# python-gsmmodem-new goes into the project's own virtual environment, .build-venv/ (made with
# `python3 -m venv`), never into whatever Python is active: scripts/interop/run.sh uses
# .build-venv/bin/python3. Set TRACKERD_VENV to put it elsewhere.
set -euo pipefail
want_interop=${1:-}
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${TRACKERD_VENV:-$root/.build-venv}

missing_apt=()
pkg-config --exists libserialport 2>/dev/null || missing_apt+=(libserialport-dev pkg-config)
if [ "$want_interop" = "--interop" ]; then
  command -v gammu >/dev/null 2>&1 || missing_apt+=(gammu)
  command -v python3 >/dev/null 2>&1 || missing_apt+=(python3)
  # The CLI tests hand-edit rows with the sqlite3 shell, as an operator would.
  command -v sqlite3 >/dev/null 2>&1 || missing_apt+=(sqlite3)
  # Debian's python3 makes virtual environments only with python3-venv (ensurepip) installed.
  python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing_apt+=(python3-venv)
  command -v msmtp >/dev/null 2>&1 || missing_apt+=(msmtp)
  # Debian's own interpreter, whatever python3 is first on PATH: the tests run /usr/bin/python3.
  /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || missing_apt+=(python3-aiosmtpd)
  # The packaging checks: systemd-analyze for the unit, Prometheus (and its promtool) for the
  # alert rules and the end-to-end scrape.
  command -v systemd-analyze >/dev/null 2>&1 || missing_apt+=(systemd)
  command -v promtool >/dev/null 2>&1 || missing_apt+=(prometheus)
  command -v curl >/dev/null 2>&1 || missing_apt+=(curl)
fi
if [ "$want_interop" = "--packaging" ]; then
  # make deb: dpkg-shlibdeps and lintian.
  command -v dpkg-shlibdeps >/dev/null 2>&1 || missing_apt+=(dpkg-dev)
  command -v lintian >/dev/null 2>&1 || missing_apt+=(lintian)
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
  if ! "$venv/bin/python3" -c 'import gsmmodem, serial' 2>/dev/null; then
    echo "making $venv for python-gsmmodem-new" >&2
    python3 -m venv --clear "$venv"
    "$venv/bin/python3" -m pip install -q --disable-pip-version-check python-gsmmodem-new pyserial
  fi
fi
