{{/*
lighthouse: beacon node and validator client (one image, `lighthouse` subcommands). Checked
against lighthouse's published CLI reference only: it cannot be built on the test machines.
*/}}
{{- define "ethnet.client.lighthouse.profile" -}}
roles: [beacon, validator]
dataDir: lighthouse
setup: true
{{- end -}}

{{- define "ethnet.client.lighthouse.setup" -}}
# lighthouse reads its libp2p key from <network-dir>/key (raw 32 bytes).
put "$keys/cl-network-key" /data/lighthouse/beacon/network/key
{{- end -}}

{{- define "ethnet.client.lighthouse.env" -}}{{- end -}}

{{- define "ethnet.client.lighthouse.beacon" -}}
{{- $ctx := .context -}}
{{- $v := $ctx.Values -}}
{{- $g := index $v.nodes .group -}}
{{- $p := include "ethnet.ports" $ctx | fromYaml -}}
{{- $peers := include "ethnet.peers.multiaddrs" (dict "group" .group "self" .node "context" $ctx) -}}
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
  {{- if eq .group "validators" }}
  - --suggested-fee-recipient={{ $g.validatorClient.feeRecipient }}
  {{- end }}
{{- end -}}

{{- define "ethnet.client.lighthouse.validator" -}}
{{- $ctx := .context -}}
{{- $g := index $ctx.Values.nodes .group -}}
{{- $p := include "ethnet.ports" $ctx | fromYaml -}}
command: ["lighthouse"]
args:
  - validator_client
  - --testnet-dir=/data/testnet
  - --validators-dir=/data/vc/validators
  - --secrets-dir=/ethnet/vc-secrets
  - --beacon-nodes=http://127.0.0.1:{{ $p.clHttp }}
  - --init-slashing-protection
  - --suggested-fee-recipient={{ $g.validatorClient.feeRecipient }}
  - --graffiti={{ $g.validatorClient.graffiti }}
  - --metrics
  - --metrics-address=0.0.0.0
  - --metrics-port={{ $p.vcMetrics }}
  - --metrics-allow-origin=*
{{- end -}}
