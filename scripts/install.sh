#!/usr/bin/env sh
# Helm plugin install/update hook: builds bin/ethnet from source when this is a source checkout
# with cargo available, or keeps the prebuilt bin/ethnet of a release tarball.
# Helm runs hooks in the caller's directory, so everything is relative to this script.
# ETHNET_CARGO_PROFILE=dev builds an unoptimised binary much faster (the CI install test uses it).
set -eu
plugin_dir=$(cd "$(dirname "$0")/.." && pwd)
cd "$plugin_dir"
if [ -f Cargo.toml ] && command -v cargo >/dev/null 2>&1; then
  echo "ethnet: building from source (cargo install --locked; a few minutes the first time)" >&2
  cargo install --locked --quiet --force --path plugin --root "$plugin_dir" \
    --profile "${ETHNET_CARGO_PROFILE:-release}"
elif [ -x bin/ethnet ] || [ -x bin/ethnet.exe ]; then
  echo "ethnet: using the prebuilt bin/ethnet" >&2
else
  echo "ethnet: no prebuilt bin/ethnet and no cargo to build one; install Rust (https://rustup.rs) and run 'helm plugin update ethnet'" >&2
  exit 1
fi
"$plugin_dir/bin/ethnet" --version >&2
