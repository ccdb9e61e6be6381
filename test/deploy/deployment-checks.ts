// Checks across the deployment as a whole: topic and migrate jobs, env sources, kustomization, stale and image references.
import { readFileSync } from 'node:fs';
import {
  asArray,
  asRecord,
  asScalar,
  composeScript,
  containerScript,
  containers,
  findObject,
  localKafkaVersion,
  objectKeys,
  rel,
  repoPath,
  topicsInScript,
  type K8sObject,
  type TopicSpec,
} from './deploy-files';
import {
  RUNTIME_VARS,
  NAMES,
  MIGRATE_SCRIPT,
  type DeployContext,
  keyValues,
  requireDependency,
} from './deploy-context';
import { imageRepository, podEnv } from './k8s-checks';

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
