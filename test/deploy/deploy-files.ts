// Loads the files the deploy consistency spec compares: scripts/services.txt, deploy/local/kafka/topics.txt,
// deploy/compose/docker-compose.yml (+ env files), deploy/k8s/**.yaml, scripts/migrate.ts.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const REPO_ROOT = join(__dirname, '..', '..');

export const repoPath = (...parts: string[]): string => join(REPO_ROOT, ...parts);
export const rel = (file: string): string => relative(REPO_ROOT, file);

export interface ServiceEntry {
  name: string;
  port: number;
  entry: string;
  line: number;
}

export interface TopicSpec {
  topic: string;
  partitions: number;
  retentionMs?: string;
}

// ---------- plain-text lists ----------

function tableLines(text: string): { fields: string[]; line: number }[] {
  return text
    .split('\n')
    .map((raw, index) => ({ fields: raw.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean), line: index + 1 }))
    .filter(({ fields }) => fields.length > 0);
}

/** scripts/services.txt: `name port entry`, as scripts/start.sh reads it. */
export function readServices(file = repoPath('scripts', 'services.txt')): ServiceEntry[] {
  return tableLines(readFileSync(file, 'utf8')).map(({ fields, line }) => {
    const [name = '', port = '', entry = ''] = fields;
    return { name, port: Number(port), entry, line };
  });
}

/** deploy/local/kafka/topics.txt: `topic partitions [retention.ms]`, as scripts/kafka-topics.ts reads it. */
export function readTopics(file = repoPath('deploy', 'local', 'kafka', 'topics.txt')): TopicSpec[] {
  return tableLines(readFileSync(file, 'utf8')).map(({ fields }) => {
    const [topic = '', partitions = '', retentionMs] = fields;
    return retentionMs
      ? { topic, partitions: Number(partitions), retentionMs }
      : { topic, partitions: Number(partitions) };
  });
}

/** The `topic <name> <partitions> [retention.ms]` lines of a topic job's shell script (compose or Kubernetes). */
export function topicsInScript(script: string): TopicSpec[] {
  const topics: TopicSpec[] = [];
  for (const match of script.matchAll(/^\s*topic\s+(\S+)\s+(\d+)(?:\s+(\d+))?\s*$/gm)) {
    const [, topic = '', partitions = '', retentionMs] = match;
    topics.push(
      retentionMs ? { topic, partitions: Number(partitions), retentionMs } : { topic, partitions: Number(partitions) },
    );
  }
  return topics;
}

/** KEY=value lines of an env file (compose env_file); comments and blank lines skipped. */
export function readEnvFile(file: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (match?.[1]) vars.set(match[1], (match[2] ?? '').trim());
  }
  return vars;
}

/** `process.env.NAME` / `process.env['NAME']` read by a script (the migrate job's variables). */
export function envReadBy(file: string): Set<string> {
  const text = readFileSync(file, 'utf8');
  const names = new Set<string>();
  for (const match of text.matchAll(/process\.env(?:\.([A-Z_][A-Z0-9_]*)|\[\s*['"]([A-Z_][A-Z0-9_]*)['"]\s*\])/g)) {
    const name = match[1] ?? match[2];
    if (name) names.add(name);
  }
  return names;
}

/** The Kafka version deploy/local/kafka/pom.xml pins (the local broker's). */
export function localKafkaVersion(): string | undefined {
  const pom = readFileSync(repoPath('deploy', 'local', 'kafka', 'pom.xml'), 'utf8');
  return /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
}

// ---------- YAML ----------

export type YamlRecord = Record<string, unknown>;

export const isRecord = (value: unknown): value is YamlRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
export const asRecord = (value: unknown): YamlRecord => (isRecord(value) ? value : {});
export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : []);
/** Scalars as YAML gives them (3001, true, 'x'), as strings; anything else undefined. */
export const asScalar = (value: unknown): string | undefined =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;

/** Every document of a YAML file; merge keys (<<) resolved, as docker compose does. Throws on syntax errors. */
export function readYamlDocuments(file: string): unknown[] {
  const documents = parseAllDocuments(readFileSync(file, 'utf8'), { merge: true });
  const errors = documents.flatMap((document) => document.errors.map((error) => error.message));
  if (errors.length > 0) throw new Error(`${rel(file)} is not valid YAML:\n${errors.join('\n')}`);
  return documents.map((document) => document.toJSON() as unknown).filter((value) => value !== null);
}

// ---------- compose ----------

export interface ComposeService {
  name: string;
  raw: YamlRecord;
  /** `environment:` after merge keys: name -> value (undefined = passed through from the host). */
  environment: Map<string, string | undefined>;
  /** Keys of the env_file entries, with the file each came from. */
  envFileVars: Map<string, string>;
  /** Problems reading env_file entries (a missing file and template). */
  envFileProblems: string[];
}

export interface ComposeFile {
  file: string;
  services: Map<string, ComposeService>;
}

export function readCompose(file = repoPath('deploy', 'compose', 'docker-compose.yml')): ComposeFile {
  const [document] = readYamlDocuments(file);
  const services = new Map<string, ComposeService>();
  for (const [name, value] of Object.entries(asRecord(asRecord(document).services))) {
    const raw = asRecord(value);
    const { vars, problems } = composeEnvFiles(file, name, raw.env_file);
    services.set(name, {
      name,
      raw,
      environment: composeEnvironment(raw.environment),
      envFileVars: vars,
      envFileProblems: problems,
    });
  }
  return { file, services };
}

function composeEnvironment(value: unknown): Map<string, string | undefined> {
  const environment = new Map<string, string | undefined>();
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) {
      const text = asScalar(item) ?? '';
      const equals = text.indexOf('=');
      if (equals === -1) environment.set(text, undefined);
      else environment.set(text.slice(0, equals), text.slice(equals + 1));
    }
  } else {
    for (const [name, raw] of Object.entries(asRecord(value))) environment.set(name, asScalar(raw));
  }
  return environment;
}

/**
 * env_file entries, read from the committed template `<file>.example` when there is one (the real file holds
 * secrets and is git-ignored), else from the file itself.
 */
function composeEnvFiles(
  composeFile: string,
  service: string,
  value: unknown,
): { vars: Map<string, string>; problems: string[] } {
  const vars = new Map<string, string>();
  const problems: string[] = [];
  const entries = value === undefined ? [] : Array.isArray(value) ? (value as unknown[]) : [value];
  for (const entry of entries) {
    const path = asScalar(entry) ?? asScalar(asRecord(entry).path);
    if (!path) continue;
    const file = join(dirname(composeFile), path);
    const source = [`${file}.example`, file].find((candidate) => existsSync(candidate));
    if (!source) {
      problems.push(
        `${rel(composeFile)}: service ${service} reads env_file ${rel(file)}, but neither it nor ${rel(file)}.example exists`,
      );
      continue;
    }
    for (const name of readEnvFile(source).keys()) vars.set(name, rel(source));
  }
  return { vars, problems };
}

// ---------- Kubernetes ----------

export interface K8sObject {
  kind: string;
  name: string;
  file: string;
  raw: YamlRecord;
}

export interface K8sManifests {
  root: string;
  objects: K8sObject[];
  /** Manifest files (repo-relative) not reached from kustomization.yaml's resources. */
  unlisted: string[];
  /** kustomization.yaml resources that do not exist. */
  missing: string[];
  kustomization: YamlRecord;
}

function yamlFilesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return yamlFilesUnder(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

/** Every object of every YAML file under deploy/k8s, templates included (the Secret template names its keys). */
export function readK8s(root = repoPath('deploy', 'k8s')): K8sManifests {
  const files = yamlFilesUnder(root);
  const kustomizationFile = join(root, 'kustomization.yaml');
  const kustomization = existsSync(kustomizationFile) ? asRecord(readYamlDocuments(kustomizationFile)[0]) : {};
  const listed = asArray(kustomization.resources).map((item) => join(root, asScalar(item) ?? ''));
  const missing = listed.filter((path) => !existsSync(path)).map(rel);
  const covered = (file: string): boolean =>
    listed.some(
      (path) => path === file || (existsSync(path) && statSync(path).isDirectory() && file.startsWith(`${path}/`)),
    );
  const unlisted = files
    .filter((file) => file !== kustomizationFile && !file.endsWith('.template.yaml') && !covered(file))
    .map(rel);
  const objects = files
    .filter((file) => file !== kustomizationFile)
    .flatMap((file) =>
      readYamlDocuments(file).map((document) => {
        const raw = asRecord(document);
        return {
          kind: asScalar(raw.kind) ?? '',
          name: asScalar(asRecord(raw.metadata).name) ?? '',
          file: rel(file),
          raw,
        };
      }),
    );
  return { root, objects, unlisted, missing, kustomization };
}

export function findObject(manifests: K8sManifests, kind: string, name: string): K8sObject | undefined {
  return manifests.objects.find((object) => object.kind === kind && object.name === name);
}

/** Keys of a ConfigMap (data) or Secret (data and stringData). */
export function objectKeys(object: K8sObject): Map<string, unknown> {
  const keys = new Map<string, unknown>();
  for (const section of ['data', 'stringData']) {
    for (const [key, value] of Object.entries(asRecord(object.raw[section]))) keys.set(key, value);
  }
  return keys;
}

/** The pod spec of a Deployment or Job. */
export const podSpec = (object: K8sObject): YamlRecord => asRecord(asRecord(asRecord(object.raw.spec).template).spec);
export const podLabels = (object: K8sObject): YamlRecord =>
  asRecord(asRecord(asRecord(asRecord(object.raw.spec).template).metadata).labels);
export const containers = (object: K8sObject): YamlRecord[] => asArray(podSpec(object).containers).map(asRecord);

/** The shell script a job container runs: its command and args joined. */
export function containerScript(container: YamlRecord): string {
  return [...asArray(container.command), ...asArray(container.args)].map((part) => asScalar(part) ?? '').join('\n');
}

/** The shell script of a compose service: entrypoint and command joined, with compose's `$$` escapes undone. */
export function composeScript(service: ComposeService): string {
  const parts = [service.raw.entrypoint, service.raw.command].flatMap((value) =>
    Array.isArray(value) ? (value as unknown[]) : [value],
  );
  return parts
    .map((part) => asScalar(part) ?? '')
    .join('\n')
    .replaceAll('$$', '$');
}
