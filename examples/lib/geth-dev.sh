# shellcheck shell=bash
# Helpers for the example tests: a throwaway `geth --dev` node on 127.0.0.1.
# Source it, then: start_geth_dev GETH_BINARY  (sets RPC_URL). On exit, every process added to
# PIDS is stopped and the scratch directory WORK is removed.

START=$SECONDS
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ethnet-examples.XXXXXX")
PIDS=()

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() { echo "FAIL: $*" >&2; exit 1; }
log() { echo "--- $((SECONDS - START)) s: $*" >&2; }

free_port() { # a TCP port nothing listens on right now
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

rpc() { # <method> [params json]: prints the result (JSON, or the bare string)
  python3 - "$RPC_URL" "$1" "${2:-[]}" <<'EOF'
import json, sys, urllib.request
url, method, params = sys.argv[1:]
body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": json.loads(params)})
req = urllib.request.Request(url, body.encode(), {"Content-Type": "application/json"})
reply = json.load(urllib.request.urlopen(req, timeout=10))
if "error" in reply:
    sys.exit(f"{method}: {reply['error']}")
result = reply["result"]
print(result if isinstance(result, str) else json.dumps(result))
EOF
}

find_geth() { # [candidate]: prints a geth binary or dies
  local g
  for g in "${1:-}" "$(command -v geth || true)" "$HOME/.cache/ethnet/geth-v1.16.8/geth"; do
    [ -n "$g" ] && [ -x "$g" ] && { echo "$g"; return; }
  done
  die "no geth binary: pass its path, set GETH, or: GOBIN=/tmp/gethbin go install github.com/ethereum/go-ethereum/cmd/geth@v1.16.8"
}

start_geth_dev() { # <geth>: in-process chain (chain id 1337), one block per transaction
  local port
  port=$(free_port)
  # --dev turns P2P off; --nat none also stops the NAT port-mapping probes.
  "$1" --dev --datadir "$WORK/geth" --ipcdisable --nat none \
    --http --http.addr 127.0.0.1 --http.port "$port" --http.api eth,net,web3 \
    >"$WORK/geth.log" 2>&1 &
  GETH_PID=$!
  PIDS+=("$GETH_PID")
  RPC_URL=http://127.0.0.1:$port
  for _ in $(seq 150); do
    rpc eth_chainId >/dev/null 2>&1 && return
    kill -0 "$GETH_PID" 2>/dev/null || { tail -n 20 "$WORK/geth.log" >&2; die "geth exited"; }
    sleep 0.2
  done
  tail -n 20 "$WORK/geth.log" >&2
  die "geth --dev did not answer on $RPC_URL within 30 s"
}

wait_receipt() { # <tx hash>: waits for the receipt, dies unless status is 1
  local receipt
  for _ in $(seq 100); do
    receipt=$(rpc eth_getTransactionReceipt "[\"$1\"]")
    if [ "$receipt" != null ]; then
      python3 -c 'import json, sys; sys.exit(json.loads(sys.argv[1])["status"] != "0x1")' "$receipt" \
        || die "transaction $1 failed: $receipt"
      return
    fi
    sleep 0.2
  done
  die "no receipt for $1 within 20 s"
}

balance() { # <address>: balance in wei, decimal
  python3 -c 'import sys; print(int(sys.argv[1], 16))' "$(rpc eth_getBalance "[\"$1\", \"latest\"]")"
}
