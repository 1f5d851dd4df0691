{{/*
lodestar: beacon node and validator client (one image). Checked against lodestar's published
sources only: releases that know Fulu cannot be installed on the test machines.
*/}}
{{- define "ethnet.client.lodestar.profile" -}}
roles: [beacon, validator]
dataDir: lodestar
setup: true
{{- end -}}

{{- define "ethnet.client.lodestar.setup" -}}
# lodestar (persistNetworkIdentity, the default) reads <dataDir>/peer-id.json.
put "$keys/cl-peer-id.json" /data/lodestar/peer-id.json
{{- end -}}

{{- define "ethnet.client.lodestar.env" -}}
- name: LODESTAR_PRESET
  value: {{ .context.Values.network.preset }}
{{- end -}}

{{- define "ethnet.client.lodestar.beacon" -}}
{{- $ctx := .context -}}
{{- $v := $ctx.Values -}}
{{- $g := index $v.nodes .group -}}
{{- $p := include "ethnet.ports" $ctx | fromYaml -}}
{{- $peers := include "ethnet.peers.multiaddrs" (dict "group" .group "self" .node "context" $ctx) -}}
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
  {{- if eq .group "validators" }}
  - --suggestedFeeRecipient={{ $g.validatorClient.feeRecipient }}
  {{- end }}
{{- end -}}

{{- define "ethnet.client.lodestar.validator" -}}
{{- $ctx := .context -}}
{{- $g := index $ctx.Values.nodes .group -}}
{{- $p := include "ethnet.ports" $ctx | fromYaml -}}
args:
  - validator
  - --dataDir=/data/vc/lodestar
  - --paramsFile=/data/testnet/config.yaml
  - --keystoresDir=/data/vc/validators
  - --secretsDir=/ethnet/vc-secrets
  - --beaconNodes=http://127.0.0.1:{{ $p.clHttp }}
  - --suggestedFeeRecipient={{ $g.validatorClient.feeRecipient }}
  - --graffiti={{ $g.validatorClient.graffiti }}
  - --metrics
  - --metrics.address=0.0.0.0
  - --metrics.port={{ $p.vcMetrics }}
{{- end -}}
