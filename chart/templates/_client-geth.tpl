{{/*
geth (go-ethereum): execution client. Its image's entrypoint is geth.
*/}}
{{- define "ethnet.client.geth.profile" -}}
roles: [execution]
initContainers: true
{{- end -}}

{{- define "ethnet.client.geth.execution" -}}
{{- $ctx := .context -}}
{{- $v := $ctx.Values -}}
{{- $p := include "ethnet.ports" $ctx | fromYaml -}}
args:
  - --datadir=/data/geth
  - --networkid={{ int64 $v.network.chainId }}
  - --syncmode=full
  - --gcmode={{ $v.clients.geth.gcmode }}
  - --http
  - --http.addr=0.0.0.0
  - --http.port={{ $p.elHttp }}
  - --http.api=eth,net,web3,txpool
  - --http.vhosts=*
  - --http.corsdomain={{ $v.rpcService.corsDomain }}
  - --ws
  - --ws.addr=0.0.0.0
  - --ws.port={{ $p.elWs }}
  - --ws.api=eth,net,web3,txpool
  - --ws.origins={{ $v.rpcService.corsDomain }}
  - --authrpc.addr=127.0.0.1
  - --authrpc.port={{ $p.elEngine }}
  - --authrpc.vhosts=localhost
  - --authrpc.jwtsecret=/ethnet/jwt/jwt.hex
  - --metrics
  - --metrics.addr=0.0.0.0
  - --metrics.port={{ $p.elMetrics }}
  - --port={{ $p.elP2p }}
  - --discovery.port={{ $p.elP2p }}
  - --nat=extip:$(POD_IP)
  - --nodekey=/run/ethnet/node/el-nodekey
  - --maxpeers={{ $v.peering.maxPeers }}
  {{- /* Static nodes (bootnodes by DNS name) and discovery bootnodes (resolved), written by init.sh. */}}
  - --config=/run/ethnet/node/geth.toml
  {{- if eq $v.peering.mode "sidecar" }}
  - --ipcpath=/run/ethnet/ipc/geth.ipc
  {{- else }}
  - --ipcdisable
  {{- end }}
  {{- if $v.ethstats.enabled }}
  - --ethstats=$(POD_NAME):$(ETHSTATS_SECRET)@{{ include "ethnet.names.component" (dict "suffix" "ethstats" "context" $ctx) }}:3000
  {{- end }}
{{- end -}}

{{- /* geth init writes the genesis block into the data dir; on a restart it checks it is the same. */ -}}
{{- define "ethnet.client.geth.initContainers" -}}
{{- $ctx := .context -}}
- name: init-geth
  {{- include "ethnet.image" (dict "client" "geth" "context" $ctx) | nindent 2 }}
  args: ["init", "--datadir=/data/geth", "/data/testnet/genesis.json"]
  env:
    - {name: HOME, value: /data}
  {{- include "ethnet.containerSecurityContext" $ctx | nindent 2 }}
  volumeMounts:
    - {name: data, mountPath: /data}
    - {name: tmp, mountPath: /tmp}
{{- end -}}
