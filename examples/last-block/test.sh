#!/usr/bin/env bash
# Tests server.py against a `geth --dev` node on 127.0.0.1 (200 with the head block; 502 when
# the node is down; 404 elsewhere) and that deployment.yaml carries the same script.
# Usage: examples/last-block/test.sh [GETH]   (or GETH=path; default: geth on PATH, then
#        ~/.cache/ethnet/geth-v1.16.8/geth). Needs python3 and curl.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/geth-dev.sh
source "$HERE/../lib/geth-dev.sh"
GETH=$(find_geth "${1:-${GETH:-}}")

log "deployment.yaml embeds server.py unchanged"
python3 - "$HERE/deployment.yaml" "$HERE/server.py" <<'EOF' || die "the ConfigMap in deployment.yaml differs from server.py"
import sys
manifest, script = (open(p).read() for p in sys.argv[1:])
block = manifest.split("\n  server.py: |\n", 1)[1].split("\n---\n", 1)[0] + "\n"
embedded = "".join(l[4:] if l.strip() else "\n" for l in block.splitlines(True))
sys.exit(embedded != script)
EOF

start_server() { # <rpc url>: starts server.py on a free port, sets SERVER
  local port
  port=$(free_port)
  RPC_URL=$1 PORT=$port python3 "$HERE/server.py" 2>>"$WORK/server.log" &
  PIDS+=($!)
  SERVER=http://127.0.0.1:$port
  for _ in $(seq 100); do
    curl -fs -o /dev/null "$SERVER/healthz" && return
    sleep 0.2
  done
  cat "$WORK/server.log" >&2
  die "server.py did not answer on $SERVER within 20 s"
}

get() { # <url>: prints "<status> <body>"
  curl -s -m 15 -o "$WORK/body" -w '%{http_code}' "$1" && echo " $(cat "$WORK/body")"
}

log "starting geth --dev ($GETH)"
start_geth_dev "$GETH"
start_server "$RPC_URL"
for path in / /last-block; do
  out=$(get "$SERVER$path")
  echo "GET $path -> $out"
  python3 - "$out" "$(rpc eth_blockNumber)" <<'EOF' || die "GET $path: want 200 and the head block"
import json, sys
status, body = sys.argv[1].split(" ", 1)
head = int(sys.argv[2], 16)
block = json.loads(body)
assert status == "200", status
assert isinstance(block["number"], int) and 0 <= block["number"] <= head, block
assert block["hash"].startswith("0x") and len(block["hash"]) == 66, block
assert isinstance(block["timestamp"], int) and block["timestamp"] >= 0, block
EOF
done
out=$(get "$SERVER/nope")
[[ $out == "404 "* ]] || die "GET /nope: want 404, got $out"

log "a node that is down gives 502"
start_server "http://127.0.0.1:$(free_port)"
out=$(get "$SERVER/last-block")
echo "GET /last-block (dead node) -> $out"
python3 - "$out" <<'EOF' || die "dead node: want 502 with a JSON error"
import json, sys
status, body = sys.argv[1].split(" ", 1)
assert status == "502", status
assert "unreachable" in json.loads(body)["error"], body
EOF

echo "last-block: ok"
