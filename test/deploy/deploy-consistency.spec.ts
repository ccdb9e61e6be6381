// Keeps deploy/docker, deploy/compose and deploy/k8s honest as the code changes. It reads the code as text (no
// service module is imported): scripts/services.txt (which services exist, their ports and entries), each
// service's config shape in services/<name>/src/config.ts with the shared shapes it spreads from libs/config,
// deploy/local/kafka/topics.txt and scripts/migrate.ts. A service added to scripts/services.txt is covered here
// without touching this file. Each failure lists what is missing or wrong, and where.
import { existsSync } from 'node:fs';
import {
  checkComposeService,
  checkEnvSources,
  checkImages,
  checkK8sService,
  checkKustomization,
  checkMigrateJobs,
  checkStale,
  checkTopicJobs,
  loadContext,
  type DeployContext,
} from './checks';
import type { ConfigShape } from './config-shapes';
import { readServices, repoPath, type ServiceEntry } from './deploy-files';

let cached: DeployContext | undefined;
const context = (): DeployContext => (cached ??= loadContext());

function expectConsistent(problems: string[]): void {
  if (problems.length > 0) {
    throw new Error(
      `${problems.length} deployment inconsistenc${problems.length === 1 ? 'y' : 'ies'}:\n  - ${problems.join('\n  - ')}`,
    );
  }
}

function shapeOf(service: ServiceEntry): ConfigShape {
  const shape = context().shapes.get(service.name);
  if (!shape) throw new Error(`no config shape read for ${service.name}`);
  if (shape instanceof Error) throw shape;
  return shape;
}

// Read when the suite is defined, so that each listed service gets its own tests.
const services = existsSync(repoPath('scripts', 'services.txt')) ? readServices() : [];

describe('deployment files', () => {
  it('scripts/services.txt lists services with numeric ports and existing entry files', () => {
    const problems = services.length === 0 ? ['scripts/services.txt lists no service'] : [];
    for (const service of services) {
      if (!Number.isInteger(service.port) || service.port <= 0) {
        problems.push(`scripts/services.txt:${service.line}: ${service.name} has no valid port`);
      }
      if (!existsSync(repoPath(service.entry))) {
        problems.push(`scripts/services.txt:${service.line}: entry ${service.entry} of ${service.name} does not exist`);
      }
    }
    expectConsistent(problems);
  });

  describe.each(services)('service $name (port $port)', (service) => {
    it('has a config shape the test can read, declaring PORT with the listed port as default', () => {
      const port = shapeOf(service).vars.get('PORT');
      expectConsistent(
        port?.defaultValue === String(service.port)
          ? []
          : [
              `services/${service.name}/src/config.ts: PORT defaults to ${port?.defaultValue ?? '(not declared)'}, ` +
                `scripts/services.txt says ${service.port}`,
            ],
      );
    });

    it('runs in docker compose with its port, build args, required variables, start order and stop grace', () => {
      expectConsistent(checkComposeService(context(), service, shapeOf(service)));
    });

    it('runs in Kubernetes with its port, variables, probes, shutdown grace, resources and disruption budget', () => {
      expectConsistent(checkK8sService(context(), service, shapeOf(service)));
    });
  });

  it('creates every topic of deploy/local/kafka/topics.txt in compose (topic-init) and Kubernetes (bnp-topics)', () => {
    expectConsistent(checkTopicJobs(context()));
  });

  it('runs scripts/migrate.ts as a job with the variables it reads, before the services', () => {
    expectConsistent(checkMigrateJobs(context()));
  });

  it('puts no variable in the shared env_file, ConfigMap and Secret that no config shape reads', () => {
    expectConsistent(checkEnvSources(context()));
  });

  it('applies every manifest through deploy/k8s/kustomization.yaml', () => {
    expectConsistent(checkKustomization(context()));
  });

  it('deploys no service that scripts/services.txt no longer lists', () => {
    expectConsistent(checkStale(context()));
  });

  it('uses the local Kafka version and keeps the image contract (tini, non-root, healthcheck, allow-list context)', () => {
    expectConsistent(checkImages(context()));
  });
});
