// Extracts the Message operations and the schemas they reference from Twilio's full v2010 spec
// (1.8 MB, ~400 paths) into openapi/twilio_api_v2010.messages.json, so the repo carries only what
// the stand-in's contract tests validate against.
//
// usage: node -r @swc-node/register deploy/local/twilio-stand-in/scripts/extract-openapi.ts <path/to/twilio_api_v2010.json>
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE = {
  repository: 'https://github.com/twilio/twilio-oai',
  path: 'spec/json/twilio_api_v2010.json',
  commit: 'd50069b44ea8cd23141385bdb6db48f16ff75bb5',
  sha256: '99cae87a6bb1725f71363364cbd30282a13140374b2d5f9bdd5bdfa5d4c8a6d7',
};
const PATHS = [
  '/2010-04-01/Accounts/{AccountSid}/Messages.json',
  '/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json',
];
const OUTPUT = join(__dirname, '..', 'openapi', 'twilio_api_v2010.messages.json');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function collectRefs(node: Json, found: Set<string>): void {
  if (Array.isArray(node)) {
    node.forEach((child) => collectRefs(child, found));
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.add(value);
      else collectRefs(value, found);
    }
  }
}

function main(sourcePath: string | undefined): void {
  if (!sourcePath) throw new Error('usage: extract-openapi.ts <path/to/twilio_api_v2010.json>');
  const raw = readFileSync(sourcePath);
  const sha256 = createHash('sha256').update(raw).digest('hex');
  // A different input would make the NOTICE's provenance wrong, so refuse rather than warn.
  if (sha256 !== SOURCE.sha256) throw new Error(`unexpected sha256 ${sha256}; expected ${SOURCE.sha256}`);
  const spec = JSON.parse(raw.toString('utf8')) as {
    openapi: string;
    info: Record<string, Json>;
    servers: Json;
    security: Json;
    paths: Record<string, Json>;
    components: { securitySchemes: Json; schemas: Record<string, Json> };
  };

  const paths: Record<string, Json> = {};
  for (const p of PATHS) {
    const item = spec.paths[p];
    if (item === undefined) throw new Error(`path ${p} missing from the spec`);
    paths[p] = item;
  }
  const schemas: Record<string, Json> = {};
  const pending = new Set<string>();
  collectRefs(paths, pending);
  // Follow references transitively: a schema may itself point at enum schemas.
  for (let [ref] = pending; ref !== undefined; [ref] = pending) {
    pending.delete(ref);
    const name = ref.replace('#/components/schemas/', '');
    if (name in schemas) continue;
    const schema = spec.components.schemas[name];
    if (schema === undefined) throw new Error(`dangling $ref ${ref}`);
    schemas[name] = schema;
    collectRefs(schema, pending);
  }

  const subset = {
    openapi: spec.openapi,
    info: { ...spec.info, 'x-extracted-from': { ...SOURCE, paths: PATHS } },
    servers: spec.servers,
    paths,
    components: { securitySchemes: spec.components.securitySchemes, schemas },
    security: spec.security,
  };
  writeFileSync(OUTPUT, `${JSON.stringify(subset, null, 2)}\n`);
  console.log(`wrote ${OUTPUT}: ${PATHS.length} paths, ${Object.keys(schemas).length} schemas`);
}

main(process.argv[2]);
