{{- define "riskmonitor.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "riskmonitor.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "riskmonitor.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "riskmonitor.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "riskmonitor.selectorLabels" -}}
app.kubernetes.io/name: {{ include "riskmonitor.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/*
PostgreSQL pool sizes per pod (docs/decisions/0052): (replicaCount + 1) pods x (stores + orleans + grainState) must fit
in maxConnections - reservedConnections. Within budget the server's defaults (16, 16, 8); below it, the budget split
2:2:1. Explicit postgresql.pools.* win, and are checked too.
*/}}
{{- define "riskmonitor.postgresPools" -}}
{{- $pg := .Values.postgresql -}}
{{- $pods := add (int .Values.replicaCount) 1 -}}
{{- $budget := div (sub (int $pg.maxConnections) (int $pg.reservedConnections)) $pods -}}
{{- $stores := 16 -}}
{{- $orleans := 16 -}}
{{- $grainState := 8 -}}
{{- if lt $budget 40 -}}
{{- $stores = max 2 (div (mul $budget 2) 5) -}}
{{- $orleans = $stores -}}
{{- $grainState = sub $budget (add $stores $orleans) -}}
{{- end -}}
{{- with $pg.pools -}}
{{- if .stores }}{{ $stores = int .stores }}{{ end -}}
{{- if .orleans }}{{ $orleans = int .orleans }}{{ end -}}
{{- if .grainState }}{{ $grainState = int .grainState }}{{ end -}}
{{- end -}}
{{- $perPod := add $stores $orleans $grainState -}}
{{- if or (lt (int $stores) 2) (lt (int $orleans) 2) (lt (int $grainState) 2) (gt (int $perPod) (int $budget)) -}}
{{- fail (printf "postgresql: %d pods (replicaCount %d and one being replaced) x %d connections (stores %d, orleans %d, grainState %d; each at least 2) do not fit in maxConnections %d - reservedConnections %d, which leaves %d per pod; raise PostgreSQL's max_connections, put PgBouncer in front, or run fewer replicas (docs/decisions/0052)" (int $pods) (int .Values.replicaCount) (int $perPod) (int $stores) (int $orleans) (int $grainState) (int $pg.maxConnections) (int $pg.reservedConnections) (int $budget)) -}}
{{- end -}}
stores: {{ $stores }}
orleans: {{ $orleans }}
grainState: {{ $grainState }}
{{- end -}}
