#!/usr/bin/env bash
# Rolls the platform out to the current kubectl context, in the order docs/adr/0006-deployment-shape.md gives:
#   1. namespace and ConfigMap, then the topics and migrate jobs, waited for until they complete;
#   2. everything else (the services), then each Deployment's rollout.
# A failed job stops the rollout before any service runs against a schema or topics it does not expect.
# usage: deploy/k8s/deploy.sh            (kubectl with kustomize, v1.27 or later)
set -euo pipefail
cd "$(dirname "$0")"
ns=bnp
job_timeout=${BNP_JOB_TIMEOUT_SECONDS:-900}

log() { printf '[bnp] %s\n' "$*" >&2; }

wait_job() { # name
  local job=$1 deadline=$((SECONDS + job_timeout)) state
  while :; do
    state=$(kubectl -n "$ns" get job "$job" \
      -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type}{" "}{end}')
    case " $state " in
      *" Complete "*) log "job $job completed"; return 0 ;;
      *" Failed "*) ;;
      *) if ((SECONDS < deadline)); then sleep 5; continue; fi ;;
    esac
    kubectl -n "$ns" logs "job/$job" --all-containers --tail=50 >&2 || true
    log "job $job did not complete (state: ${state:-running}); services were not rolled out"
    return 1
  done
}

kubectl apply -f namespace.yaml
if ! kubectl -n "$ns" get secret bnp-secrets >/dev/null 2>&1; then
  log "Secret bnp-secrets is missing in namespace $ns: fill a copy of deploy/k8s/secret.template.yaml and apply it"
  exit 1
fi

# Jobs are immutable: delete the previous run so the new images run (its logs go with it).
kubectl -n "$ns" delete job -l bnp.io/phase=prepare --ignore-not-found --wait=true
kubectl apply -k . -l bnp.io/phase=prepare
for job in bnp-topics bnp-migrate; do wait_job "$job"; done

kubectl apply -k .
for deployment in $(kubectl -n "$ns" get deployment -l app.kubernetes.io/component=service -o name); do
  kubectl -n "$ns" rollout status "$deployment" --timeout=10m
done
log "rolled out"
