#!/usr/bin/env bash
# Starts the all-in-one from the repository root (relative paths in the
# configuration resolve here). `config/local.toml` is used when present.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${CARGO_TARGET_DIR:-target}/${PROFILE:-release}/videoassist"
args=()
if [ -z "${VC_CONFIG:-}" ] && [ -f config/local.toml ]; then
  args=(--config config/local.toml)
fi
exec "$bin" "${args[@]}"
