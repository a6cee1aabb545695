#!/usr/bin/env bash
# Makes sure Debian's hledger is on PATH for the ledger export test (test/browser/ledger-export-hledger.test.ts),
# which checks Disburse's journal export with an independent accounting tool.
set -euo pipefail

if command -v hledger >/dev/null 2>&1; then
  exit 0
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-hledger: hledger is missing; installing Debian's hledger package for the ledger export test."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hledger
  if command -v hledger >/dev/null 2>&1; then
    exit 0
  fi
  echo "ensure-hledger: apt-get installed hledger but it is still not on PATH." >&2
  exit 1
fi

cat >&2 <<MESSAGE
ensure-hledger: the ledger export test needs hledger on PATH, and it is not there.
Install it as root, e.g. on Debian or Ubuntu:  sudo apt-get update && sudo apt-get install -y hledger
(This script installs it by itself only when run as root with apt-get available.)
MESSAGE
exit 1
