// The compose file against each service's config shape: env, ports, health, dependencies, limits.
import { dirname, resolve } from 'node:path';
import { type ConfigShape } from './config-shapes';
import { REPO_ROOT, asRecord, asScalar, rel, type ServiceEntry } from './deploy-files';
import {
  RUNTIME_VARS,
  NAMES,
  type DeployContext,
  why,
  requiredVars,
  composeDurationMs,
  shutdownTimeoutMs,
  keyValues,
  requireDependency,
  publishedContainerPorts,
} from './deploy-context';

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
