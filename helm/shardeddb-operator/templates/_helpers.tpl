{{/* Names, labels and image references shared by every template. */}}

{{- define "shardeddb-operator.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The prefix of every object name: fullnameOverride if set; the chart name when the release name is
a prefix of it (release "shardeddb" gives "shardeddb-operator", not "shardeddb-shardeddb-operator");
the release name when it already contains the chart name; else "<release>-<chart>".
*/}}
{{- define "shardeddb-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if hasPrefix .Release.Name .Chart.Name }}
{{- .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- else if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "shardeddb-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The operator's shard NetworkPolicies admit pods labelled app.kubernetes.io/name=shardeddb-operator
(io.shardeddb.operator.model.Labels.OPERATOR_POD), so this label must stay the chart's name.
*/}}
{{- define "shardeddb-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "shardeddb-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels every object carries, except app.kubernetes.io/component. */}}
{{- define "shardeddb-operator.commonLabels" -}}
helm.sh/chart: {{ include "shardeddb-operator.chart" . }}
{{ include "shardeddb-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: shardeddb
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "shardeddb-operator.labels" -}}
{{ include "shardeddb-operator.commonLabels" . }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "shardeddb-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "shardeddb-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* "repository:tag" from an images.* entry; call with (list $image $defaultTag). */}}
{{- define "shardeddb-operator.imageRef" -}}
{{- $image := index . 0 }}
{{- $defaultTag := index . 1 }}
{{- $registry := "" }}
{{- if gt (len .) 2 }}{{- $registry = (index . 2).imageRegistry | default "" }}{{- end }}
{{- if $registry }}
{{- printf "%s/%s:%s" (trimSuffix "/" $registry) $image.repository (default $defaultTag $image.tag) }}
{{- else }}
{{- printf "%s:%s" $image.repository (default $defaultTag $image.tag) }}
{{- end }}
{{- end }}

{{/*
The namespaces the operator manages, comma-separated: empty when cluster-wide (all namespaces),
else watchNamespaces, else the release namespace alone (least privilege by default).
*/}}
{{- define "shardeddb-operator.watchedNamespaces" -}}
{{- if and .Values.clusterWide .Values.watchNamespaces }}
{{- fail "clusterWide=true watches every namespace; leave watchNamespaces empty or set clusterWide=false" }}
{{- end }}
{{- if .Values.clusterWide }}
{{- "" }}
{{- else if .Values.watchNamespaces }}
{{- join "," .Values.watchNamespaces }}
{{- else }}
{{- .Release.Namespace }}
{{- end }}
{{- end }}

{{/* A duration value (30s, 5m, 2h, 1500ms) in whole seconds, for PromQL arithmetic. */}}
{{- define "shardeddb-operator.durationSeconds" -}}
{{- $d := toString . }}
{{- if hasSuffix "ms" $d }}{{ div (trimSuffix "ms" $d | int64) 1000 }}
{{- else if hasSuffix "s" $d }}{{ trimSuffix "s" $d | int64 }}
{{- else if hasSuffix "m" $d }}{{ mul (trimSuffix "m" $d | int64) 60 }}
{{- else if hasSuffix "h" $d }}{{ mul (trimSuffix "h" $d | int64) 3600 }}
{{- else }}{{ fail (printf "not a duration: %s" $d) }}
{{- end }}
{{- end }}

{{/* The scraper's pod labels as key=value,key=value (SHARDEDDB_METRICS_SCRAPER_POD_LABELS). */}}
{{- define "shardeddb-operator.scraperPodLabels" -}}
{{- $pairs := list }}
{{- range $k, $v := .Values.metrics.scraper.podLabels }}
{{- $pairs = append $pairs (printf "%s=%s" $k $v) }}
{{- end }}
{{- join "," $pairs }}
{{- end }}

{{/*
"true" when the operator writes each database its own PodMonitor (metrics.podMonitors.enabled and
perDatabase, the default); "" when the chart's two shared PodMonitors are used (perDatabase: false).
*/}}
{{- define "shardeddb-operator.perDatabasePodMonitors" -}}
{{- if and .Values.metrics.podMonitors.enabled .Values.metrics.podMonitors.perDatabase -}}true{{- end -}}
{{- end }}

{{- define "shardeddb-operator.sharedPodMonitors" -}}
{{- if and .Values.metrics.podMonitors.enabled (not .Values.metrics.podMonitors.perDatabase) -}}true{{- end -}}
{{- end }}

{{/* The per-database PodMonitors' labels as key=value,key=value. */}}
{{- define "shardeddb-operator.podMonitorLabels" -}}
{{- $pairs := list }}
{{- range $k, $v := .Values.metrics.podMonitors.labels }}
{{- $pairs = append $pairs (printf "%s=%s" $k $v) }}
{{- end }}
{{- join "," $pairs }}
{{- end }}

{{/*
The Secret (release namespace) whose token the PodMonitors send to /prometheus: the user's
metrics.podMonitors.tokenSecret, else <fullname>-scrape-token. The operator reads it at start
(creating it with a random token when absent) and adds the token to every database's <db>-metrics
Secret (key scraper).
*/}}
{{- define "shardeddb-operator.scrapeTokenSecret" -}}
{{- if .Values.metrics.podMonitors.tokenSecret.name -}}
{{ .Values.metrics.podMonitors.tokenSecret.name }}
{{- else -}}
{{ include "shardeddb-operator.fullname" . }}-scrape-token
{{- end -}}
{{- end }}

{{- define "shardeddb-operator.scrapeTokenKey" -}}
{{- if .Values.metrics.podMonitors.tokenSecret.name -}}
{{ .Values.metrics.podMonitors.tokenSecret.key | default "token" }}
{{- else -}}
token
{{- end -}}
{{- end }}

{{/*
The scraper's namespace (SHARDEDDB_METRICS_SCRAPER_NAMESPACE): metrics.scraper.namespace, the
release namespace when empty, and "" (every namespace) only when it is "*", an explicit choice.
*/}}
{{- define "shardeddb-operator.scraperNamespace" -}}
{{- $ns := .Values.metrics.scraper.namespace | default .Release.Namespace -}}
{{- if eq $ns "*" -}}{{- else -}}{{ $ns }}{{- end -}}
{{- end }}

{{/*
An alert's runbook_url, absolute (a pager opens it): metrics.prometheusRule.runbookBaseUrl, by
default docs/runbooks.md of this chart's release at the project's home (Chart.yaml `home`, tag
v<appVersion>), with the alert's name, lower-cased, as the anchor (the heading of its section in
docs/runbooks.md). Argument: (list $ "AlertName").
*/}}
{{- define "shardeddb-operator.runbookUrl" -}}
{{- $root := index . 0 -}}
{{- $release := printf "%s/blob/v%s/docs/runbooks.md" (trimSuffix "/" $root.Chart.Home) $root.Chart.AppVersion -}}
{{- $base := $root.Values.metrics.prometheusRule.runbookBaseUrl | default $release -}}
{{- printf "%s#%s" $base (lower (index . 1)) | quote -}}
{{- end }}

{{/*
The imagePullSecrets' names, comma-separated (SHARDEDDB_IMAGE_PULL_SECRETS): the operator gives them
to every pod it makes.
*/}}
{{- define "shardeddb-operator.pullSecretNames" -}}
{{- $names := list }}
{{- range .Values.imagePullSecrets }}
{{- $names = append $names .name }}
{{- end }}
{{- join "," $names }}
{{- end }}
