#!/usr/bin/env bash
# Installs the real services the integration tests start (each on a free port in a temporary folder):
# Mosquitto, InfluxDB 1.x (v1 HTTP API), PostgreSQL. Debian/Ubuntu; needs root (or sudo).
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends mosquitto influxdb postgresql
