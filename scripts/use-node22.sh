#!/usr/bin/env bash
# Source this file (`. scripts/use-node22.sh`) to run Charon on Node 22, the major inside the
# Electron we ship. Where the system Node is older, Node 22 comes from the npm registry (the
# `node` package ships the binaries and the headers), installed once into a cache folder; native
# modules (better-sqlite3) are then built against it.
charon_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(charon_node_major)" -lt 22 ]; then
  charon_node_home="${CHARON_NODE_HOME:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/charon/node22}"
  charon_node_pkg="$charon_node_home/node_modules/node"
  if [ ! -x "$charon_node_pkg/bin/node" ]; then
    echo "System Node is $(node --version 2>/dev/null || echo absent); installing Node 22 from the npm registry into $charon_node_home" >&2
    mkdir -p "$charon_node_home"
    npm install --prefix "$charon_node_home" --no-audit --no-fund --no-save --loglevel=error node@22 >&2 || return 1 2>/dev/null || exit 1
  fi
  export PATH="$charon_node_pkg/bin:$PATH"
  # The platform package beside the launcher carries include/node: node-gyp builds against it.
  for charon_node_dir in "$charon_node_pkg"/node_modules/node-*; do
    [ -d "$charon_node_dir/include/node" ] && export npm_config_nodedir="$charon_node_dir"
  done
  unset charon_node_dir
fi
unset -f charon_node_major
echo "Node $(node --version) at $(command -v node)" >&2
