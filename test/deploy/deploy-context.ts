// What every deployment check reads (the services, their config shapes, the compose file, the k8s
// manifests, the topics) and the small value parsers the checks share.
import { readdirSync } from 'node:fs';
import { ShapeReader, type ConfigShape, type EnvVar } from './config-shapes';
import {
  REPO_ROOT,
  asArray,
  asRecord,
  asScalar,
  envReadBy,
  readCompose,
  readK8s,
  readServices,
  readTopics,
  repoPath,
  type ComposeFile,
  type ComposeService,
  type K8sManifests,
  type ServiceEntry,
  type TopicSpec,
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

export const MIGRATE_SCRIPT = 'scripts/migrate.ts';
/** Nodes are 2-core machines: one container may not be allowed more than that. */
export const MAX_CPU_LIMIT = 2;
/** A consumer group member per partition: a service whose config names a consumer group is a consumer. */
export const CONSUMER_GROUP_KEY = /_CONSUMER_GROUP$/;
export const CONSUMED_TOPICS_ANNOTATION = 'bnp.io/consumed-topics';

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

export const list = (names: Iterable<string>): string => [...names].join(', ');
export const why = (spec: EnvVar): string => `declared at ${spec.declaredAt} without a default`;
export const requiredVars = (shape: ConfigShape): EnvVar[] => [...shape.vars.values()].filter((spec) => spec.required);

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
export function shutdownTimeoutMs(shape: ConfigShape, value: string | undefined): number | undefined {
  const spec = shape.vars.get('SHUTDOWN_TIMEOUT_MS');
  if (!spec) return undefined;
  const effective = value ?? spec.defaultValue;
  return effective === undefined ? undefined : Number(effective);
}

// ---------------------------------------------------------------------------------------------------------------
// docker compose

export function keyValues(value: unknown): Map<string, string | undefined> {
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

export function dependsOn(service: ComposeService): Map<string, string | undefined> {
  const value = service.raw.depends_on;
  const result = new Map<string, string | undefined>();
  if (Array.isArray(value)) for (const name of value as unknown[]) result.set(asScalar(name) ?? '', undefined);
  else for (const [name, spec] of Object.entries(asRecord(value))) result.set(name, asScalar(asRecord(spec).condition));
  return result;
}

export function requireDependency(
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

export function publishedContainerPorts(service: ComposeService): number[] {
  return asArray(service.raw.ports).map((entry) => {
    if (typeof entry === 'object' && entry !== null) return Number(asScalar(asRecord(entry).target));
    const text = (asScalar(entry) ?? '').replace(/\/(tcp|udp)$/, '');
    return Number(text.split(':').pop());
  });
}

/** Port, build, variables, start order and stop grace period of one service in docker-compose.yml. */
