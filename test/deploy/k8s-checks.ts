// The k8s manifests against each service's config shape: env sources, probes, ports, resources, shutdown.
import { type ConfigShape } from './config-shapes';
import {
  asArray,
  asRecord,
  asScalar,
  containers,
  findObject,
  objectKeys,
  podLabels,
  podSpec,
  type K8sManifests,
  type K8sObject,
  type ServiceEntry,
  type YamlRecord,
} from './deploy-files';
import {
  RUNTIME_VARS,
  MAX_CPU_LIMIT,
  CONSUMER_GROUP_KEY,
  CONSUMED_TOPICS_ANNOTATION,
  type DeployContext,
  list,
  why,
  requiredVars,
  cpuCores,
  memoryBytes,
  shutdownTimeoutMs,
} from './deploy-context';

export interface PodEnv {
  /** name -> value where known (plain values, ConfigMap values); undefined for secrets. */
  available: Map<string, string | undefined>;
  /** Names set one by one in `env:`. */
  explicit: Set<string>;
  problems: string[];
}

/** The variables a container gets (env, envFrom), checking that every ConfigMap/Secret reference resolves. */
export function podEnv(manifests: K8sManifests, container: YamlRecord, label: string): PodEnv {
  const available = new Map<string, string | undefined>();
  const explicit = new Set<string>();
  const problems: string[] = [];
  const source = (kind: 'ConfigMap' | 'Secret', ref: YamlRecord): K8sObject | undefined => {
    const name = asScalar(ref.name) ?? '';
    const object = findObject(manifests, kind, name);
    if (!object && ref.optional !== true) {
      problems.push(`${label} refers to ${kind} ${name}, which no manifest under deploy/k8s defines`);
    }
    return object;
  };
  // envFrom first: Kubernetes lets `env` override it.
  for (const from of asArray(container.envFrom).map(asRecord)) {
    const configMap = from.configMapRef === undefined ? undefined : source('ConfigMap', asRecord(from.configMapRef));
    const secret = from.secretRef === undefined ? undefined : source('Secret', asRecord(from.secretRef));
    if (configMap) for (const [key, value] of objectKeys(configMap)) available.set(key, asScalar(value));
    if (secret) for (const key of objectKeys(secret).keys()) available.set(key, undefined);
  }
  for (const entry of asArray(container.env).map(asRecord)) {
    const name = asScalar(entry.name) ?? '';
    explicit.add(name);
    if ('value' in entry) {
      if (typeof entry.value !== 'string') {
        problems.push(
          `${label}: env ${name} must be a quoted string (Kubernetes rejects ${typeof entry.value} values)`,
        );
      }
      available.set(name, asScalar(entry.value));
      continue;
    }
    const from = asRecord(entry.valueFrom);
    const refs: ['ConfigMap' | 'Secret', unknown][] = [
      ['ConfigMap', from.configMapKeyRef],
      ['Secret', from.secretKeyRef],
    ];
    let value: string | undefined;
    for (const [kind, raw] of refs) {
      if (raw === undefined) continue;
      const ref = asRecord(raw);
      const object = source(kind, ref);
      const key = asScalar(ref.key) ?? '';
      if (object && !objectKeys(object).has(key)) {
        problems.push(
          `${label}: env ${name} refers to key ${key} of ${kind} ${object.name} (${object.file}), which has no such key`,
        );
      }
      if (object && kind === 'ConfigMap') value = asScalar(objectKeys(object).get(key));
    }
    available.set(name, value);
  }
  return { available, explicit, problems };
}

function resolvePort(container: YamlRecord, port: unknown): number | undefined {
  if (typeof port === 'number') return port;
  const named = asArray(container.ports)
    .map(asRecord)
    .find((entry) => entry.name === port);
  return named ? Number(asScalar(named.containerPort)) : Number(asScalar(port));
}

function preStopSleepSeconds(container: YamlRecord): number {
  const preStop = asRecord(asRecord(container.lifecycle).preStop);
  const sleep = Number(asScalar(asRecord(preStop.sleep).seconds));
  if (sleep > 0) return sleep;
  const command = asArray(asRecord(preStop.exec).command).map((part) => asScalar(part) ?? '');
  const match = /\bsleep\s+(\d+(?:\.\d+)?)/.exec(command.join(' '));
  return match ? Number(match[1]) : 0;
}

const matches = (selector: YamlRecord, labels: YamlRecord): boolean =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value);

export function imageRepository(image: string): string {
  const withoutDigest = image.split('@')[0] ?? '';
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** Deployment, Service, variables, probes, shutdown grace, resources and (for consumers) PDB and scaling note. */
export function checkK8sService(context: DeployContext, service: ServiceEntry, shape: ConfigShape): string[] {
  const { k8s } = context;
  const deployment = findObject(k8s, 'Deployment', service.name);
  if (!deployment) {
    return [
      `deploy/k8s: no Deployment "${service.name}" (scripts/services.txt:${service.line} lists it on port ${service.port}); ` +
        `add deploy/k8s/services/${service.name}.yaml (Deployment, Service, PodDisruptionBudget) and list it in deploy/k8s/kustomization.yaml`,
    ];
  }
  const label = `${deployment.file}: Deployment ${service.name}`;
  const problems: string[] = [];
  const container = containers(deployment).find((item) => item.name === service.name) ?? containers(deployment)[0];
  if (!container) return [`${label} has no container`];

  const image = asScalar(container.image) ?? '';
  if (imageRepository(image) !== `bnp/${service.name}`) {
    problems.push(
      `${label}: image must be bnp/${service.name} (set registry and tag in kustomization.yaml images), is ${image}`,
    );
  }
  const kustomizeImages = asArray(k8s.kustomization.images).map((entry) => asScalar(asRecord(entry).name));
  if (!kustomizeImages.includes(`bnp/${service.name}`)) {
    problems.push(`deploy/k8s/kustomization.yaml: images has no entry bnp/${service.name}, so CI cannot pin its tag`);
  }

  const containerPorts = asArray(container.ports).map((entry) => Number(asScalar(asRecord(entry).containerPort)));
  if (!containerPorts.includes(service.port)) {
    problems.push(
      `${label}: no containerPort ${service.port} (scripts/services.txt), has ${list(containerPorts.map(String)) || 'none'}`,
    );
  }

  const env = podEnv(k8s, container, label);
  problems.push(...env.problems);
  if (env.available.get('PORT') !== String(service.port)) {
    problems.push(
      `${label}: env PORT must be '${service.port}' (scripts/services.txt), is ${env.available.get('PORT') ?? '(unset)'}`,
    );
  }
  for (const spec of requiredVars(shape)) {
    if (!env.available.has(spec.name)) {
      problems.push(
        `${label} does not provide ${spec.name}, which ${shape.file} requires (${why(spec)}); ` +
          'add an env entry (secretKeyRef to bnp-secrets for secrets) or a key in bnp-config',
      );
    }
  }
  for (const name of env.explicit) {
    if (!shape.vars.has(name) && !RUNTIME_VARS.test(name)) {
      problems.push(
        `${label} sets env ${name}, which ${shape.file} (${shape.name}) does not read: a typo, or left over?`,
      );
    }
  }

  const probe = (kind: string, path: string): void => {
    const httpGet = asRecord(asRecord(container[kind]).httpGet);
    if (asScalar(httpGet.path) !== path) {
      problems.push(`${label}: ${kind} must be an httpGet of ${path}, is ${asScalar(httpGet.path) ?? '(none)'}`);
    } else if (resolvePort(container, httpGet.port) !== service.port) {
      problems.push(`${label}: ${kind} must probe port ${service.port}, probes ${asScalar(httpGet.port) ?? '(none)'}`);
    }
  };
  probe('readinessProbe', '/health');
  probe('livenessProbe', '/health/live');

  const shutdown = shutdownTimeoutMs(shape, env.available.get('SHUTDOWN_TIMEOUT_MS'));
  const graceSeconds = Number(asScalar(podSpec(deployment).terminationGracePeriodSeconds) ?? 30);
  const preStop = preStopSleepSeconds(container);
  if (shutdown !== undefined && graceSeconds * 1000 <= shutdown + preStop * 1000) {
    problems.push(
      `${label}: terminationGracePeriodSeconds (${graceSeconds}) must exceed the preStop pause (${preStop} s) plus ` +
        `SHUTDOWN_TIMEOUT_MS (${shutdown} ms), or the kubelet kills the pod before it leaves its consumer group`,
    );
  }

  const resources = asRecord(container.resources);
  for (const section of ['requests', 'limits'] as const) {
    for (const resource of ['cpu', 'memory'] as const) {
      if (asScalar(asRecord(resources[section])[resource]) === undefined) {
        problems.push(`${label}: resources.${section}.${resource} is not set`);
      }
    }
  }
  const cpuLimit = cpuCores(asScalar(asRecord(resources.limits).cpu));
  const cpuRequest = cpuCores(asScalar(asRecord(resources.requests).cpu));
  const memoryLimit = memoryBytes(asScalar(asRecord(resources.limits).memory));
  const memoryRequest = memoryBytes(asScalar(asRecord(resources.requests).memory));
  if (cpuLimit !== undefined && cpuLimit > MAX_CPU_LIMIT) {
    problems.push(`${label}: resources.limits.cpu ${cpuLimit} exceeds the ${MAX_CPU_LIMIT} cores of a node`);
  }
  if (cpuLimit !== undefined && cpuRequest !== undefined && cpuRequest > cpuLimit) {
    problems.push(`${label}: resources.requests.cpu is above resources.limits.cpu`);
  }
  if (memoryLimit !== undefined && memoryRequest !== undefined && memoryRequest > memoryLimit) {
    problems.push(`${label}: resources.requests.memory is above resources.limits.memory`);
  }

  const labels = podLabels(deployment);
  const kubeService = findObject(k8s, 'Service', service.name);
  if (!kubeService) {
    problems.push(`deploy/k8s: no Service "${service.name}" for Deployment ${service.name} (port ${service.port})`);
  } else {
    const spec = asRecord(kubeService.raw.spec);
    if (!matches(asRecord(spec.selector), labels)) {
      problems.push(
        `${kubeService.file}: Service ${service.name} selector does not match the pod labels of Deployment ${service.name}`,
      );
    }
    const targets = asArray(spec.ports).map((entry) =>
      resolvePort(container, asRecord(entry).targetPort ?? asRecord(entry).port),
    );
    if (!targets.includes(service.port)) {
      problems.push(
        `${kubeService.file}: Service ${service.name} has no port targeting container port ${service.port}`,
      );
    }
  }

  if ([...shape.vars.keys()].some((name) => CONSUMER_GROUP_KEY.test(name))) {
    const budget = k8s.objects.find(
      (object) =>
        object.kind === 'PodDisruptionBudget' &&
        matches(asRecord(asRecord(asRecord(object.raw.spec).selector).matchLabels), labels),
    );
    if (!budget) {
      problems.push(
        `deploy/k8s: no PodDisruptionBudget selects the pods of ${service.name}, a Kafka consumer (its config names a consumer group)`,
      );
    }
    const annotation = asScalar(asRecord(asRecord(deployment.raw.metadata).annotations)[CONSUMED_TOPICS_ANNOTATION]);
    if (!annotation) {
      problems.push(
        `${label}: annotation ${CONSUMED_TOPICS_ANNOTATION} is missing; name the topics it consumes, since replicas scale ` +
          'up to the partition count of the consumed topic',
      );
    } else {
      const replicas = Number(asScalar(asRecord(deployment.raw.spec).replicas) ?? 1);
      for (const topic of annotation.split(/[\s,]+/).filter(Boolean)) {
        const spec = context.topics.find((item) => item.topic === topic);
        if (!spec)
          problems.push(
            `${label}: ${CONSUMED_TOPICS_ANNOTATION} names ${topic}, which deploy/local/kafka/topics.txt does not create`,
          );
        else if (replicas > spec.partitions) {
          problems.push(
            `${label}: ${replicas} replicas but ${topic} has ${spec.partitions} partitions; the extra consumers would sit idle`,
          );
        }
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// Jobs, topics, shared sources, stale entries, images
