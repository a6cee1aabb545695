#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the browser tests (test/browser/).
# Playwright's own browser download is not used; the distribution's package is.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $CHROMIUM is missing; installing Debian's chromium package for the browser tests."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  if [ -x "$CHROMIUM" ]; then
    exit 0
  fi
  echo "ensure-chromium: apt-get installed chromium but $CHROMIUM is still missing." >&2
  exit 1
fi

cat >&2 <<MESSAGE
ensure-chromium: the browser tests need Chromium at $CHROMIUM, and it is not there.
Install it as root, e.g. on Debian or Ubuntu:  sudo apt-get update && sudo apt-get install -y chromium
(This script installs it by itself only when run as root with apt-get available.)
MESSAGE
exit 1
