#!/usr/bin/env bash
# Installs the helm plugin from a checkout with Helm 3.16, 3.18 and 4.1, the way users do, and
# drives it through helm: list, --version, --help, generate (bundled chart), inspect, uninstall.
#
# Usage: bash ci/plugin-install-test.sh [CHECKOUT]   (default: the repo this script is in)
#   CARGO_TARGET_DIR  shared by every install hook build
#                     (default: $ETHNET_CACHE/plugin-install-target; only the first one compiles)
#   ETHNET_PLUGIN_INSTALL_MODES  which ways to install (default: "dir tarball"; ci/test.sh runs
#                     "dir": tarball installs rebuild the crate each time, helm resets mtimes)
#   ETHNET_CARGO_PROFILE  cargo profile of the hook's build (default release; dev is faster)
#
# Each helm version installs the plugin twice, because helm places it two ways:
#   dir      `helm plugin install <dir>`: every version symlinks the plugin dir to <dir>
#   tarball  `helm plugin install http://…/ethnet-<version>.tar.gz`: helm extracts a real copy
# and the install hook (scripts/install.sh) must build bin/ethnet in both.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
checkout=$(cd "${1:-$repo}" && pwd -P)

source "$repo/ci/tools.sh" # HELM_3_16, HELM_3_18, HELM_4_1, ETHNET_CACHE
unset HELM_BIN             # tools.sh exports it; the plugin must get it from the helm running it
# Only the isolated homes below may be used, whatever the caller's environment points at.
unset HELM_PLUGINS HELM_REGISTRY_CONFIG HELM_REPOSITORY_CONFIG HELM_REPOSITORY_CACHE \
  HELM_CONTENT_CACHE HELM_DATA_HOME HELM_CONFIG_HOME HELM_CACHE_HOME
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ETHNET_CACHE/plugin-install-target}
command -v cargo >/dev/null || { echo "plugin-install: cargo is needed (the install hook builds from source)" >&2; exit 1; }
python3 -c 'import yaml' 2>/dev/null || { echo "plugin-install: python3 with PyYAML is needed" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ethnet-plugin-install.XXXXXX")
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=ci/checks.sh
source "$repo/ci/checks.sh"
log=$work/log
CHECK_LOG=$log
pyget() { # <json|yaml file> <python expression over d>
  python3 -c 'import json, sys, yaml
d = (json.load if sys.argv[1].endswith(".json") else yaml.safe_load)(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$1" "$2"
}

# --- the source the plugin installs from: tracked files only --------------------------------
# Copies, so the hook's build output (bin/, .crates*.json) never lands in the real checkout;
# each install gets its own copy so no install can reuse another's bin/ethnet.
src=$work/src/ethnet
mkdir -p "$src"
if [ "$(git -C "$checkout" rev-parse --show-toplevel 2>/dev/null)" = "$checkout" ]; then
  # Working-tree content of tracked files (what `helm plugin install .` sees, minus untracked).
  git -C "$checkout" ls-files -z | tar -C "$checkout" --null --ignore-failed-read -T - -cf - | tar -C "$src" -xf -
else
  tar -C "$checkout" --exclude-vcs --exclude=./target --exclude=./bin --exclude=./plugin/bin \
    --exclude=./.crates.toml --exclude=./.crates2.json -cf - . | tar -C "$src" -xf -
fi
# Cargo judges freshness by mtime: sources stamped now are newer than anything already in the
# shared target dir (which may come from other sources, e.g. a `git archive` with old mtimes),
# so the first install rebuilds the ethnet crate and later copies (cp -a keeps mtimes) reuse it.
find "$src" -exec touch {} +
# The workspace's version, which both crates take.
version=$(awk -F'"' '/^\[/{p = ($0 == "[workspace.package]")} p && /^version *=/{print $2; exit}' "$src/Cargo.toml")
chain_id=$(pyget "$src/chart/values.yaml" 'd["network"]["chainId"]')
echo "plugin-install: ethnet $version (chart chainId $chain_id) from $checkout"
echo "plugin-install: CARGO_TARGET_DIR=$CARGO_TARGET_DIR"

# Helm 3 installs from a tarball only by URL, and recognises one by its Content-Type; entries
# sit at the archive root (Helm 3 wants plugin.yaml there), the file name gives the plugin name.
mkdir -p "$work/www"
(cd "$src" && find . -mindepth 1 -maxdepth 1 -printf '%P\n' | tar -czf "$work/www/ethnet-$version.tar.gz" -T -)
python3 -c 'import functools, http.server, sys
class Handler(http.server.SimpleHTTPRequestHandler):
    def guess_type(self, path): return "application/gzip"
    def log_message(self, *args): pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=sys.argv[1]))
open(sys.argv[2] + ".tmp", "w").write(str(server.server_address[1]))
__import__("os").rename(sys.argv[2] + ".tmp", sys.argv[2])
server.serve_forever()' "$work/www" "$work/port" &
server_pid=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
tarball_url="http://127.0.0.1:$(cat "$work/port")/ethnet-$version.tar.gz"

# A `helm` on PATH that must never run: the plugin has to drive the helm that started it
# ($HELM_BIN, which helm sets for plugin commands), not whatever helm PATH finds.
mkdir -p "$work/decoy"
printf '#!/bin/sh\necho "decoy helm on PATH ran: the plugin ignored HELM_BIN" >&2\nexit 97\n' >"$work/decoy/helm"
chmod +x "$work/decoy/helm"
export PATH="$work/decoy:$PATH"

# --- one install: isolated helm homes, install, drive, uninstall ----------------------------
plugin_listed() { "$helm" plugin list | awk -v v="$version" '$1 == "ethnet" && $2 == v {f = 1} END {exit !f}'; }
plugin_gone() { ! "$helm" plugin list | awk '$1 == "ethnet" {f = 1} END {exit !f}' && [ ! -e "$plugin_dir" ]; }
plugin_dir_ok() { [ -f "$plugin_dir/chart/Chart.yaml" ] && [ -x "$plugin_dir/bin/ethnet" ]; }
version_is() { [ "$("$helm" ethnet --version)" = "ethnet $version" ]; }
help_works() { "$helm" ethnet --help | grep '^  generate ' >/dev/null; }
generate() { # from an empty directory, so only the plugin's bundled chart can be found
  (cd "$home/cwd" && "$helm" ethnet generate --out "$home/out" \
    --set accounts.keystoreKdf=light --set validators.keystoreKdf=fast) && [ -f "$home/out/manifest.json" ]
}
manifest_chain_id() {
  [ -f "$home/out/manifest.json" ] || { echo "no manifest.json"; return 1; }
  [ "$(pyget "$home/out/manifest.json" 'd["el"]["chainId"]')" = "$chain_id" ]
}
inspect_json() {
  (cd "$home/cwd" && "$helm" ethnet inspect "$home/out" --output json) >"$home/inspect.json" \
    && [ "$(pyget "$home/inspect.json" 'd["el"]["chainId"]')" = "$chain_id" ]
}

install_and_drive() { # <helm binary> <dir|tarball>; sets the globals the helpers above use
  helm=$1 mode=$2
  local hv; hv=$("$helm" version --short); hv=${hv%%+*}
  local what="helm $hv $mode"
  home=$work/homes/$hv-$mode
  mkdir -p "$home/cwd"
  export HELM_DATA_HOME=$home/data HELM_CONFIG_HOME=$home/config HELM_CACHE_HOME=$home/cache
  local plugins; plugins=$("$helm" env HELM_PLUGINS)
  case $plugins in "$home"/*) ;; *) fail "$what: HELM_PLUGINS=$plugins is outside the test home"; return ;; esac
  plugin_dir=$plugins/ethnet

  # Named ethnet: helm names a symlinked plugin after its source directory.
  local source=$home/src/ethnet flags=()
  mkdir -p "$home/src" && cp -a "$src" "$source"
  if [ "$mode" = tarball ]; then
    source=$tarball_url
    # Helm 4 verifies tarball signatures by default and we have no .prov; directories install
    # as unsigned "development mode" plugins with or without this flag. Helm 3 has no --verify.
    case $hv in v3.*) ;; *) flags=(--verify=false) ;; esac
  fi
  local start=$SECONDS
  # From an unrelated directory: Helm 4 runs hooks in the caller's cwd.
  if (cd "$home/cwd" && "$helm" plugin install "${flags[@]}" "$source") >"$log" 2>&1; then
    pass "$what: helm plugin install ${flags[*]:+${flags[*]} }<$mode> ($((SECONDS - start))s)"
  else
    fail "$what: helm plugin install ($((SECONDS - start))s)"; tail -n 30 "$log" | sed 's/^/     | /'
    return
  fi
  local how="copy"; [ -L "$plugin_dir" ] && how="symlink to the source"
  check "$what: plugin dir ($how) holds chart/ and the built bin/ethnet" plugin_dir_ok
  check "$what: helm plugin list shows ethnet $version" plugin_listed
  check "$what: helm ethnet --version prints 'ethnet $version'" version_is
  check "$what: helm ethnet --help" help_works
  check "$what: helm ethnet generate (bundled chart, light KDFs) writes manifest.json" generate
  check "$what: manifest.json chainId is the chart default $chain_id" manifest_chain_id
  check "$what: helm ethnet inspect --output json shows chainId $chain_id" inspect_json
  check "$what: helm plugin uninstall ethnet" "$helm" plugin uninstall ethnet
  check "$what: ethnet no longer listed or installed" plugin_gone
}

for helm_bin in "$HELM_3_16" "$HELM_3_18" "$HELM_4_1"; do
  for install_mode in ${ETHNET_PLUGIN_INSTALL_MODES:-dir tarball}; do
    install_and_drive "$helm_bin" "$install_mode"
  done
done
echo "plugin-install: total wall time ${SECONDS}s"
summary plugin-install
