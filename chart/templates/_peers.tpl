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
With peering.consensusPeers "core" (the default) the core of the network, the bootnodes then the
validator nodes (a number fixed at genesis), is a ring: every node dials every bootnode and the
next two core nodes after itself; bootnode and RPC pods (group StatefulSets, one command line for
all their pods) dial the bootnodes and the first two validator nodes. A restarted pod dials its
own list again, so the loss and return of any one pod leaves every node connected; the lists
grow with the bootnodes only (rendering stays linear), and adding RPC nodes changes no other
pod's command line. With "all" every node dials every node.
Usage: {{ include "ethnet.peers.multiaddrs" (dict "group" "validators" "self" "validator-0" "context" $) }}
Params:
  - group - String - Required. The group of the node the list is for.
  - self - String - Optional. Name of the node the list is for.
  - context - Dict - Required. The root context.
*/}}
{{- define "ethnet.peers.multiaddrs" -}}
{{- $ctx := .context -}}
{{- $v := $ctx.Values -}}
{{- $self := .self | default "" -}}
{{- $bootnodes := int $v.nodes.bootnodes.replicas -}}
{{- $core := add $bootnodes (int $v.nodes.validators.replicas) | int -}}
{{- $targets := list -}}
{{- if eq $v.peering.consensusPeers "all" -}}
{{- range $group := list "bootnodes" "validators" "rpc" -}}
{{- range $i := until (int (index $v.nodes $group).replicas) -}}
{{- $targets = append $targets (dict "group" $group "ordinal" $i) -}}
{{- end -}}
{{- end -}}
{{- else -}}
{{- range $i := until $bootnodes -}}
{{- $targets = append $targets (dict "group" "bootnodes" "ordinal" $i) -}}
{{- end -}}
{{- /* Position in the core ring: validator-i is bootnodes + i; the others act as position -1. */ -}}
{{- $at := sub $bootnodes 1 | int -}}
{{- if and (eq .group "validators") $self -}}
{{- $at = add $bootnodes (trimPrefix "validator-" $self | int) | int -}}
{{- end -}}
{{- range $step := list 1 2 -}}
{{- $j := mod (add $at $step) $core | int -}}
{{- if ge $j $bootnodes -}}
{{- $targets = append $targets (dict "group" "validators" "ordinal" (sub $j $bootnodes | int)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $port := (include "ethnet.ports" $ctx | fromYaml).clP2p | int -}}
{{- $out := list -}}
{{- range $t := $targets -}}
{{- $name := printf "%s-%d" (include "ethnet.names.nodePrefix" $t.group) $t.ordinal -}}
{{- $id := dig $name "peerId" "" ($v.ethnet.nodes | default dict) -}}
{{- if and $id (ne $name $self) -}}
{{- $out = append $out (printf "/dns4/%s/tcp/%d/p2p/%s" (include "ethnet.names.podDns" (dict "group" $t.group "ordinal" $t.ordinal "context" $ctx)) $port $id) -}}
{{- end -}}
{{- end -}}
{{- join "," ($out | uniq) -}}
{{- end -}}
