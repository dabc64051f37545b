#!/usr/bin/env bash
# Makes a `prometheus` binary available for ObservabilityStackIT (Debian package `prometheus`).
# Installs only; never starts the Debian service: the test runs its own Prometheus on a free port
# with a temporary config and storage directory.
set -euo pipefail
if command -v prometheus >/dev/null; then
  echo "prometheus: $(prometheus --version 2>&1 | head -1)"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# policy-rc.d 101 stops the package's maintainer scripts from starting the service, where an init
# system would; removed again only if this script created it.
created_policy=
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  created_policy=1
fi
trap '[ -n "$created_policy" ] && rm -f /usr/sbin/policy-rc.d' EXIT
apt-get update -q
apt-get install -y -q --no-install-recommends prometheus
echo "prometheus: $(prometheus --version 2>&1 | head -1)"
