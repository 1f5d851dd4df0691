{{/*
Client containers: what every client shares (name, image, environment, ports, probes, security
context, resources, volumes) lives here; what a client runs lives in its own
templates/_client-<name>.tpl, selected by name. A client file defines:
  ethnet.client.<name>.profile   YAML: roles (execution | beacon | validator), dataDir (its
                                 execution or beacon container's own directory on the data
                                 volume, /data/<dataDir>), and optionally setup (true: it renders
                                 a setup script, below), initContainers (true: it adds init
                                 containers after init-layout).
  ethnet.client.<name>.<role>    the command/args (and extra env) of that role's container.
  ethnet.client.<name>.setup     (optional) shell run by init.sh for this node, as setup-<name>.sh.
  ethnet.client.<name>.initContainers  (optional) extra init containers.
Each template takes a dict with:
  - group - String - Required. bootnodes | validators | rpc.
  - node - String - Optional. The node name when the StatefulSet runs exactly one node.
  - context - Dict - Required. The root context.
Each client container sees only its own directory of the data volume and, read-only, the
network's files in /data/testnet (ethnet.container.dataMounts): the validator client's
directory /data/vc (keystores, wallet, slashing protection) and its passwords (the vc-secrets
volume) are mounted into no other container.
The engine API listens on 127.0.0.1:8551 only (the beacon node is in the same pod) and checks
the JWT from the <release>-jwt Secret. HTTP/WS JSON-RPC serves eth,net,web3,txpool only.
*/}}

{{/*
The client registry: every client the chart knows, by layer. Adding a client means adding it
here, writing its _client-<name>.tpl, a values block under clients.<name> and a schema enum.
Usage: {{ $registry := include "ethnet.clients.registry" . | fromYaml }}
*/}}
{{- define "ethnet.clients.registry" -}}
execution: [geth]
consensus: [lighthouse, lodestar, prysm]
{{- end -}}

{{/*
A client's profile (see above), parsed.
Usage: {{ $profile := include "ethnet.clients.profile" "prysm" | fromYaml }}
*/}}
{{- define "ethnet.clients.profile" -}}
{{- include (printf "ethnet.client.%s.profile" .) . -}}
{{- end -}}

{{/*
Execution client container.
Usage: {{ include "ethnet.container.execution" (dict "group" "rpc" "context" $) | nindent 8 }}
*/}}
{{- define "ethnet.container.execution" -}}
{{- $ctx := .context -}}
{{- $v := $ctx.Values -}}
{{- $g := index $v.nodes .group -}}
{{- $p := include "ethnet.ports" $ctx | fromYaml -}}
{{- $client := $g.execution.client -}}
{{- $dir := (include "ethnet.clients.profile" $client | fromYaml).dataDir -}}
- name: execution
  {{- include "ethnet.image" (dict "client" $client "context" $ctx) | nindent 2 }}
  {{- include (printf "ethnet.client.%s.execution" $client) . | nindent 2 }}
    {{- with $g.execution.extraArgs }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  env:
    - name: HOME
      value: /data/{{ $dir }}
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
    {{- include "ethnet.container.dataMounts" $dir | nindent 4 }}
    - {name: jwt, mountPath: /ethnet/jwt, readOnly: true}
    - {name: run, mountPath: /run/ethnet}
    - {name: tmp, mountPath: /tmp}
{{- end -}}

{{/*
Beacon node container.
Usage: {{ include "ethnet.container.consensus" (dict "group" "rpc" "node" "" "context" $) | nindent 8 }}
*/}}
{{- define "ethnet.container.consensus" -}}
{{- $ctx := .context -}}
{{- $v := $ctx.Values -}}
{{- $g := index $v.nodes .group -}}
{{- $p := include "ethnet.ports" $ctx | fromYaml -}}
{{- $client := $g.consensus.client -}}
{{- $dir := (include "ethnet.clients.profile" $client | fromYaml).dataDir -}}
- name: consensus
  {{- include "ethnet.image" (dict "client" $client "context" $ctx) | nindent 2 }}
  {{- include (printf "ethnet.client.%s.beacon" $client) . | nindent 2 }}
    {{- with $g.consensus.extraArgs }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  env:
    - name: HOME
      value: /data/{{ $dir }}
    - name: POD_IP
      valueFrom: {fieldRef: {fieldPath: status.podIP}}
    {{- with include (printf "ethnet.client.%s.env" $client) . }}
    {{- . | nindent 4 }}
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
    {{- include "ethnet.container.dataMounts" $dir | nindent 4 }}
    - {name: jwt, mountPath: /ethnet/jwt, readOnly: true}
    - {name: run, mountPath: /run/ethnet}
    - {name: tmp, mountPath: /tmp}
{{- end -}}

{{/*
Validator client container (validator nodes; same family as the beacon node). init.sh lays the
node's keystores out on the data volume at /data/vc/validators/0x<pk>/voting-keystore.json and
their passwords in memory at /ethnet/vc-secrets/0x<pk>, from this node's Secret only; both are
mounted here and into no other long-running container.
Usage: {{ include "ethnet.container.validator" (dict "group" "validators" "node" "validator-0" "context" $) | nindent 8 }}
*/}}
{{- define "ethnet.container.validator" -}}
{{- $ctx := .context -}}
{{- $v := $ctx.Values -}}
{{- $g := index $v.nodes .group -}}
{{- $p := include "ethnet.ports" $ctx | fromYaml -}}
{{- $client := $g.consensus.client -}}
- name: validator
  {{- include "ethnet.image" (dict "client" $client "role" "validator" "context" $ctx) | nindent 2 }}
  {{- include (printf "ethnet.client.%s.validator" $client) . | nindent 2 }}
    {{- with $g.validatorClient.extraArgs }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  env:
    - name: HOME
      value: /data/vc
    {{- with include (printf "ethnet.client.%s.env" $client) . }}
    {{- . | nindent 4 }}
    {{- end }}
  ports:
    - {name: vc-metrics, containerPort: {{ $p.vcMetrics }}, protocol: TCP}
  {{- include "ethnet.containerSecurityContext" $ctx | nindent 2 }}
  resources:
    {{- toYaml $g.validatorClient.resources | nindent 4 }}
  volumeMounts:
    {{- include "ethnet.container.dataMounts" "vc" | nindent 4 }}
    - {name: vc-secrets, mountPath: /ethnet/vc-secrets, readOnly: true}
    - {name: tmp, mountPath: /tmp}
{{- end -}}

{{/*
A client container's part of the data volume: its own directory, read-write, and the network's
files (genesis, config), read-only. init-layout alone mounts the whole volume.
Usage: {{ include "ethnet.container.dataMounts" "geth" | nindent 4 }}
*/}}
{{- define "ethnet.container.dataMounts" -}}
- {name: data, mountPath: /data/{{ . }}, subPath: {{ . }}}
- {name: data, mountPath: /data/testnet, subPath: testnet, readOnly: true}
{{- end -}}
