#!/usr/bin/env bash
# Installs what `make run` (setup.sh run), `make test` (setup.sh test) or
# `make bench-sfu` (setup.sh bench) needs on a Debian machine. Idempotent:
# does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-run}"

apt_packages=()
case "$mode" in
  # ffmpeg merges call recordings (vc-records).
  run)  apt_packages=(ffmpeg) ;;
  # Chromium for the browser tests (driven by playwright-core, never by a
  # downloaded browser), Mosquitto for the bus tests against a real broker,
  # Janus for the load tool's test against it (tests/system/load.rs).
  # LibreOffice (Calc, headless) opens the Excel export in tests/system/reports.rs.
  test) apt_packages=(ffmpeg mosquitto chromium coturn janus libreoffice-calc-nogui) ;;
  # What `run` needs, plus Janus for the side-by-side media gateway
  # benchmark and Mosquitto as the platform's broker there (vc-sfu-bench
  # starts both itself with generated configs).
  bench) apt_packages=(ffmpeg janus mosquitto) ;;
  *) echo "usage: $0 run|test|bench" >&2; exit 2 ;;
esac

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Packaged brokers must not hold the default ports on a machine others share.
  if command -v systemctl >/dev/null; then
    for service in mosquitto coturn janus; do
      [[ " ${missing[*]} " == *" $service "* ]] && $sudo_cmd systemctl disable --now "$service" >/dev/null 2>&1 || true
    done
  fi
fi

# The local MongoDB-compatible server (SecantusDB), in a project virtualenv.
stamp=.venv/.requirements.sha256
want=$(sha256sum scripts/requirements.txt | cut -d' ' -f1)
if [ ! -x .venv/bin/secantusd-py ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "Installing SecantusDB into .venv"
  python3 -m venv .venv 2>/dev/null || {
    sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv .venv
  }
  .venv/bin/pip install -q --disable-pip-version-check -r scripts/requirements.txt
  echo "$want" > "$stamp"
fi

# The tests' own Python packages (the SMTP sink), into the same .venv.
if [ "$mode" = test ]; then
  stamp=.venv/.requirements-test.sha256
  want=$(sha256sum scripts/requirements-test.txt | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || ! .venv/bin/python -c 'import aiosmtpd' 2>/dev/null; then
    echo "Installing the tests' Python packages into .venv"
    .venv/bin/pip install -q --disable-pip-version-check -r scripts/requirements-test.txt
    echo "$want" > "$stamp"
  fi
fi

# The frontends (and the browser tests' playwright-core): one npm workspace.
stamp=node_modules/.package-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "Installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
npm run --silent build >/dev/null
