{{/*
prysm: beacon node (beacon-chain image) and validator client (validator image), flags as in
prysm v7.1.2's own --help. Its images have no shell: the wallet step runs the validator binary
under a static busybox that init-layout copies into the pod's run volume.
prysm builds outside bazel run the mainnet preset only, so the plugin refuses prysm with the
minimal preset.
*/}}
{{- define "ethnet.client.prysm.profile" -}}
roles: [beacon, validator]
dataDir: prysm
setup: true
initContainers: true
# Its wallet step needs the shell init-layout shares (its images have none).
needsShell: true
{{- end -}}

{{- define "ethnet.client.prysm.setup" -}}
# prysm --p2p-priv-key reads the secp256k1 key hex-encoded; ethnet's is 32 raw bytes.
od -An -v -tx1 "$keys/cl-network-key" | tr -d ' \n' > /run/ethnet/node/cl-network-key.hex
{{- end -}}

{{- define "ethnet.client.prysm.env" -}}{{- end -}}

{{- define "ethnet.client.prysm.beacon" -}}
{{- $ctx := .context -}}
{{- $v := $ctx.Values -}}
{{- $g := index $v.nodes .group -}}
{{- $p := include "ethnet.ports" $ctx | fromYaml -}}
{{- $peers := include "ethnet.peers.multiaddrs" (dict "group" .group "self" .node "context" $ctx) -}}
args:
  - --accept-terms-of-use
  - --datadir=/data/prysm
  - --chain-config-file=/data/testnet/config.yaml
  - --genesis-state=/data/testnet/genesis.ssz
  - --contract-deployment-block=0
  - --execution-endpoint=http://127.0.0.1:{{ $p.elEngine }}
  - --jwt-secret=/ethnet/jwt/jwt.hex
  - --p2p-priv-key=/run/ethnet/node/cl-network-key.hex
  - --p2p-host-ip=$(POD_IP)
  - --p2p-tcp-port={{ $p.clP2p }}
  - --p2p-udp-port={{ $p.clP2p }}
  - --p2p-quic-port={{ $p.clQuic }}
  - --p2p-max-peers={{ $v.peering.maxPeers }}
  {{- if $v.clients.prysm.disableQuic }}
  - --disable-quic
  {{- end }}
  {{- /*
  No ENR records exist to bootstrap discv5 from, so peering is the static --peer list only:
  prysm marks those peers trusted, dials them by DNS at start and keeps reconnecting them.
  */}}
  - --no-discovery
  {{- range $peer := splitList "," $peers }}
  {{- if $peer }}
  - --peer={{ $peer }}
  {{- end }}
  {{- end }}
  {{- /*
  No minimum of peers for initial sync: a prysm node waits in initial sync for a peer with a
  higher finalized epoch, so when every node restarts at once (a rollout restart) each would
  wait for the others forever. A node that is behind still syncs from the peers ahead of it.
  */}}
  - --min-sync-peers=0
  {{- /*
  Restart from the head kept in the database, not the justified checkpoint prysm starts from
  by default. When every node restarts at once (a rollout restart, a node reboot) no peer holds
  the blocks after that checkpoint in fork choice: each node would go back to it, its
  validators' next votes would surround their last ones (refused by slashing protection), and
  geth ignores a payload request on an old ancestor of its head, so the chain would stop.
  */}}
  - --sync-from=head
  - --minimum-peers-per-subnet=0
  - --subscribe-all-subnets
  {{- if ne (toString $v.network.forks.fulu) "never" }}
  - --supernode
  {{- end }}
  {{- /* gRPC for the validator client in the same pod only. */}}
  - --rpc-host=127.0.0.1
  - --rpc-port={{ $p.clGrpc }}
  - --http-host=0.0.0.0
  - --http-port={{ $p.clHttp }}
  - --http-cors-domain={{ $v.rpcService.corsDomain }}
  - --monitoring-host=0.0.0.0
  - --monitoring-port={{ $p.clMetrics }}
  {{- if eq .group "validators" }}
  - --suggested-fee-recipient={{ $g.validatorClient.feeRecipient }}
  {{- end }}
{{- end -}}

{{- define "ethnet.client.prysm.validator" -}}
{{- $ctx := .context -}}
{{- $g := index $ctx.Values.nodes .group -}}
{{- $p := include "ethnet.ports" $ctx | fromYaml -}}
args:
  - --accept-terms-of-use
  {{- /* The slashing-protection database lives here, on the node's own volume. */}}
  - --datadir=/data/vc/prysm
  - --wallet-dir=/data/vc/prysm-wallet
  - --wallet-password-file=/data/vc/prysm-wallet-password
  - --chain-config-file=/data/testnet/config.yaml
  - --beacon-rpc-provider=127.0.0.1:{{ $p.clGrpc }}
  - --beacon-rest-api-provider=http://127.0.0.1:{{ $p.clHttp }}
  - --suggested-fee-recipient={{ $g.validatorClient.feeRecipient }}
  - --graffiti={{ $g.validatorClient.graffiti }}
  - --monitoring-host=0.0.0.0
  - --monitoring-port={{ $p.vcMetrics }}
{{- end -}}

{{- /*
The wallet: every keystore of this node imported with its own password into a prysm wallet on
the node's volume (random wallet password, made once, kept beside it). Idempotent: a restart
imports only what is missing and fails when the wallet holds any key the Secret does not.
*/ -}}
{{- define "ethnet.client.prysm.initContainers" -}}
{{- $ctx := .context -}}
{{- if eq .group "validators" }}
- name: init-prysm-wallet
  {{- include "ethnet.image" (dict "client" "prysm" "role" "validator" "context" $ctx) | nindent 2 }}
  command: ["/run/ethnet/bin/busybox", "sh", "/scripts/prysm-wallet.sh"]
  env:
    - {name: VALIDATOR_BIN, value: {{ $ctx.Values.clients.prysm.validatorBinary | quote }}}
    - {name: HOME, value: /data/vc}
  {{- include "ethnet.containerSecurityContext" $ctx | nindent 2 }}
  volumeMounts:
    - {name: scripts, mountPath: /scripts, readOnly: true}
    {{- include "ethnet.container.dataMounts" "vc" | nindent 4 }}
    - {name: vc-secrets, mountPath: /ethnet/vc-secrets, readOnly: true}
    {{- /* The shell init-layout shared. */}}
    - {name: run, mountPath: /run/ethnet, readOnly: true}
    - {name: tmp, mountPath: /tmp}
{{- end }}
{{- end -}}
