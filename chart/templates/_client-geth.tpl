{{/*
geth (go-ethereum): execution client. Its image's entrypoint is geth.
*/}}
{{- define "ethnet.client.geth.profile" -}}
roles: [execution]
dataDir: geth
setup: true
initContainers: true
{{- end -}}

{{- /*
Peering (docs/chart.md): geth 1.16.8 re-resolves DNS names of static nodes but needs IPs for
discovery, so the bootnode enodes go into geth.toml (--config) by DNS name as static nodes and,
resolved now, as bootstrap nodes.
The discovery database is emptied first. It keeps every peer's address as last seen, and pods
come back with new addresses; when a static dial fails, geth looks the node up there, replaces
the static node (its DNS name included) by the stale record and dials that dead address from
then on (p2p/dial.go dialTask.resolve, p2p/discover UDPv4.Resolve). A re-install, where every
address changed, left nodes with no peer at all. The peers are known up front; nothing is lost.
*/ -}}
{{- define "ethnet.client.geth.setup" -}}
# An empty discovery database on every start (why: templates/_client-geth.tpl), then geth.toml.
rm -rf /data/geth/geth/nodes
static=""
boot=""
for e in $(echo "${EL_BOOTNODES:-}" | tr ',' ' '); do
  id=${e%@*}
  hp=${e#*@}
  host=${hp%:*}
  port=${hp##*:}
  static="${static:+$static, }\"$e\""
  ip=$(resolve "$host")
  if [ -z "$ip" ]; then
    echo "ethnet-init: bootnode ${host} does not resolve; init will be retried" >&2
    exit 1
  fi
  boot="${boot:+$boot,}${id}@${ip}:${port}"
done
toml_boot=$(echo "$boot" | tr ',' ' ' | awk '{ for (i = 1; i <= NF; i++) printf "%s\"%s\"", (i > 1 ? ", " : ""), $i }')
cat > /run/ethnet/node/geth.toml <<EOT
[Node.P2P]
StaticNodes = [${static}]
BootstrapNodes = [${toml_boot}]
BootstrapNodesV5 = [${toml_boot}]
EOT
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
  {{- /* Static nodes (bootnodes by DNS name) and discovery bootnodes (resolved), from its setup. */}}
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
    - {name: HOME, value: /data/geth}
  {{- include "ethnet.containerSecurityContext" $ctx | nindent 2 }}
  volumeMounts:
    {{- include "ethnet.container.dataMounts" "geth" | nindent 4 }}
    - {name: tmp, mountPath: /tmp}
{{- end -}}
