{{/*
Cross-field checks of chart-only values that a JSON schema cannot express; each fails with a
message naming the values involved. Rules across network values (fork order, validators per
node, public chain ids, what each client runs) are ethnet's alone: it checks them before it
writes anything (plugin/core/src/spec.rs). Included once, from node-statefulset.yaml.
Usage: {{ include "ethnet.preflight" . }}
Params:
  - . - Root context - Required.
*/}}
{{- define "ethnet.preflight" -}}
{{- $v := .Values -}}
{{- if $v.ingress.enabled -}}
{{- if not (or $v.ingress.hosts.rpc $v.ingress.hosts.ws $v.ingress.hosts.beacon) -}}
{{- fail "ingress.enabled is true but ingress.hosts.rpc, .ws and .beacon are all empty" -}}
{{- end -}}
{{- if and $v.ingress.tls.enabled (not $v.ingress.tls.secretName) -}}
{{- fail "ingress.tls.enabled is true but ingress.tls.secretName is empty (name the certificate Secret, or let cert-manager create it under that name)" -}}
{{- end -}}
{{- if and $v.ingress.basicAuth.enabled (not $v.ingress.basicAuth.secretName) -}}
{{- fail "ingress.basicAuth.enabled is true but ingress.basicAuth.secretName is empty: create an htpasswd Secret (key \"auth\") and name it there; the chart never creates credentials" -}}
{{- end -}}
{{- /* Basic auth is ingress-nginx's annotations: any other controller would ignore them and publish the RPC open. */ -}}
{{- if and $v.ingress.basicAuth.enabled $v.ingress.className (not (contains "nginx" $v.ingress.className)) -}}
{{- fail (printf "ingress.basicAuth works through ingress-nginx annotations only, and ingress.className is %q: its controller would publish the RPC without authentication. Use an ingress-nginx class, or set ingress.basicAuth.enabled=false and protect the hosts your controller's way (ingress.annotations)" $v.ingress.className) -}}
{{- end -}}
{{- end -}}
{{- if eq $v.peering.mode "sidecar" -}}
{{- if not (and $v.peering.sidecar.image.repository $v.peering.sidecar.image.tag) -}}
{{- fail "peering.mode is sidecar but peering.sidecar.image.repository/tag are empty: ethnet publishes no peer sidecar image yet" -}}
{{- end -}}
{{- range $group := list "bootnodes" "validators" "rpc" -}}
{{- if ne (index $v.nodes $group).execution.client "geth" -}}
{{- fail (printf "peering.mode sidecar needs geth (admin_addPeer over IPC) but nodes.%s.execution.client is %s" $group (index $v.nodes $group).execution.client) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- /* When the plugin's ethnet: section is present, it must name every node the topology asks for. */ -}}
{{- if $v.ethnet.genesisHash -}}
{{- $nodes := include "ethnet.nodeList" . | fromYaml -}}
{{- $sum := 0 -}}
{{- range $n := $nodes.nodes -}}
{{- $id := index ($v.ethnet.nodes | default dict) $n.name -}}
{{- if not $id -}}
{{- fail (printf "ethnet.nodes has no identity for node %s: the topology changed since the artifacts were generated; regenerate them (helm ethnet install/upgrade) or restore nodes.%s.replicas" $n.name $n.group) -}}
{{- end -}}
{{- if eq $n.group "validators" -}}
{{- if not $id.validators -}}
{{- fail (printf "ethnet.nodes.%s has no validators range" $n.name) -}}
{{- end -}}
{{- $sum = add $sum $id.validators.count -}}
{{- end -}}
{{- end -}}
{{- if ne (int $sum) (int $v.validators.count) -}}
{{- fail (printf "ethnet.nodes validator ranges hold %d keys but validators.count is %d: regenerate the artifacts" (int $sum) (int $v.validators.count)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
