{{/*
Labels. Standard app.kubernetes.io labels on every object; selectors use only name + instance
(+ component), which never change across upgrades, because selectors are immutable.
*/}}

{{/*
Standard labels.
Usage: {{ include "ethnet.labels.standard" (dict "component" "rpc" "context" $) }}
Params:
  - component - String - Optional. app.kubernetes.io/component value.
  - context - Dict - Required. The root context.
*/}}
{{- define "ethnet.labels.standard" -}}
helm.sh/chart: {{ include "ethnet.names.chart" .context }}
{{ include "ethnet.labels.selector" . }}
app.kubernetes.io/version: {{ .context.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .context.Release.Service }}
app.kubernetes.io/part-of: ethnet
{{- with .context.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
Selector labels (matchLabels); kept apart from the standard labels because selectors are immutable.
Usage: {{ include "ethnet.labels.selector" (dict "component" "rpc" "context" $) }}
Params:
  - component - String - Optional. app.kubernetes.io/component value.
  - context - Dict - Required. The root context.
*/}}
{{- define "ethnet.labels.selector" -}}
app.kubernetes.io/name: {{ include "ethnet.names.name" .context }}
app.kubernetes.io/instance: {{ .context.Release.Name }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end -}}
