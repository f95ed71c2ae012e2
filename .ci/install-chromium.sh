#!/usr/bin/env bash
# Installs Debian's headless Chromium for the end-to-end test of the serving page
# (dev.siit.serve.ServingPageBrowserTest), unless it is already there. Called from .ci/run.
# Only Debian packages: no browser or driver is downloaded from anywhere else.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "chromium present: $(/usr/bin/chromium --version 2>/dev/null || echo unknown version)"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q chromium chromium-driver
/usr/bin/chromium --version
