// The consistency rules between the code (scripts/services.txt, config shapes, topics.txt, scripts/migrate.ts)
// and the deployment files (deploy/docker, deploy/compose, deploy/k8s). Each check returns problems, one sentence
// each, naming the file, the object and what is missing or wrong; an empty list means consistent.
export { checkComposeService } from './compose-checks';
export { checkK8sService } from './k8s-checks';
export {
  checkEnvSources,
  checkImages,
  checkKustomization,
  checkMigrateJobs,
  checkStale,
  checkTopicJobs,
  compareTopics,
} from './deployment-checks';
export {
  RUNTIME_VARS,
  NAMES,
  composeDurationMs,
  cpuCores,
  memoryBytes,
  loadContext,
  type DeployContext,
} from './deploy-context';
