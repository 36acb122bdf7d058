{{- define "consent-relay.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "consent-relay.fullname" -}}
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

{{- define "consent-relay.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "consent-relay.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Selector labels; call with (dict "ctx" $ "component" "processor") */}}
{{- define "consent-relay.selectorLabels" -}}
app.kubernetes.io/name: {{ include "consent-relay.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "consent-relay.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "consent-relay.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "consent-relay.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s/%s@%s" .Values.image.registry .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s/%s:%s" .Values.image.registry .Values.image.repository (required "image.tag must be pinned" .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* Properties shared by both roles, mounted as a file and loaded through quarkus.config.locations. */}}
{{- define "consent-relay.commonProperties" -}}
kafka.bootstrap.servers=${KAFKA_BOOTSTRAP_SERVERS}
consent-relay.schema-registry.url={{ .Values.schemaRegistry.url }}
consent-relay.schema-registry.auto-register={{ .Values.schemaRegistry.autoRegister }}
{{- if .Values.schemaRegistry.existingSecret }}
consent-relay.schema-registry.basic-auth-user=${SCHEMA_REGISTRY_USERNAME}
consent-relay.schema-registry.basic-auth-password=${SCHEMA_REGISTRY_PASSWORD}
{{- end }}
consent-relay.topics.create={{ .Values.kafka.topics.create }}
consent-relay.topics.partitions={{ .Values.kafka.topics.partitions }}
{{- if gt (int .Values.kafka.topics.replicationFactor) 0 }}
consent-relay.topics.replication-factor={{ .Values.kafka.topics.replicationFactor }}
{{- end }}
{{- range $key, $name := .Values.kafka.topics.names }}
consent-relay.topics.{{ $key }}={{ $name }}
{{- end }}
{{- if .Values.vendors }}
consent-relay.processing.vendors-file=/etc/consent-relay/vendors/vendors.yaml
{{- end }}
{{- range .Values.api.keys.entries }}
consent-relay.api.keys.{{ .name }}.key=${CONSENT_RELAY_API_KEY_{{ .name | upper | replace "-" "_" }}}
consent-relay.api.keys.{{ .name }}.roles={{ join "," .roles }}
{{- end }}
{{- with .Values.api.oidc }}
{{- if .authServerUrl }}
quarkus.oidc.auth-server-url={{ .authServerUrl }}
quarkus.oidc.token.audience={{ required "api.oidc.audience is required with api.oidc.authServerUrl" .audience }}
{{- with .issuer }}
quarkus.oidc.token.issuer={{ . }}
{{- end }}
quarkus.oidc.roles.role-claim-path={{ .rolesClaim }}
{{- if not .roleMapping }}
{{- fail "api.oidc.roleMapping is required with api.oidc.authServerUrl: provider values grant roles only through it" }}
{{- end }}
{{- range $value, $roles := .roleMapping }}
consent-relay.api.oidc.role-mapping."{{ $value }}"={{ join "," $roles }}
{{- end }}
{{- end }}
{{- end }}
{{- $protocol := .Values.kafka.security.protocol }}
{{- range $prefix := list "kafka" "kafka-streams" }}
{{- if ne $protocol "PLAINTEXT" }}
{{ $prefix }}.security.protocol={{ $protocol }}
{{- end }}
{{- if hasPrefix "SASL_" $protocol }}
{{ $prefix }}.sasl.mechanism={{ $.Values.kafka.security.sasl.mechanism }}
{{ $prefix }}.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${KAFKA_SASL_USERNAME}" password="${KAFKA_SASL_PASSWORD}";
{{- end }}
{{- if $.Values.kafka.security.tls.existingSecret }}
{{ $prefix }}.ssl.truststore.type=PKCS12
{{ $prefix }}.ssl.truststore.location=/etc/consent-relay/kafka-tls/truststore.p12
{{ $prefix }}.ssl.truststore.password=${KAFKA_TRUSTSTORE_PASSWORD}
{{- if $.Values.kafka.security.tls.keystorePasswordKey }}
{{ $prefix }}.ssl.keystore.type=PKCS12
{{ $prefix }}.ssl.keystore.location=/etc/consent-relay/kafka-tls/keystore.p12
{{ $prefix }}.ssl.keystore.password=${KAFKA_KEYSTORE_PASSWORD}
{{- end }}
{{- end }}
{{- end }}
{{- range $key, $value := .Values.extraConfig }}
{{ $key }}={{ $value }}
{{- end }}
{{- end -}}

{{/* Environment shared by both roles: bootstrap and the secrets the properties file refers to. */}}
{{- define "consent-relay.commonEnv" -}}
- name: KAFKA_BOOTSTRAP_SERVERS
  value: {{ .Values.kafka.bootstrapServers | quote }}
- name: QUARKUS_CONFIG_LOCATIONS
  value: "file:/etc/consent-relay/config/application.properties,file:/etc/consent-relay/policy/policy.properties"
{{- if hasPrefix "SASL_" .Values.kafka.security.protocol }}
- name: KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ required "kafka.security.sasl.existingSecret is required for SASL" .Values.kafka.security.sasl.existingSecret }}
      key: {{ .Values.kafka.security.sasl.usernameKey }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.kafka.security.sasl.existingSecret }}
      key: {{ .Values.kafka.security.sasl.passwordKey }}
{{- end }}
{{- if .Values.kafka.security.tls.existingSecret }}
- name: KAFKA_TRUSTSTORE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.kafka.security.tls.existingSecret }}
      key: {{ .Values.kafka.security.tls.truststorePasswordKey }}
{{- if .Values.kafka.security.tls.keystorePasswordKey }}
- name: KAFKA_KEYSTORE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.kafka.security.tls.existingSecret }}
      key: {{ .Values.kafka.security.tls.keystorePasswordKey }}
{{- end }}
{{- end }}
{{- if .Values.schemaRegistry.existingSecret }}
- name: SCHEMA_REGISTRY_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ .Values.schemaRegistry.existingSecret }}
      key: {{ .Values.schemaRegistry.usernameKey }}
- name: SCHEMA_REGISTRY_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.schemaRegistry.existingSecret }}
      key: {{ .Values.schemaRegistry.passwordKey }}
{{- end }}
{{- range .Values.api.keys.entries }}
- name: CONSENT_RELAY_API_KEY_{{ .name | upper | replace "-" "_" }}
  valueFrom:
    secretKeyRef:
      name: {{ required "api.keys.existingSecret is required with api.keys.entries" $.Values.api.keys.existingSecret }}
      key: {{ .name }}
{{- end }}
- name: CONSENT_RELAY_PRIVACY_IDENTIFIER_KEY
  valueFrom:
    secretKeyRef:
      name: {{ required "privacy.identifierKey.existingSecret is required" .Values.privacy.identifierKey.existingSecret }}
      key: {{ .Values.privacy.identifierKey.key }}
{{- end -}}

{{/* Volumes shared by both roles. */}}
{{- define "consent-relay.commonVolumes" -}}
- name: tmp
  emptyDir: {}
- name: policy
  configMap:
    name: {{ include "consent-relay.fullname" . }}-policy
{{- if .Values.vendors }}
- name: vendors
  configMap:
    name: {{ include "consent-relay.fullname" . }}-vendors
{{- end }}
{{- if .Values.kafka.security.tls.existingSecret }}
- name: kafka-tls
  secret:
    secretName: {{ .Values.kafka.security.tls.existingSecret }}
{{- end }}
{{- end -}}

{{- define "consent-relay.commonVolumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: policy
  mountPath: /etc/consent-relay/policy
  readOnly: true
{{- if .Values.vendors }}
- name: vendors
  mountPath: /etc/consent-relay/vendors
  readOnly: true
{{- end }}
{{- if .Values.kafka.security.tls.existingSecret }}
- name: kafka-tls
  mountPath: /etc/consent-relay/kafka-tls
  readOnly: true
{{- end }}
{{- end -}}

{{- define "consent-relay.probes" -}}
livenessProbe:
  httpGet:
    path: /q/health/live
    port: http
  initialDelaySeconds: {{ .Values.livenessProbe.initialDelaySeconds }}
  periodSeconds: {{ .Values.livenessProbe.periodSeconds }}
  timeoutSeconds: {{ .Values.livenessProbe.timeoutSeconds }}
  failureThreshold: {{ .Values.livenessProbe.failureThreshold }}
readinessProbe:
  httpGet:
    path: /q/health/ready
    port: http
  initialDelaySeconds: {{ .Values.readinessProbe.initialDelaySeconds }}
  periodSeconds: {{ .Values.readinessProbe.periodSeconds }}
  timeoutSeconds: {{ .Values.readinessProbe.timeoutSeconds }}
  failureThreshold: {{ .Values.readinessProbe.failureThreshold }}
startupProbe:
  httpGet:
    path: /q/health/started
    port: http
  periodSeconds: {{ .Values.startupProbe.periodSeconds }}
  failureThreshold: {{ .Values.startupProbe.failureThreshold }}
{{- end -}}

{{- define "consent-relay.resources" -}}
requests:
  cpu: {{ .requests.cpu | quote }}
  memory: {{ .requests.memory | quote }}
limits:
  {{- if .limits.cpu }}
  cpu: {{ .limits.cpu | quote }}
  {{- end }}
  memory: {{ .limits.memory | quote }}
{{- end -}}
