#!/usr/bin/env bash
# Install Debian's chromium for the headless browser test of `backendkit report` (tests/test_report_browser.py).
#
#   bash scripts/chromium.sh     # no-op when /usr/bin/chromium exists; otherwise apt-get install (needs root)
#
# Non-interactive and idempotent; used by .ci/run. Prints the chromium path on stdout, progress on stderr.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
log() { echo "chromium.sh: $*" >&2; }

if [[ -x "$CHROMIUM" ]]; then
  echo "$CHROMIUM"
  exit 0
fi
if [[ "$(id -u)" != 0 ]]; then
  log "chromium is not installed and we are not root; install the Debian package 'chromium'"
  exit 1
fi
log "installing Debian packages chromium fonts-dejavu-core"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
if [[ ! -x "$CHROMIUM" ]]; then
  log "apt-get finished but $CHROMIUM is missing"
  exit 1
fi
echo "$CHROMIUM"
