{{/*
ethereumjs: execution client. 0.10 takes bootnodes as IPs (resolved by init.sh), read at start.
It has no option for a node key (it keeps a random one in its database), so its enode is not the
pre-generated one: _preflight.tpl keeps it off the bootnodes. The chain id comes from the
genesis file.
*/}}
{{- define "ethnet.client.ethereumjs.profile" -}}
roles: [execution]
{{- end -}}

{{- define "ethnet.client.ethereumjs.execution" -}}
{{- $ctx := .context -}}
{{- $v := $ctx.Values -}}
{{- $p := include "ethnet.ports" $ctx | fromYaml -}}
command: ["/bin/sh", "-c"]
args:
  - >-
    bootnodes="$(cat /run/ethnet/node/el-bootnodes-ip)";
    exec {{ $v.clients.ethereumjs.entrypoint }} "$@"
    ${bootnodes:+"--bootnodes=$bootnodes"}
  - ethereumjs
  - --dataDir=/data/ethereumjs
  - --gethGenesis=/data/testnet/genesis.json
  - --sync=full
  - --rpc
  - --rpcAddr=0.0.0.0
  - --rpcPort={{ $p.elHttp }}
  - --rpcCors={{ $v.rpcService.corsDomain }}
  - --ws
  - --wsAddr=0.0.0.0
  - --wsPort={{ $p.elWs }}
  - --rpcEngine
  - --rpcEngineAddr=127.0.0.1
  - --rpcEnginePort={{ $p.elEngine }}
  - --jwtSecret=/ethnet/jwt/jwt.hex
  - --port={{ $p.elP2p }}
  - --extIP=$(POD_IP)
  - --maxPeers={{ $v.peering.maxPeers }}
  - --prometheus
  - --prometheusPort={{ $p.elMetrics }}
{{- end -}}
