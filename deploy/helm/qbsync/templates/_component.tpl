{{/*
Named templates for the objects of one component. Each takes a dict with `root` (the chart's
top-level context) and `c` (one entry of "qbsync.components").
*/}}

{{- define "qbsync.serviceAccountName" -}}
{{- if .c.values.serviceAccount.create -}}
{{- include "qbsync.componentName" . -}}
{{- else -}}
{{- .c.values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{- define "qbsync.serviceAccount" -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "qbsync.serviceAccountName" . }}
  labels:
    {{- include "qbsync.componentLabels" . | nindent 4 }}
  {{- with .c.values.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
# The services never call the Kubernetes API.
automountServiceAccountToken: false
{{- end -}}

{{/*
MONGODB_BASE_URI (from mongodb.existingSecret or mongodb.uri) and MONGODB_URI, which appends the
component's database and mongodb.options. Kubernetes expands $(MONGODB_BASE_URI) because the
variable is defined before it in the same env list.
*/}}
{{- define "qbsync.mongodbEnv" -}}
{{- $mongodb := .root.Values.mongodb -}}
{{- if $mongodb.existingSecret -}}
- name: MONGODB_BASE_URI
  valueFrom:
    secretKeyRef:
      name: {{ $mongodb.existingSecret }}
      key: {{ $mongodb.uriKey }}
{{- else -}}
- name: MONGODB_BASE_URI
  value: {{ include "qbsync.mongodbBaseUri" .root | quote }}
{{- end }}
- name: MONGODB_URI
  value: {{ printf "$(MONGODB_BASE_URI)/%s%s" .c.values.database (ternary (printf "?%s" $mongodb.options) "" (ne $mongodb.options "")) | quote }}
{{- end -}}

{{- define "qbsync.configMap" -}}
{{- $root := .root -}}
{{- $v := .c.values -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "qbsync.componentName" . }}
  labels:
    {{- include "qbsync.componentLabels" . | nindent 4 }}
data:
  NODE_ENV: {{ $root.Values.global.nodeEnv | quote }}
  LOG_LEVEL: {{ $root.Values.global.logLevel | quote }}
  HTTP_HOST: "0.0.0.0"
  HTTP_PORT: {{ $v.port | toString | quote }}
  NATS_URL: {{ include "qbsync.natsUrl" $root | quote }}
  SHUTDOWN_TIMEOUT_MS: {{ $root.Values.global.shutdownTimeoutMs | toString | quote }}
  {{- if .c.channel }}
  CHANNEL: {{ .c.channel | quote }}
  {{- end }}
  {{- range $key, $value := $v.config }}
  {{ $key }}: {{ $value | toString | quote }}
  {{- end }}
{{- end -}}

{{- define "qbsync.deployment" -}}
{{- $root := .root -}}
{{- $v := .c.values -}}
{{- $global := $root.Values.global -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "qbsync.componentName" . }}
  labels:
    {{- include "qbsync.componentLabels" . | nindent 4 }}
spec:
  {{- if not $v.autoscaling.enabled }}
  replicas: {{ $v.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "qbsync.selectorLabels" . | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  template:
    metadata:
      labels:
        {{- include "qbsync.componentLabels" . | nindent 8 }}
        {{- with $global.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        checksum/config: {{ include "qbsync.configMap" . | sha256sum }}
        {{- if $root.Values.metrics.annotations }}
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ $v.port | toString | quote }}
        prometheus.io/path: /metrics
        {{- end }}
        {{- with $global.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "qbsync.serviceAccountName" . }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      terminationGracePeriodSeconds: {{ $global.terminationGracePeriodSeconds }}
      {{- with $global.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $global.podSecurityContext | nindent 8 }}
      containers:
        - name: {{ .c.service }}
          image: {{ include "qbsync.image" . | quote }}
          imagePullPolicy: {{ include "qbsync.imagePullPolicy" . }}
          command:
            - node
            - services/{{ .c.service }}/dist/main.js
          ports:
            - name: http
              containerPort: {{ $v.port }}
              protocol: TCP
          envFrom:
            - configMapRef:
                name: {{ include "qbsync.componentName" . }}
            - secretRef:
                name: {{ $v.existingSecret | default (include "qbsync.secretName" $root) }}
          env:
            {{- include "qbsync.mongodbEnv" . | nindent 12 }}
            {{- with $v.env }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          livenessProbe:
            httpGet:
              path: /health/live
              port: http
            initialDelaySeconds: 10
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 3
          readinessProbe:
            httpGet:
              path: /health/ready
              port: http
            initialDelaySeconds: 5
            periodSeconds: 5
            timeoutSeconds: 3
            failureThreshold: 3
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          securityContext:
            {{- toYaml $global.containerSecurityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ $global.tmpSizeLimit }}
      {{- with $global.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $global.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $global.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $global.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end -}}

{{- define "qbsync.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "qbsync.componentName" . }}
  labels:
    {{- include "qbsync.componentLabels" . | nindent 4 }}
spec:
  type: {{ .c.values.service.type }}
  selector:
    {{- include "qbsync.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ .c.values.service.port }}
      targetPort: http
      protocol: TCP
{{- end -}}

{{- define "qbsync.podDisruptionBudget" -}}
{{- $pdb := .c.values.podDisruptionBudget -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "qbsync.componentName" . }}
  labels:
    {{- include "qbsync.componentLabels" . | nindent 4 }}
spec:
  {{- if hasKey $pdb "maxUnavailable" }}
  maxUnavailable: {{ $pdb.maxUnavailable }}
  {{- else }}
  minAvailable: {{ $pdb.minAvailable | default 1 }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "qbsync.selectorLabels" . | nindent 6 }}
{{- end -}}

{{- define "qbsync.horizontalPodAutoscaler" -}}
{{- $hpa := .c.values.autoscaling -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "qbsync.componentName" . }}
  labels:
    {{- include "qbsync.componentLabels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "qbsync.componentName" . }}
  minReplicas: {{ $hpa.minReplicas }}
  maxReplicas: {{ $hpa.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $hpa.targetCPUUtilizationPercentage }}
    {{- with $hpa.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
{{- end -}}

{{/*
Ingress only on the HTTP port; egress only to DNS, NATS, MongoDB and, for a component with
internetEgress, HTTPS outside the private ranges.
*/}}
{{- define "qbsync.networkPolicy" -}}
{{- $np := .root.Values.networkPolicy -}}
{{- $nats := .root.Values.nats -}}
{{- $mongodb := .root.Values.mongodb -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "qbsync.componentName" . }}
  labels:
    {{- include "qbsync.componentLabels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "qbsync.selectorLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
  ingress:
    - ports:
        - port: http
          protocol: TCP
      {{- with $np.ingressFrom }}
      from:
        {{- toYaml . | nindent 8 }}
      {{- end }}
  egress:
    - to:
        - namespaceSelector:
            {{- toYaml $np.dns.namespaceSelector | nindent 12 }}
          podSelector:
            {{- toYaml $np.dns.podSelector | nindent 12 }}
      ports:
        - port: 53
          protocol: UDP
        - port: 53
          protocol: TCP
    - to:
        - namespaceSelector:
            {{- toYaml $nats.namespaceSelector | nindent 12 }}
          podSelector:
            {{- toYaml $nats.podSelector | nindent 12 }}
      ports:
        - port: {{ $nats.port }}
          protocol: TCP
    - to:
        - namespaceSelector:
            {{- toYaml $mongodb.namespaceSelector | nindent 12 }}
          podSelector:
            {{- toYaml $mongodb.podSelector | nindent 12 }}
      ports:
        - port: {{ $mongodb.port }}
          protocol: TCP
    {{- if .c.values.internetEgress }}
    - to:
        - ipBlock:
            cidr: {{ $np.internetCidr }}
            {{- with $np.internetExcept }}
            except:
              {{- toYaml . | nindent 14 }}
            {{- end }}
      ports:
        - port: 443
          protocol: TCP
    {{- end }}
{{- end -}}
