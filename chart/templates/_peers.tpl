{{/*
Peer lists, built up front from the public identities in the ethnet: values section
(docs/artifacts.md) and the stable pod DNS names. Nodes whose identity is missing are left out
(the chart still renders without the ethnet: section; _preflight.tpl fails when the section is
present but incomplete).
*/}}

{{/*
Execution-layer bootnodes: enode://<enodeId>@<pod dns>:30303 of every bootnode, comma separated.
Usage: {{ include "ethnet.peers.enodes" . }}
Params:
  - . - Root context - Required.
*/}}
{{- define "ethnet.peers.enodes" -}}
{{- $ports := include "ethnet.ports" . | fromYaml -}}
{{- $out := list -}}
{{- range $i := until (int .Values.nodes.bootnodes.replicas) -}}
{{- $id := dig (printf "bootnode-%d" $i) "enodeId" "" ($.Values.ethnet.nodes | default dict) -}}
{{- if $id -}}
{{- $out = append $out (printf "enode://%s@%s:%d" $id (include "ethnet.names.podDns" (dict "group" "bootnodes" "ordinal" $i "context" $)) (int $ports.elP2p)) -}}
{{- end -}}
{{- end -}}
{{- join "," $out -}}
{{- end -}}

{{/*
Pod DNS names of the bootnodes, space separated (the init container waits for them to resolve).
Usage: {{ include "ethnet.peers.bootnodeHosts" . }}
Params:
  - . - Root context - Required.
*/}}
{{- define "ethnet.peers.bootnodeHosts" -}}
{{- $out := list -}}
{{- range $i := until (int .Values.nodes.bootnodes.replicas) -}}
{{- $out = append $out (include "ethnet.names.podDns" (dict "group" "bootnodes" "ordinal" $i "context" $)) -}}
{{- end -}}
{{- join " " $out -}}
{{- end -}}

{{/*
Consensus-layer peers a beacon node dials: /dns4/<pod dns>/tcp/9000/p2p/<peerId>, comma separated.
Bootnodes dial every node and every other node dials the bootnodes, so each link is configured on
both ends (lodestar's directPeers needs that); with peering.consensusPeers "all" every node dials
every node. The node itself is left out when known.
Usage: {{ include "ethnet.peers.multiaddrs" (dict "group" "validators" "self" "validator-0" "context" $) }}
Params:
  - group - String - Required. The group of the node the list is for.
  - self - String - Optional. Name of the node the list is for.
  - context - Dict - Required. The root context.
*/}}
{{- define "ethnet.peers.multiaddrs" -}}
{{- $ctx := .context -}}
{{- $self := .self | default "" -}}
{{- $ports := include "ethnet.ports" $ctx | fromYaml -}}
{{- $groups := list "bootnodes" -}}
{{- if or (eq $ctx.Values.peering.consensusPeers "all") (eq .group "bootnodes") -}}
{{- $groups = list "bootnodes" "validators" "rpc" -}}
{{- end -}}
{{- $out := list -}}
{{- range $group := $groups -}}
{{- $prefix := include "ethnet.names.nodePrefix" $group -}}
{{- range $i := until (int (index $ctx.Values.nodes $group).replicas) -}}
{{- $name := printf "%s-%d" $prefix $i -}}
{{- $id := dig $name "peerId" "" ($ctx.Values.ethnet.nodes | default dict) -}}
{{- if and $id (ne $name $self) -}}
{{- $out = append $out (printf "/dns4/%s/tcp/%d/p2p/%s" (include "ethnet.names.podDns" (dict "group" $group "ordinal" $i "context" $ctx)) (int $ports.clP2p) $id) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- join "," $out -}}
{{- end -}}
