{{/*
Small shared helpers: fixed ports, images, the node list.
*/}}

{{/*
Container ports, fixed so peer lists and Services agree. Returned as YAML; use with fromYaml.
Usage: {{ $ports := include "ethnet.ports" . | fromYaml }}
Params:
  - . - Any - Unused.
*/}}
{{- define "ethnet.ports" -}}
elP2p: 30303
elHttp: 8545
elWs: 8546
elEngine: 8551
elMetrics: 6060
clP2p: 9000
clQuic: 9001
clHttp: 5052
clGrpc: 4000
clMetrics: 5054
vcMetrics: 5064
{{- end -}}

{{/*
Image reference of a client, from clients.<client>.image (or validatorImage, for a client with a
separate validator client image).
Usage: {{ include "ethnet.image" (dict "client" "geth" "context" $) }}
Params:
  - client - String - Required. A client of the registry (_clients.tpl), or tools.
  - role - String - Optional. "validator" for the validator client's image.
  - context - Dict - Required. The root context.
*/}}
{{- define "ethnet.image" -}}
{{- $c := index .context.Values.clients .client -}}
{{- $img := $c.image -}}
{{- if and (eq (.role | default "") "validator") $c.validatorImage -}}
{{- $img = $c.validatorImage -}}
{{- end -}}
image: {{ printf "%s:%s" $img.repository $img.tag | quote }}
imagePullPolicy: {{ $img.pullPolicy }}
{{- end -}}

{{/*
Every node of the network as a list of dicts {group, prefix, ordinal, name}, in group order.
Usage: {{ $nodes := include "ethnet.nodeList" . | fromYaml }} then range $nodes.nodes
Params:
  - . - Root context - Required.
*/}}
{{- define "ethnet.nodeList" -}}
nodes:
{{- range $group := list "bootnodes" "validators" "rpc" }}
{{- $prefix := include "ethnet.names.nodePrefix" $group }}
{{- range $i := until (int (index $.Values.nodes $group).replicas) }}
  - {group: {{ $group }}, prefix: {{ $prefix }}, ordinal: {{ $i }}, name: {{ printf "%s-%d" $prefix $i }}}
{{- end }}
{{- end }}
{{- end -}}

{{/*
Pod security context and container security context, from values.
Usage: {{ include "ethnet.containerSecurityContext" . | nindent 10 }}
Params:
  - . - Root context - Required.
*/}}
{{- define "ethnet.containerSecurityContext" -}}
securityContext:
  {{- toYaml .Values.containerSecurityContext | nindent 2 }}
{{- end -}}
