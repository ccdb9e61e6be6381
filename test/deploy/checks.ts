// The consistency rules between the code (scripts/services.txt, config shapes, topics.txt, scripts/migrate.ts)
// and the deployment files (deploy/docker, deploy/compose, deploy/k8s). Each check returns problems, one sentence
// each, naming the file, the object and what is missing or wrong; an empty list means consistent.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ShapeReader, type ConfigShape, type EnvVar } from './config-shapes';
import {
  REPO_ROOT,
  asArray,
  asRecord,
  asScalar,
  composeScript,
  containerScript,
  containers,
  envReadBy,
  findObject,
  localKafkaVersion,
  objectKeys,
  podLabels,
  podSpec,
  readCompose,
  readK8s,
  readServices,
  readTopics,
  rel,
  repoPath,
  topicsInScript,
  type ComposeFile,
  type ComposeService,
  type K8sManifests,
  type K8sObject,
  type ServiceEntry,
  type TopicSpec,
  type YamlRecord,
} from './deploy-files';

/** Read by node or the image rather than by a config shape, so deploy files may set them without a shape key. */
export const RUNTIME_VARS = /^(NODE_OPTIONS|NODE_ENV|NODE_EXTRA_CA_CERTS|TZ|UV_THREADPOOL_SIZE|SWC_NODE_[A-Z0-9_]+)$/;

/** Fixed names of the infrastructure pieces the services depend on. */
export const NAMES = {
  composeBroker: 'kafka',
  composeTopics: 'topic-init',
  composeDatabase: 'postgres',
  composeMigrate: 'migrate',
  k8sTopicsJob: 'bnp-topics',
  k8sMigrateJob: 'bnp-migrate',
  serviceDockerfile: 'deploy/docker/Dockerfile.service',
  migrateDockerfile: 'deploy/docker/Dockerfile.migrate',
} as const;

const MIGRATE_SCRIPT = 'scripts/migrate.ts';
/** Nodes are 2-core machines: one container may not be allowed more than that. */
const MAX_CPU_LIMIT = 2;
/** A consumer group member per partition: a service whose config names a consumer group is a consumer. */
const CONSUMER_GROUP_KEY = /_CONSUMER_GROUP$/;
const CONSUMED_TOPICS_ANNOTATION = 'bnp.io/consumed-topics';

export interface DeployContext {
  services: ServiceEntry[];
  topics: TopicSpec[];
  /** Per service: its shape, or why it could not be read. */
  shapes: Map<string, ConfigShape | Error>;
  sharedShapes: ConfigShape[];
  /** Every variable some config shape (of a listed service or libs/config) or the migrate script reads. */
  declared: Set<string>;
  migrateReads: Set<string>;
  compose: ComposeFile;
  k8s: K8sManifests;
}

export function loadContext(): DeployContext {
  const reader = new ShapeReader(REPO_ROOT);
  const services = readServices();
  const shapes = new Map<string, ConfigShape | Error>();
  for (const service of services) {
    try {
      shapes.set(service.name, reader.readServiceShape(repoPath('services', service.name, 'src', 'config.ts')));
    } catch (error) {
      shapes.set(service.name, error instanceof Error ? error : new Error(String(error)));
    }
  }
  const configFolder = repoPath('libs', 'config', 'src');
  const sharedShapes = reader.readExportedShapes(
    configFolder,
    readdirSync(configFolder).filter(
      (name) => name.endsWith('.ts') && !name.endsWith('.spec.ts') && name !== 'index.ts',
    ),
  );
  const migrateReads = envReadBy(repoPath(MIGRATE_SCRIPT));
  const declared = new Set<string>(migrateReads);
  for (const shape of [...shapes.values(), ...sharedShapes]) {
    if (!(shape instanceof Error)) for (const name of shape.vars.keys()) declared.add(name);
  }
  return {
    services,
    topics: readTopics(),
    shapes,
    sharedShapes,
    declared,
    migrateReads,
    compose: readCompose(),
    k8s: readK8s(),
  };
}

const list = (names: Iterable<string>): string => [...names].join(', ');
const why = (spec: EnvVar): string => `declared at ${spec.declaredAt} without a default`;
const requiredVars = (shape: ConfigShape): EnvVar[] => [...shape.vars.values()].filter((spec) => spec.required);

/** Milliseconds of a compose duration ("30s", "1m30s", "500ms"); docker's default stop timeout is 10 s. */
export function composeDurationMs(value: string | undefined): number {
  if (value === undefined) return 10_000;
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 };
  let total = 0;
  for (const match of value.matchAll(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g)) {
    total += Number(match[1]) * (units[match[2] ?? ''] ?? 0);
  }
  return total;
}

/** CPU cores of a Kubernetes quantity ('250m', '1', '1.5'). */
export function cpuCores(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(value);
  return match ? Number(match[1]) / (match[2] ? 1000 : 1) : undefined;
}

/** Bytes of a Kubernetes memory quantity ('384Mi', '1Gi', '500M'). */
export function memoryBytes(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(value);
  if (!match) return undefined;
  const factors: Record<string, number> = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Number(match[1]) * (match[2] ? (factors[match[2]] ?? 1) : 1);
}

/** The effective SHUTDOWN_TIMEOUT_MS: the deployment's value, else the shape's default. */
function shutdownTimeoutMs(shape: ConfigShape, value: string | undefined): number | undefined {
  const spec = shape.vars.get('SHUTDOWN_TIMEOUT_MS');
  if (!spec) return undefined;
  const effective = value ?? spec.defaultValue;
  return effective === undefined ? undefined : Number(effective);
}

// ---------------------------------------------------------------------------------------------------------------
// docker compose

function keyValues(value: unknown): Map<string, string | undefined> {
  const result = new Map<string, string | undefined>();
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) {
      const [key = '', ...rest] = (asScalar(item) ?? '').split('=');
      result.set(key, rest.length > 0 ? rest.join('=') : undefined);
    }
  } else {
    for (const [key, raw] of Object.entries(asRecord(value))) result.set(key, asScalar(raw));
  }
  return result;
}

function dependsOn(service: ComposeService): Map<string, string | undefined> {
  const value = service.raw.depends_on;
  const result = new Map<string, string | undefined>();
  if (Array.isArray(value)) for (const name of value as unknown[]) result.set(asScalar(name) ?? '', undefined);
  else for (const [name, spec] of Object.entries(asRecord(value))) result.set(name, asScalar(asRecord(spec).condition));
  return result;
}

function requireDependency(
  label: string,
  service: ComposeService,
  on: string,
  condition: string,
  reason: string,
): string[] {
  const actual = dependsOn(service);
  if (!actual.has(on)) return [`${label} must depend_on ${on} (condition: ${condition}): ${reason}`];
  const got = actual.get(on);
  return got === condition
    ? []
    : [`${label} depends_on ${on} with condition ${got ?? '(none)'}; needs ${condition}: ${reason}`];
}

function publishedContainerPorts(service: ComposeService): number[] {
  return asArray(service.raw.ports).map((entry) => {
    if (typeof entry === 'object' && entry !== null) return Number(asScalar(asRecord(entry).target));
    const text = (asScalar(entry) ?? '').replace(/\/(tcp|udp)$/, '');
    return Number(text.split(':').pop());
  });
}

/** Port, build, variables, start order and stop grace period of one service in docker-compose.yml. */
export function checkComposeService(context: DeployContext, service: ServiceEntry, shape: ConfigShape): string[] {
  const file = rel(context.compose.file);
  const compose = context.compose.services.get(service.name);
  if (!compose) {
    return [
      `${file}: no service "${service.name}" (scripts/services.txt:${service.line} lists it on port ${service.port}); ` +
        `add one built from ${NAMES.serviceDockerfile}`,
    ];
  }
  const label = `${file}: service ${service.name}`;
  const problems = [...compose.envFileProblems];

  const build = asRecord(compose.raw.build);
  const args = keyValues(build.args);
  const context_ = asScalar(build.context);
  if (!context_ || resolve(dirname(context.compose.file), context_) !== REPO_ROOT) {
    problems.push(`${label}: build.context must be the repository root (../..), is ${context_ ?? '(unset)'}`);
  }
  if (asScalar(build.dockerfile) !== NAMES.serviceDockerfile) {
    problems.push(
      `${label}: build.dockerfile must be ${NAMES.serviceDockerfile}, is ${asScalar(build.dockerfile) ?? '(unset)'}`,
    );
  }
  if (args.get('SERVICE') !== service.name) {
    problems.push(`${label}: build arg SERVICE must be ${service.name}, is ${args.get('SERVICE') ?? '(unset)'}`);
  }
  if (args.get('PORT') !== String(service.port)) {
    problems.push(
      `${label}: build arg PORT must be ${service.port} (scripts/services.txt), is ${args.get('PORT') ?? '(unset)'}`,
    );
  }
  const imageEntry = args.get('ENTRY') ?? `services/${service.name}/src/main.ts`;
  if (imageEntry !== service.entry) {
    problems.push(
      `${label}: the image would start ${imageEntry} but scripts/services.txt starts ${service.entry}; pass build arg ENTRY=${service.entry}`,
    );
  }

  const port = compose.environment.get('PORT');
  if (port !== String(service.port)) {
    problems.push(
      `${label}: environment PORT must be '${service.port}' (scripts/services.txt), is ${port ?? '(unset)'}`,
    );
  }
  if (!publishedContainerPorts(compose).includes(service.port)) {
    problems.push(`${label}: ports does not publish container port ${service.port}`);
  }

  for (const spec of requiredVars(shape)) {
    const value = compose.environment.get(spec.name);
    if (compose.environment.has(spec.name) && value !== undefined && value !== '') continue;
    if (compose.envFileVars.has(spec.name)) continue;
    problems.push(
      `${label} does not set ${spec.name}, which ${shape.file} requires (${why(spec)}); ` +
        'add it to environment: or to an env_file template (deploy/compose/secrets.env.example for secrets)',
    );
  }
  for (const name of compose.environment.keys()) {
    if (!shape.vars.has(name) && !RUNTIME_VARS.test(name)) {
      problems.push(`${label} sets ${name}, which ${shape.file} (${shape.name}) does not read: a typo, or left over?`);
    }
  }

  if (shape.vars.has('KAFKA_BROKERS')) {
    problems.push(
      ...requireDependency(label, compose, NAMES.composeBroker, 'service_healthy', 'it reads KAFKA_BROKERS'),
      ...requireDependency(
        label,
        compose,
        NAMES.composeTopics,
        'service_completed_successfully',
        'its topics must exist first',
      ),
    );
  }
  if (shape.vars.has('DATABASE_URL')) {
    problems.push(
      ...requireDependency(
        label,
        compose,
        NAMES.composeMigrate,
        'service_completed_successfully',
        'its schema must be migrated first',
      ),
    );
  }

  const shutdown = shutdownTimeoutMs(shape, compose.environment.get('SHUTDOWN_TIMEOUT_MS'));
  const grace = composeDurationMs(asScalar(compose.raw.stop_grace_period));
  if (shutdown !== undefined && grace <= shutdown) {
    problems.push(
      `${label}: stop_grace_period (${grace} ms) must exceed SHUTDOWN_TIMEOUT_MS (${shutdown} ms), ` +
        'or docker kills the service before it leaves its consumer group',
    );
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// Kubernetes

interface PodEnv {
  /** name -> value where known (plain values, ConfigMap values); undefined for secrets. */
  available: Map<string, string | undefined>;
  /** Names set one by one in `env:`. */
  explicit: Set<string>;
  problems: string[];
}

/** The variables a container gets (env, envFrom), checking that every ConfigMap/Secret reference resolves. */
function podEnv(manifests: K8sManifests, container: YamlRecord, label: string): PodEnv {
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

function imageRepository(image: string): string {
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

export function compareTopics(expected: TopicSpec[], actual: TopicSpec[], where: string): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const topic of actual) {
    if (seen.has(topic.topic)) problems.push(`${where} creates ${topic.topic} twice`);
    seen.add(topic.topic);
  }
  for (const want of expected) {
    const got = actual.find((item) => item.topic === want.topic);
    const line = `topic ${want.topic} ${want.partitions}${want.retentionMs ? ` ${want.retentionMs}` : ''}`;
    if (!got)
      problems.push(`${where} does not create ${want.topic} (deploy/local/kafka/topics.txt); add the line: ${line}`);
    else if (got.partitions !== want.partitions) {
      problems.push(
        `${where} creates ${want.topic} with ${got.partitions} partitions, topics.txt says ${want.partitions}`,
      );
    } else if (got.retentionMs !== want.retentionMs) {
      problems.push(
        `${where} creates ${want.topic} with retention.ms ${got.retentionMs ?? '(default)'}, topics.txt says ${want.retentionMs ?? '(default)'}`,
      );
    }
  }
  for (const got of actual) {
    if (!expected.some((want) => want.topic === got.topic)) {
      problems.push(`${where} creates ${got.topic}, which deploy/local/kafka/topics.txt does not list`);
    }
  }
  return problems;
}

export function checkTopicJobs(context: DeployContext): string[] {
  const problems: string[] = [];
  const composeFile = rel(context.compose.file);
  const composeJob = context.compose.services.get(NAMES.composeTopics);
  if (!composeJob)
    problems.push(`${composeFile}: no service "${NAMES.composeTopics}" creating the topics of topics.txt`);
  else {
    problems.push(
      ...compareTopics(
        context.topics,
        topicsInScript(composeScript(composeJob)),
        `${composeFile}: ${NAMES.composeTopics}`,
      ),
    );
    problems.push(
      ...requireDependency(
        `${composeFile}: service ${NAMES.composeTopics}`,
        composeJob,
        NAMES.composeBroker,
        'service_healthy',
        'it talks to the broker',
      ),
    );
  }
  const job = findObject(context.k8s, 'Job', NAMES.k8sTopicsJob);
  if (!job) problems.push(`deploy/k8s: no Job "${NAMES.k8sTopicsJob}" creating the topics of topics.txt`);
  else {
    const script = containers(job).map(containerScript).join('\n');
    problems.push(...compareTopics(context.topics, topicsInScript(script), `${job.file}: Job ${NAMES.k8sTopicsJob}`));
  }
  return problems;
}

export function checkMigrateJobs(context: DeployContext): string[] {
  const problems: string[] = [];
  const composeFile = rel(context.compose.file);
  const composeJob = context.compose.services.get(NAMES.composeMigrate);
  if (!composeJob) problems.push(`${composeFile}: no service "${NAMES.composeMigrate}" running ${MIGRATE_SCRIPT}`);
  else {
    const label = `${composeFile}: service ${NAMES.composeMigrate}`;
    if (asScalar(asRecord(composeJob.raw.build).dockerfile) !== NAMES.migrateDockerfile) {
      problems.push(`${label}: build.dockerfile must be ${NAMES.migrateDockerfile}`);
    }
    for (const name of context.migrateReads) {
      if (!composeJob.environment.get(name))
        problems.push(`${label} does not set ${name}, which ${MIGRATE_SCRIPT} reads`);
    }
    for (const name of composeJob.environment.keys()) {
      if (!context.migrateReads.has(name) && !RUNTIME_VARS.test(name)) {
        problems.push(`${label} sets ${name}, which ${MIGRATE_SCRIPT} does not read`);
      }
    }
    problems.push(
      ...requireDependency(label, composeJob, NAMES.composeDatabase, 'service_healthy', 'it migrates the database'),
    );
  }
  const job = findObject(context.k8s, 'Job', NAMES.k8sMigrateJob);
  if (!job) problems.push(`deploy/k8s: no Job "${NAMES.k8sMigrateJob}" running ${MIGRATE_SCRIPT}`);
  else {
    const label = `${job.file}: Job ${NAMES.k8sMigrateJob}`;
    const [container] = containers(job);
    if (!container) problems.push(`${label} has no container`);
    else {
      const env = podEnv(context.k8s, container, label);
      problems.push(...env.problems);
      for (const name of context.migrateReads) {
        if (!env.available.has(name)) problems.push(`${label} does not provide ${name}, which ${MIGRATE_SCRIPT} reads`);
      }
      for (const name of env.explicit) {
        if (!context.migrateReads.has(name) && !RUNTIME_VARS.test(name)) {
          problems.push(`${label} sets env ${name}, which ${MIGRATE_SCRIPT} does not read`);
        }
      }
      if (imageRepository(asScalar(container.image) ?? '') !== 'bnp/migrate')
        problems.push(`${label}: image must be bnp/migrate`);
    }
  }
  return problems;
}

/**
 * Keys of every shared variable source must be declared by some config shape (or the migrate script): compose
 * env_file templates, and the ConfigMaps and Secrets that some Kubernetes container takes variables from.
 */
export function checkEnvSources(context: DeployContext): string[] {
  const problems: string[] = [];
  const envFileKeys = new Map<string, string>();
  for (const service of context.compose.services.values()) {
    for (const [name, source] of service.envFileVars) envFileKeys.set(`${source}#${name}`, name);
  }
  for (const [where, name] of envFileKeys) {
    if (!context.declared.has(name) && !RUNTIME_VARS.test(name)) {
      problems.push(
        `${where.split('#')[0] ?? ''} (a compose env_file) defines ${name}, which no config shape of a service in ` +
          'scripts/services.txt (nor libs/config, nor scripts/migrate.ts) reads: a typo, or left over?',
      );
    }
  }
  const sources = new Map<string, K8sObject>();
  for (const object of context.k8s.objects) {
    for (const container of ['Deployment', 'Job', 'StatefulSet'].includes(object.kind) ? containers(object) : []) {
      const refs: [string, unknown][] = [
        ...asArray(container.envFrom).flatMap((from): [string, unknown][] => [
          ['ConfigMap', asRecord(from).configMapRef],
          ['Secret', asRecord(from).secretRef],
        ]),
        ...asArray(container.env).flatMap((entry): [string, unknown][] => [
          ['ConfigMap', asRecord(asRecord(entry).valueFrom).configMapKeyRef],
          ['Secret', asRecord(asRecord(entry).valueFrom).secretKeyRef],
        ]),
      ];
      for (const [kind, ref] of refs) {
        if (ref === undefined) continue;
        const found = findObject(context.k8s, kind, asScalar(asRecord(ref).name) ?? '');
        if (found) sources.set(`${kind}/${found.name}`, found);
      }
    }
  }
  for (const source of sources.values()) {
    for (const [key, value] of objectKeys(source)) {
      if (!context.declared.has(key) && !RUNTIME_VARS.test(key)) {
        problems.push(
          `${source.file}: ${source.kind} ${source.name} has key ${key}, which no config shape of a service in ` +
            'scripts/services.txt (nor libs/config, nor scripts/migrate.ts) reads: a typo, or left over?',
        );
      }
      if (source.kind === 'ConfigMap' && typeof value !== 'string') {
        problems.push(`${source.file}: ConfigMap ${source.name} value of ${key} must be a quoted string`);
      }
    }
  }
  return problems;
}

export function checkKustomization(context: DeployContext): string[] {
  return [
    ...context.k8s.missing.map((file) => `deploy/k8s/kustomization.yaml lists ${file}, which does not exist`),
    ...context.k8s.unlisted.map(
      (file) => `${file} is not listed in deploy/k8s/kustomization.yaml resources, so it is never applied`,
    ),
  ];
}

/** Deploy entries for services that scripts/services.txt no longer lists. */
export function checkStale(context: DeployContext): string[] {
  const listed = new Set(context.services.map((service) => service.name));
  const problems: string[] = [];
  for (const service of context.compose.services.values()) {
    const build = asRecord(service.raw.build);
    const name = keyValues(build.args).get('SERVICE');
    if (asScalar(build.dockerfile) === NAMES.serviceDockerfile && name !== undefined && !listed.has(name)) {
      problems.push(
        `${rel(context.compose.file)}: service ${service.name} builds ${name}, which scripts/services.txt does not list`,
      );
    }
  }
  for (const object of context.k8s.objects) {
    const component = asScalar(asRecord(asRecord(object.raw.metadata).labels)['app.kubernetes.io/component']);
    if (object.kind === 'Deployment' && component === 'service' && !listed.has(object.name)) {
      problems.push(`${object.file}: Deployment ${object.name} is not a service in scripts/services.txt`);
    }
  }
  return problems;
}

/** Kafka images match the local broker's version; the Dockerfiles keep their runtime contract. */
export function checkImages(context: DeployContext): string[] {
  const problems: string[] = [];
  const version = localKafkaVersion();
  const wanted = `apache/kafka:${version ?? '?'}`;
  for (const name of [NAMES.composeBroker, NAMES.composeTopics]) {
    const image = asScalar(context.compose.services.get(name)?.raw.image);
    if (image !== wanted)
      problems.push(
        `${rel(context.compose.file)}: service ${name} must run ${wanted} (deploy/local/kafka/pom.xml), runs ${image ?? '(none)'}`,
      );
  }
  const job = findObject(context.k8s, 'Job', NAMES.k8sTopicsJob);
  for (const container of job ? containers(job) : []) {
    if (asScalar(container.image) !== wanted) {
      problems.push(
        `${job?.file ?? 'deploy/k8s'}: Job ${NAMES.k8sTopicsJob} must run ${wanted}, runs ${asScalar(container.image) ?? '(none)'}`,
      );
    }
  }

  const dockerfile = readFileSync(repoPath(NAMES.serviceDockerfile), 'utf8');
  const expectations: [RegExp, string][] = [
    [/^FROM node:20-bookworm-slim\b|^ARG NODE_IMAGE=node:20-bookworm-slim$/m, 'build on node:20-bookworm-slim'],
    [/^ARG SERVICE$/m, 'take ARG SERVICE'],
    [/^ARG PORT$/m, 'take ARG PORT'],
    [/^EXPOSE \$\{PORT\}$/m, 'EXPOSE ${PORT}'],
    [/^HEALTHCHECK [\s\S]*\/health\/live/m, 'have a HEALTHCHECK of /health/live'],
    [/^ENTRYPOINT \["\/usr\/bin\/tini", "--"\]$/m, 'run tini as PID 1 so SIGTERM reaches node'],
    [/^CMD \["node", "-r", "@swc-node\/register"/m, 'start node with -r @swc-node/register in exec form'],
    [/^USER (?!0\b|root\b)\S+$/m, 'run as a non-root USER'],
  ];
  for (const [pattern, what] of expectations) {
    if (!pattern.test(dockerfile)) problems.push(`${NAMES.serviceDockerfile} must ${what}`);
  }

  const patterns = (file: string): string[] =>
    readFileSync(repoPath(file), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
  const serviceIgnore = patterns(`${NAMES.serviceDockerfile}.dockerignore`);
  const migrateIgnore = patterns(`${NAMES.migrateDockerfile}.dockerignore`);
  if (serviceIgnore.join('\n') !== migrateIgnore.join('\n')) {
    problems.push(
      `${NAMES.serviceDockerfile}.dockerignore and ${NAMES.migrateDockerfile}.dockerignore must hold the same patterns`,
    );
  }
  if (serviceIgnore[0] !== '*') {
    problems.push(
      `${NAMES.serviceDockerfile}.dockerignore must start with '*' (allow-list), so local secrets never enter the build context`,
    );
  }
  return problems;
}
