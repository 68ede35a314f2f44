#!/usr/bin/env bash
# Installs the real services the integration tests start (each on a free port in a temporary
# folder): Mosquitto, InfluxDB 1.x (v1 HTTP API), PostgreSQL, Chromium (+ a font: browser tests of
# the web app); and docker-compose, openssl, faketime (the second CI run, a year ahead).
# Debian/Ubuntu; needs root (or sudo).
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
# docker-compose validates docker-compose.yml (no engine needed); openssl makes
# the TLS test certificates.
$SUDO apt-get install -y --no-install-recommends mosquitto influxdb postgresql chromium fonts-dejavu-core docker-compose openssl faketime
