{{/* Chart name, truncated to the 63 characters a DNS label allows. */}}
{{- define "qbsync.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-scoped prefix of every object name. */}}
{{- define "qbsync.fullname" -}}
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

{{- define "qbsync.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels shared by every object. */}}
{{- define "qbsync.labels" -}}
helm.sh/chart: {{ include "qbsync.chart" . }}
app.kubernetes.io/name: {{ include "qbsync.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: qbsync
{{- end -}}

{{/* Secret that every pod loads with envFrom unless its component names its own. */}}
{{- define "qbsync.secretName" -}}
{{- default (include "qbsync.fullname" .) .Values.global.existingSecret -}}
{{- end -}}

{{/* NATS_URL: nats.url, or the dependency's Service when the NATS chart is installed. */}}
{{- define "qbsync.natsUrl" -}}
{{- if .Values.nats.url -}}
{{- .Values.nats.url -}}
{{- else if .Values.nats.enabled -}}
{{- printf "nats://%s-nats:%v" .Release.Name .Values.nats.port -}}
{{- else -}}
{{- fail "nats.url is missing: set it to the NATS JetStream URL, e.g. nats://nats.messaging:4222, or set nats.enabled=true" -}}
{{- end -}}
{{- end -}}

{{/* MongoDB address without a database, when it is not read from a Secret. */}}
{{- define "qbsync.mongodbBaseUri" -}}
{{- if .Values.mongodb.uri -}}
{{- .Values.mongodb.uri | trimSuffix "/" -}}
{{- else if .Values.mongodb.enabled -}}
{{- printf "mongodb://%s-mongodb:%v" .Release.Name .Values.mongodb.port -}}
{{- else -}}
{{- fail "mongodb.uri and mongodb.existingSecret are both empty: set one, e.g. mongodb.uri=mongodb://mongo:27017, or set mongodb.enabled=true" -}}
{{- end -}}
{{- end -}}

{{/*
Every enabled component as a YAML list under `components`, with its values already merged over
the defaults: gateway, rules and qbo, then one connector per enabled channel. Each entry has
`component` (object name suffix), `service` (the folder under services/), `channel` (connectors
only) and `values`.
*/}}
{{- define "qbsync.components" -}}
components:
{{- range $service := list "gateway" "rules" "qbo" "qbd" }}
{{- $values := index $.Values $service }}
{{- if $values.enabled }}
  - component: {{ $service }}
    service: {{ $service }}
    channel: ""
    values: {{ $values | toJson }}
{{- end }}
{{- end }}
{{- range $channel, $overrides := .Values.connectors.channels }}
{{- if $overrides.enabled }}
{{- $values := mergeOverwrite (deepCopy $.Values.connectors.defaults) (omit $overrides "enabled") }}
  - component: {{ printf "connectors-%s" $channel }}
    service: connectors
    channel: {{ $channel }}
    values: {{ $values | toJson }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Object name of one component, e.g. qbsync-connectors-shopify. */}}
{{- define "qbsync.componentName" -}}
{{- printf "%s-%s" (include "qbsync.fullname" .root) .c.component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "qbsync.selectorLabels" -}}
app.kubernetes.io/name: {{ include "qbsync.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .c.component }}
{{- end -}}

{{- define "qbsync.componentLabels" -}}
{{ include "qbsync.labels" .root }}
app.kubernetes.io/component: {{ .c.component }}
{{- if .c.channel }}
qbsync.io/channel: {{ .c.channel }}
{{- end }}
{{- end -}}

{{/*
Image of a component: its own image.repository verbatim, or global.image.repository followed by
"/<service>" (the Dockerfile builds one image per service) unless global.image.appendServiceName
is false.
*/}}
{{- define "qbsync.image" -}}
{{- $global := .root.Values.global.image -}}
{{- $own := .c.values.image | default dict -}}
{{- $repository := $own.repository -}}
{{- if not $repository -}}
{{- if not $global.repository -}}
{{- fail (printf "image repository of %s is missing: set global.image.repository" .c.component) -}}
{{- end -}}
{{- $repository = ternary (printf "%s/%s" $global.repository .c.service) $global.repository (ne $global.appendServiceName false) -}}
{{- end -}}
{{- $tag := $own.tag | default $global.tag | default .root.Chart.AppVersion -}}
{{- printf "%s:%s" $repository (toString $tag) -}}
{{- end -}}

{{- define "qbsync.imagePullPolicy" -}}
{{- $image := mergeOverwrite (deepCopy .root.Values.global.image) (.c.values.image | default dict) -}}
{{- $image.pullPolicy | default "IfNotPresent" -}}
{{- end -}}
