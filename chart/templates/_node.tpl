{{/*
StatefulSet of node pods. Bootnodes and RPC nodes: one StatefulSet per group; the pod with
ordinal i runs node <group>-i and finds its keys under /ethnet/keys/<group>-i in a projected
volume of that group's node Secrets (P2P identities only; no validator key is ever in a group
StatefulSet). Validators: one StatefulSet per node with one replica, mounting only its own
Secret <release>-node-validator-<i>, which holds its node keys and its validator keystores.
Usage: {{ include "ethnet.node.statefulset" (dict "group" "rpc" "context" $) }}
       {{ include "ethnet.node.statefulset" (dict "group" "validators" "node" "validator-0" "ordinal" 0 "context" $) }}
Params:
  - group - String - Required. bootnodes | validators | rpc.
  - node - String - Optional. The node name, for one-node StatefulSets (validators).
  - ordinal - Int - Optional. The node ordinal, with node.
  - context - Dict - Required. The root context.
*/}}
{{- define "ethnet.node.statefulset" -}}
{{- $ctx := .context -}}
{{- $v := $ctx.Values -}}
{{- $group := .group -}}
{{- $g := index $v.nodes $group -}}
{{- $prefix := include "ethnet.names.nodePrefix" $group -}}
{{- $node := .node | default "" -}}
{{- $validator := eq $group "validators" -}}
{{- $name := include "ethnet.names.statefulset" (dict "group" $group "node" $node "context" $ctx) -}}
{{- $selector := include "ethnet.labels.selector" (dict "component" $prefix "context" $ctx) -}}
{{- if $node }}
{{- $selector = printf "%s\nethnet.io/node: %s" $selector $node -}}
{{- end }}
{{- $identity := dict -}}
{{- if $node }}{{ $identity = index ($v.ethnet.nodes | default dict) $node | default dict }}{{ end -}}
{{- $sidecar := eq $v.peering.mode "sidecar" -}}
{{- $elProfile := include "ethnet.clients.profile" $g.execution.client | fromYaml -}}
{{- $clProfile := include "ethnet.clients.profile" $g.consensus.client | fromYaml -}}
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ $name }}
  labels:
    {{- include "ethnet.labels.standard" (dict "component" $prefix "context" $ctx) | nindent 4 }}
    {{- with $node }}
    ethnet.io/node: {{ . }}
    {{- end }}
spec:
  replicas: {{ if $node }}1{{ else }}{{ int $g.replicas }}{{ end }}
  serviceName: {{ include "ethnet.names.headless" (dict "group" $group "context" $ctx) }}
  podManagementPolicy: Parallel
  updateStrategy:
    type: RollingUpdate
  selector:
    matchLabels:
      {{- $selector | nindent 6 }}
  {{- if $g.persistence.enabled }}
  persistentVolumeClaimRetentionPolicy:
    whenDeleted: Retain
    whenScaled: Retain
  volumeClaimTemplates:
    - apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
        labels:
          {{- include "ethnet.labels.selector" (dict "component" $prefix "context" $ctx) | nindent 10 }}
        annotations:
          helm.sh/resource-policy: keep
      spec:
        accessModes:
          {{- toYaml $g.persistence.accessModes | nindent 10 }}
        {{- with $g.persistence.storageClass }}
        storageClassName: {{ . | quote }}
        {{- end }}
        resources:
          requests:
            storage: {{ $g.persistence.size | quote }}
  {{- end }}
  template:
    metadata:
      labels:
        {{- include "ethnet.labels.standard" (dict "component" $prefix "context" $ctx) | nindent 8 }}
        {{- with $node }}
        ethnet.io/node: {{ . }}
        {{- end }}
      annotations:
        {{- /* What this pod's init containers run: the script files and its clients' setup. */}}
        checksum/scripts: {{ list ($ctx.Files.Glob "files/scripts/*.sh").AsConfig (include "ethnet.node.clientSetup" (dict "clients" (list $g.execution.client $g.consensus.client) "context" $ctx)) | toJson | sha256sum }}
        ethnet.io/genesis-hash: {{ $v.ethnet.genesisHash | default "unknown" | quote }}
        {{- with $g.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "ethnet.names.serviceAccount" $ctx }}
      {{- /* Only the peer sidecar talks to the API server: its token is mounted into it alone. */}}
      automountServiceAccountToken: false
      enableServiceLinks: false
      terminationGracePeriodSeconds: 120
      securityContext:
        {{- toYaml $v.podSecurityContext | nindent 8 }}
      {{- with $v.clients.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $g.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $g.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $g.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if $v.topologySpread.enabled }}
      topologySpreadConstraints:
        - maxSkew: {{ $v.topologySpread.maxSkew }}
          topologyKey: {{ $v.topologySpread.topologyKey }}
          whenUnsatisfiable: {{ $v.topologySpread.whenUnsatisfiable }}
          labelSelector:
            matchLabels:
              {{- include "ethnet.labels.selector" (dict "component" $prefix "context" $ctx) | nindent 14 }}
      {{- end }}
      initContainers:
        {{- if $v.volumePermissions.enabled }}
        {{- /* For storage that ignores fsGroup (hostPath and some local provisioners). */}}
        - name: volume-permissions
          {{- include "ethnet.image" (dict "client" "tools" "context" $ctx) | nindent 10 }}
          command: ["chown", "-R", {{ printf "%v:%v" $v.podSecurityContext.runAsUser $v.podSecurityContext.runAsGroup | quote }}, "/data"]
          securityContext:
            runAsUser: 0
            runAsNonRoot: false
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
              add: [CHOWN, DAC_OVERRIDE, FOWNER]
          volumeMounts:
            - {name: data, mountPath: /data}
        {{- end }}
        - name: init-layout
          {{- include "ethnet.image" (dict "client" "tools" "context" $ctx) | nindent 10 }}
          command: ["/bin/sh", "/scripts/init.sh"]
          env:
            - {name: ARTIFACTS_PREFIX, value: {{ $v.artifactsPrefix | default $ctx.Release.Name | quote }}}
            - name: POD_NAME
              valueFrom: {fieldRef: {fieldPath: metadata.name}}
            - {name: ETHNET_GROUP, value: {{ $prefix }}}
            {{- with $node }}
            - {name: ETHNET_NODE, value: {{ . }}}
            {{- end }}
            - {name: EL_CLIENT, value: {{ $g.execution.client }}}
            - {name: CL_CLIENT, value: {{ $g.consensus.client }}}
            - {name: SHARE_SHELL, value: {{ or $elProfile.needsShell $clProfile.needsShell | default false | quote }}}
            - {name: IS_VALIDATOR, value: {{ $validator | quote }}}
            {{- /* The containers' own directories (ethnet.container.dataMounts), made here by the pods' user. */}}
            - {name: DATA_DIRS, value: {{ compact (list $elProfile.dataDir $clProfile.dataDir (ternary "vc" "" $validator)) | join " " | quote }}}
            {{- with (dig "validators" "count" "" $identity) }}
            - {name: EXPECTED_KEYS, value: {{ . | quote }}}
            {{- end }}
            {{- with (dig "validators" "keysDigest" "" $identity) }}
            - {name: EXPECTED_KEYS_DIGEST, value: {{ . | quote }}}
            {{- end }}
            - {name: WAIT_HOSTS, value: {{ include "ethnet.peers.bootnodeHosts" $ctx | quote }}}
            - {name: DNS_WAIT_SECONDS, value: {{ $v.peering.dnsWaitSeconds | quote }}}
            - {name: EL_BOOTNODES, value: {{ include "ethnet.peers.enodes" $ctx | quote }}}
          {{- include "ethnet.containerSecurityContext" $ctx | nindent 10 }}
          volumeMounts:
            - {name: scripts, mountPath: /scripts, readOnly: true}
            - {name: genesis, mountPath: /ethnet/genesis, readOnly: true}
            - {name: keys, mountPath: /ethnet/keys, readOnly: true}
            - {name: data, mountPath: /data}
            - {name: run, mountPath: /run/ethnet}
            {{- if $validator }}
            - {name: vc-secrets, mountPath: /ethnet/vc-secrets}
            {{- end }}
            - {name: tmp, mountPath: /tmp}
        {{- range $client := list $g.execution.client $g.consensus.client }}
        {{- if (include "ethnet.clients.profile" $client | fromYaml).initContainers }}
        {{- include (printf "ethnet.client.%s.initContainers" $client) (dict "group" $group "node" $node "context" $ctx) | nindent 8 }}
        {{- end }}
        {{- end }}
      containers:
        {{- include "ethnet.container.execution" (dict "group" $group "node" $node "context" $ctx) | nindent 8 }}
        {{- include "ethnet.container.consensus" (dict "group" $group "node" $node "context" $ctx) | nindent 8 }}
        {{- if $validator }}
        {{- include "ethnet.container.validator" (dict "group" $group "node" $node "context" $ctx) | nindent 8 }}
        {{- end }}
        {{- if $sidecar }}
        - name: peer-sidecar
          image: {{ printf "%s:%s" $v.peering.sidecar.image.repository $v.peering.sidecar.image.tag | quote }}
          imagePullPolicy: {{ $v.peering.sidecar.image.pullPolicy }}
          env:
            - {name: ETHNET_PEERS_CONFIGMAP, value: {{ include "ethnet.names.component" (dict "suffix" "peers" "context" $ctx) }}}
            - {name: ETHNET_IPC, value: /run/ethnet/ipc/geth.ipc}
            - {name: ETHNET_INTERVAL_SECONDS, value: {{ $v.peering.sidecar.intervalSeconds | quote }}}
            - name: POD_NAMESPACE
              valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
          {{- include "ethnet.containerSecurityContext" $ctx | nindent 10 }}
          resources:
            {{- toYaml $v.peering.sidecar.resources | nindent 12 }}
          volumeMounts:
            - {name: run, mountPath: /run/ethnet}
            - {name: api-token, mountPath: /var/run/secrets/kubernetes.io/serviceaccount, readOnly: true}
        {{- end }}
      volumes:
        - name: scripts
          configMap:
            name: {{ include "ethnet.names.component" (dict "suffix" "scripts" "context" $ctx) }}
            defaultMode: 0555
        - name: genesis
          configMap:
            name: {{ include "ethnet.names.artifact" (dict "set" "genesis" "context" $ctx) }}
        - name: jwt
          secret:
            secretName: {{ include "ethnet.names.artifact" (dict "set" "jwt" "context" $ctx) }}
            defaultMode: 0440
        {{- if $node }}
        - name: keys
          secret:
            secretName: {{ include "ethnet.names.artifact" (dict "set" (printf "node-%s" $node) "context" $ctx) }}
            defaultMode: 0440
        {{- else }}
        - name: keys
          projected:
            defaultMode: 0440
            {{- /*
            Sources for every ordinal up to the next multiple of 8, each optional: adding a node
            then leaves the pod template, and so the group's running pods, unchanged (until the
            group crosses a multiple of 8). A node whose own Secret is missing still fails, in
            init.sh, which refuses to start without its keys.
            */}}
            sources:
              {{- $slots := mul (div (add (int $g.replicas) 7) 8) 8 }}
              {{- range $i := until (int $slots) }}
              {{- $n := printf "%s-%d" $prefix $i }}
              - secret:
                  name: {{ include "ethnet.names.artifact" (dict "set" (printf "node-%s" $n) "context" $ctx) }}
                  optional: true
                  items:
                    - {key: el-nodekey, path: {{ $n }}/el-nodekey}
                    - {key: cl-network-key, path: {{ $n }}/cl-network-key}
                    - {key: cl-peer-id.json, path: {{ $n }}/cl-peer-id.json}
              {{- end }}
        {{- end }}
        - name: run
          emptyDir:
            medium: Memory
            sizeLimit: 16Mi
        {{- if $validator }}
        {{- /* The keystores' passwords, in memory, for init and the validator client only. */}}
        - name: vc-secrets
          emptyDir:
            medium: Memory
            sizeLimit: 16Mi
        {{- end }}
        {{- if $sidecar }}
        {{- /* What automounting would give every container, for the sidecar only. */}}
        - name: api-token
          projected:
            sources:
              - serviceAccountToken: {path: token, expirationSeconds: 3607}
              - configMap: {name: kube-root-ca.crt, items: [{key: ca.crt, path: ca.crt}]}
              - downwardAPI: {items: [{path: namespace, fieldRef: {fieldPath: metadata.namespace}}]}
        {{- end }}
        - name: tmp
          emptyDir:
            sizeLimit: 1Gi
        {{- if not $g.persistence.enabled }}
        - name: data
          emptyDir: {}
        {{- end }}
{{- end -}}


{{/*
The setup scripts of the given clients, concatenated (for the pod's scripts checksum).
Usage: {{ include "ethnet.node.clientSetup" (dict "clients" (list "geth" "prysm") "context" $) }}
*/}}
{{- define "ethnet.node.clientSetup" -}}
{{- range $client := .clients -}}
{{- if (include "ethnet.clients.profile" $client | fromYaml).setup -}}
{{- include (printf "ethnet.client.%s.setup" $client) (dict "context" $.context) -}}
{{- end -}}
{{- end -}}
{{- end -}}
