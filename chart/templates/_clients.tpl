{{/*
Client containers. Each helper takes a dict with:
  - group - String - Required. bootnodes | validators | rpc.
  - node - String - Optional. The node name when the StatefulSet runs exactly one node.
  - context - Dict - Required. The root context.
The engine API listens on 127.0.0.1:8551 only (the beacon node is in the same pod) and checks
the JWT from the <release>-jwt Secret. HTTP/WS JSON-RPC serves eth,net,web3,txpool only.
*/}}

{{/*
Execution client container (geth or ethereumjs).
Usage: {{ include "ethnet.container.execution" (dict "group" "rpc" "context" $) | nindent 8 }}
*/}}
{{- define "ethnet.container.execution" -}}
{{- $ctx := .context -}}
{{- $v := $ctx.Values -}}
{{- $g := index $v.nodes .group -}}
{{- $p := include "ethnet.ports" $ctx | fromYaml -}}
{{- $client := $g.execution.client -}}
- name: execution
  {{- include "ethnet.image" (dict "client" $client "context" $ctx) | nindent 2 }}
  {{- if eq $client "geth" }}
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
    {{- with $g.execution.extraArgs }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- else }}
  {{- /*
  ethereumjs 0.10 takes bootnodes as IPs (resolved by init.sh), read at start. It has no option
  for a node key (it keeps a random one in its database), so its enode is not the pre-generated
  one: _preflight.tpl keeps it off the bootnodes. The chain id comes from the genesis file.
  */}}
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
    {{- with $g.execution.extraArgs }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- end }}
  env:
    - name: HOME
      value: /data
    - name: POD_NAME
      valueFrom: {fieldRef: {fieldPath: metadata.name}}
    - name: POD_IP
      valueFrom: {fieldRef: {fieldPath: status.podIP}}
    {{- if $v.ethstats.enabled }}
    - name: ETHSTATS_SECRET
      valueFrom:
        secretKeyRef:
          name: {{ include "ethnet.names.artifact" (dict "set" "ethstats" "context" $ctx) }}
          key: secret
    {{- end }}
  ports:
    - {name: el-p2p, containerPort: {{ $p.elP2p }}, protocol: TCP}
    - {name: el-disc, containerPort: {{ $p.elP2p }}, protocol: UDP}
    - {name: http-rpc, containerPort: {{ $p.elHttp }}, protocol: TCP}
    - {name: ws-rpc, containerPort: {{ $p.elWs }}, protocol: TCP}
    - {name: el-metrics, containerPort: {{ $p.elMetrics }}, protocol: TCP}
  readinessProbe:
    tcpSocket: {port: http-rpc}
    periodSeconds: 10
  {{- include "ethnet.containerSecurityContext" $ctx | nindent 2 }}
  resources:
    {{- toYaml $g.execution.resources | nindent 4 }}
  volumeMounts:
    - {name: data, mountPath: /data}
    - {name: jwt, mountPath: /ethnet/jwt, readOnly: true}
    - {name: run, mountPath: /run/ethnet}
    - {name: tmp, mountPath: /tmp}
{{- end -}}

{{/*
Beacon node container (lighthouse or lodestar).
Usage: {{ include "ethnet.container.consensus" (dict "group" "rpc" "node" "" "context" $) | nindent 8 }}
*/}}
{{- define "ethnet.container.consensus" -}}
{{- $ctx := .context -}}
{{- $v := $ctx.Values -}}
{{- $g := index $v.nodes .group -}}
{{- $p := include "ethnet.ports" $ctx | fromYaml -}}
{{- $client := $g.consensus.client -}}
{{- $peers := include "ethnet.peers.multiaddrs" (dict "group" .group "self" .node "context" $ctx) -}}
{{- $validator := eq .group "validators" -}}
- name: consensus
  {{- include "ethnet.image" (dict "client" $client "context" $ctx) | nindent 2 }}
  {{- if eq $client "lighthouse" }}
  command: ["lighthouse"]
  args:
    - beacon_node
    - --datadir=/data/lighthouse
    - --network-dir=/data/lighthouse/beacon/network
    - --testnet-dir=/data/testnet
    {{- /* A node added later must still sync a private network from its genesis. */}}
    - --allow-insecure-genesis-sync
    - --execution-endpoint=http://127.0.0.1:{{ $p.elEngine }}
    - --execution-jwt=/ethnet/jwt/jwt.hex
    - --http
    - --http-address=0.0.0.0
    - --http-port={{ $p.clHttp }}
    - --http-allow-origin={{ $v.rpcService.corsDomain }}
    - --metrics
    - --metrics-address=0.0.0.0
    - --metrics-port={{ $p.clMetrics }}
    - --metrics-allow-origin=*
    - --listen-address=0.0.0.0
    - --port={{ $p.clP2p }}
    - --quic-port={{ $p.clQuic }}
    - --enr-address=$(POD_IP)
    - --enr-tcp-port={{ $p.clP2p }}
    - --enr-udp-port={{ $p.clP2p }}
    - --enr-quic-port={{ $p.clQuic }}
    - --enable-private-discovery
    - --disable-upnp
    - --disable-packet-filter
    - --target-peers={{ $v.peering.maxPeers }}
    - --subscribe-all-subnets
    {{- if ne (toString $v.network.forks.fulu) "never" }}
    - --supernode
    {{- end }}
    {{- if $peers }}
    - --libp2p-addresses={{ $peers }}
    {{- end }}
    {{- if $validator }}
    - --suggested-fee-recipient={{ $g.validatorClient.feeRecipient }}
    {{- end }}
    {{- with $g.consensus.extraArgs }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- else }}
  args:
    - beacon
    - --dataDir=/data/lodestar
    - --paramsFile=/data/testnet/config.yaml
    - --genesisStateFile=/data/testnet/genesis.ssz
    - --execution.urls=http://127.0.0.1:{{ $p.elEngine }}
    - --jwtSecret=/ethnet/jwt/jwt.hex
    - --rest
    - --rest.address=0.0.0.0
    - --rest.port={{ $p.clHttp }}
    {{- /* The standard namespaces only: no debug, no lodestar (admin) namespace. */}}
    {{- range $ns := list "beacon" "config" "events" "node" "validator" "lightclient" }}
    - --rest.namespace={{ $ns }}
    {{- end }}
    - --rest.cors={{ $v.rpcService.corsDomain }}
    - --metrics
    - --metrics.address=0.0.0.0
    - --metrics.port={{ $p.clMetrics }}
    - --port={{ $p.clP2p }}
    - --enr.ip=$(POD_IP)
    - --enr.tcp={{ $p.clP2p }}
    - --enr.udp={{ $p.clP2p }}
    - --targetPeers={{ $v.peering.maxPeers }}
    - --subscribeAllSubnets
    {{- if ne (toString $v.network.forks.fulu) "never" }}
    - --supernode
    {{- end }}
    - --nat
    {{- if $peers }}
    - --directPeers={{ $peers }}
    {{- end }}
    {{- if $validator }}
    - --suggestedFeeRecipient={{ $g.validatorClient.feeRecipient }}
    {{- end }}
    {{- with $g.consensus.extraArgs }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- end }}
  env:
    - name: HOME
      value: /data
    - name: POD_IP
      valueFrom: {fieldRef: {fieldPath: status.podIP}}
    {{- if eq $client "lodestar" }}
    - name: LODESTAR_PRESET
      value: {{ $v.network.preset }}
    {{- end }}
  ports:
    - {name: cl-p2p, containerPort: {{ $p.clP2p }}, protocol: TCP}
    - {name: cl-disc, containerPort: {{ $p.clP2p }}, protocol: UDP}
    - {name: cl-quic, containerPort: {{ $p.clQuic }}, protocol: UDP}
    - {name: http-beacon, containerPort: {{ $p.clHttp }}, protocol: TCP}
    - {name: cl-metrics, containerPort: {{ $p.clMetrics }}, protocol: TCP}
  readinessProbe:
    tcpSocket: {port: http-beacon}
    periodSeconds: 10
  {{- include "ethnet.containerSecurityContext" $ctx | nindent 2 }}
  resources:
    {{- toYaml $g.consensus.resources | nindent 4 }}
  volumeMounts:
    - {name: data, mountPath: /data}
    - {name: jwt, mountPath: /ethnet/jwt, readOnly: true}
    - {name: run, mountPath: /run/ethnet}
    - {name: tmp, mountPath: /tmp}
{{- end -}}

{{/*
Validator client container (validator nodes; same family as the beacon node). Keystores are on
the data volume at /data/vc/validators/0x<pk>/voting-keystore.json, passwords in memory at
/run/ethnet/vc-secrets/0x<pk>, laid out by the init container from this node's Secret only.
Usage: {{ include "ethnet.container.validator" (dict "group" "validators" "node" "validator-0" "context" $) | nindent 8 }}
*/}}
{{- define "ethnet.container.validator" -}}
{{- $ctx := .context -}}
{{- $v := $ctx.Values -}}
{{- $g := index $v.nodes .group -}}
{{- $p := include "ethnet.ports" $ctx | fromYaml -}}
{{- $client := $g.consensus.client -}}
- name: validator
  {{- include "ethnet.image" (dict "client" $client "context" $ctx) | nindent 2 }}
  {{- if eq $client "lighthouse" }}
  command: ["lighthouse"]
  args:
    - validator_client
    - --testnet-dir=/data/testnet
    - --validators-dir=/data/vc/validators
    - --secrets-dir=/run/ethnet/vc-secrets
    - --beacon-nodes=http://127.0.0.1:{{ $p.clHttp }}
    - --init-slashing-protection
    - --suggested-fee-recipient={{ $g.validatorClient.feeRecipient }}
    - --graffiti={{ $g.validatorClient.graffiti }}
    - --metrics
    - --metrics-address=0.0.0.0
    - --metrics-port={{ $p.vcMetrics }}
    - --metrics-allow-origin=*
    {{- with $g.validatorClient.extraArgs }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- else }}
  args:
    - validator
    - --dataDir=/data/vc/lodestar
    - --paramsFile=/data/testnet/config.yaml
    - --keystoresDir=/data/vc/validators
    - --secretsDir=/run/ethnet/vc-secrets
    - --beaconNodes=http://127.0.0.1:{{ $p.clHttp }}
    - --suggestedFeeRecipient={{ $g.validatorClient.feeRecipient }}
    - --graffiti={{ $g.validatorClient.graffiti }}
    - --metrics
    - --metrics.address=0.0.0.0
    - --metrics.port={{ $p.vcMetrics }}
    {{- with $g.validatorClient.extraArgs }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- end }}
  env:
    - name: HOME
      value: /data
    {{- if eq $client "lodestar" }}
    - name: LODESTAR_PRESET
      value: {{ $v.network.preset }}
    {{- end }}
  ports:
    - {name: vc-metrics, containerPort: {{ $p.vcMetrics }}, protocol: TCP}
  {{- include "ethnet.containerSecurityContext" $ctx | nindent 2 }}
  resources:
    {{- toYaml $g.validatorClient.resources | nindent 4 }}
  volumeMounts:
    - {name: data, mountPath: /data}
    - {name: run, mountPath: /run/ethnet}
    - {name: tmp, mountPath: /tmp}
{{- end -}}
