#!/usr/bin/env bash
# Builds the rdns in THIS checkout (the pull request's base, or main after review) so a
# job can run it on another checkout as data. Nothing of the pull request runs: the
# dependencies come from this checkout's lockfile with lifecycle scripts off
# (--ignore-scripts: no package's install script, and not our own `prepare`), and the
# TypeScript compiler is this checkout's.
#
# Usage: .rdns-tool/.github/scripts/build-trusted-tool.sh   → .rdns-tool/dist/cli/main.js
# RDNS_TOOL_NODE_MODULES: use this node_modules folder instead of `npm ci` (tests, caches).
set -euo pipefail
tool="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$tool"
if [ -n "${RDNS_TOOL_NODE_MODULES:-}" ]; then
  rm -rf node_modules
  ln -s "$RDNS_TOOL_NODE_MODULES" node_modules
else
  npm ci --ignore-scripts --no-audit --no-fund
fi
rm -rf dist
node node_modules/typescript/bin/tsc -p tsconfig.build.json
chmod +x dist/cli/main.js
echo "trusted rdns built from $(git -C "$tool" rev-parse HEAD 2>/dev/null || echo "$tool")"
