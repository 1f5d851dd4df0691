{{/*
Names. Every object the chart creates is named from ethnet.names.fullname; objects the plugin
creates (docs/artifacts.md) are named from the release name only, exactly as the plugin names them.
*/}}

{{/*
Chart name, truncated to 63 characters.
Usage: {{ include "ethnet.names.name" . }}
Params:
  - . - Root context - Required.
*/}}
{{- define "ethnet.names.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Chart label value: <name>-<version>, "+" replaced, truncated to 63 characters.
Usage: {{ include "ethnet.names.chart" . }}
Params:
  - . - Root context - Required.
*/}}
{{- define "ethnet.names.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Fully qualified app name: fullnameOverride, else the release name when it already contains the
chart name, else <release>-<chart>. Truncated to 63 characters.
Usage: {{ include "ethnet.names.fullname" . }}
Params:
  - . - Root context - Required.
*/}}
{{- define "ethnet.names.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Name of a component object: <fullname>-<suffix>, where the fullname (not the suffix) is cut so
the whole fits in `max` characters. Cutting the prefix keeps names of sibling objects distinct
(validator-1 and validator-10 never collide). StatefulSets use max 52, because the controller
adds "-<hash>" to the controller-revision-hash label, which must stay within 63.
Usage: {{ include "ethnet.names.component" (dict "suffix" "validator-0" "max" 52 "context" $) }}
Params:
  - suffix - String - Required. The component suffix, for example "bootnode" or "rpc".
  - max - Int - Optional. Maximum length, default 63.
  - context - Dict - Required. The root context.
*/}}
{{- define "ethnet.names.component" -}}
{{- $max := int (default 63 .max) -}}
{{- $room := int (sub $max (add1 (len .suffix))) -}}
{{- printf "%s-%s" (include "ethnet.names.fullname" .context | trunc $room | trimSuffix "-") .suffix -}}
{{- end -}}

{{/*
StatefulSet name of a node group (bootnodes, rpc), or of one validator node.
Usage: {{ include "ethnet.names.statefulset" (dict "node" "validator-3" "context" $) }}
       {{ include "ethnet.names.statefulset" (dict "group" "bootnodes" "context" $) }}
Params:
  - group - String - Optional. Values key of a group: bootnodes | rpc (validators use node).
  - node - String - Optional. A validator node name, validator-<i>.
  - context - Dict - Required. The root context.
*/}}
{{- define "ethnet.names.statefulset" -}}
{{- $suffix := .node | default (include "ethnet.names.nodePrefix" .group) -}}
{{- include "ethnet.names.component" (dict "suffix" $suffix "max" 52 "context" .context) -}}
{{- end -}}

{{/*
Singular node-name prefix of a group: bootnodes -> bootnode, validators -> validator, rpc -> rpc.
Usage: {{ include "ethnet.names.nodePrefix" "bootnodes" }}
Params:
  - . - String - Required. The values key of the group.
*/}}
{{- define "ethnet.names.nodePrefix" -}}
{{- if eq . "bootnodes" }}bootnode{{ else if eq . "validators" }}validator{{ else }}rpc{{ end -}}
{{- end -}}

{{/*
Headless Service of a node group; it gives each pod the DNS name <pod>.<service>.<ns>.svc.<domain>.
Usage: {{ include "ethnet.names.headless" (dict "group" "validators" "context" $) }}
Params:
  - group - String - Required. bootnodes | validators | rpc.
  - context - Dict - Required. The root context.
*/}}
{{- define "ethnet.names.headless" -}}
{{- include "ethnet.names.component" (dict "suffix" (printf "%s-hl" (include "ethnet.names.nodePrefix" .group)) "context" .context) -}}
{{- end -}}

{{/*
Pod name of a node: group StatefulSets run node <prefix>-<i> as pod <sts>-<i>; each validator node
has its own StatefulSet with one replica, so validator-<i> runs as pod <sts validator-i>-0.
Usage: {{ include "ethnet.names.pod" (dict "group" "bootnodes" "ordinal" 0 "context" $) }}
Params:
  - group - String - Required. bootnodes | validators | rpc.
  - ordinal - Int - Required. The node ordinal within its group.
  - context - Dict - Required. The root context.
*/}}
{{- define "ethnet.names.pod" -}}
{{- $prefix := include "ethnet.names.nodePrefix" .group -}}
{{- if eq .group "validators" -}}
{{- printf "%s-0" (include "ethnet.names.statefulset" (dict "node" (printf "%s-%d" $prefix (int .ordinal)) "context" .context)) -}}
{{- else -}}
{{- printf "%s-%d" (include "ethnet.names.statefulset" (dict "group" .group "context" .context)) (int .ordinal) -}}
{{- end -}}
{{- end -}}

{{/*
Fully qualified DNS name of a node's pod (stable, from the headless Service).
Usage: {{ include "ethnet.names.podDns" (dict "group" "bootnodes" "ordinal" 0 "context" $) }}
Params:
  - group - String - Required. bootnodes | validators | rpc.
  - ordinal - Int - Required. The node ordinal within its group.
  - context - Dict - Required. The root context.
*/}}
{{- define "ethnet.names.podDns" -}}
{{- printf "%s.%s.%s.svc.%s" (include "ethnet.names.pod" .) (include "ethnet.names.headless" .) .context.Release.Namespace .context.Values.clusterDomain -}}
{{- end -}}

{{/*
Name of an artifact object seeded by the plugin: <release>-<set> (artifactsPrefix replaces the
release name when set), never truncated (see
docs/artifacts.md; Secret and ConfigMap names may be up to 253 characters).
Usage: {{ include "ethnet.names.artifact" (dict "set" "node-validator-0" "context" $) }}
Params:
  - set - String - Required. genesis | jwt | accounts | ethstats | node-<node>.
  - context - Dict - Required. The root context.
*/}}
{{- define "ethnet.names.artifact" -}}
{{- printf "%s-%s" (.context.Values.artifactsPrefix | default .context.Release.Name) .set -}}
{{- end -}}

{{/*
ServiceAccount name of the node pods.
Usage: {{ include "ethnet.names.serviceAccount" . }}
Params:
  - . - Root context - Required.
*/}}
{{- define "ethnet.names.serviceAccount" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "ethnet.names.component" (dict "suffix" "node" "context" .)) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}
