// Validates response bodies against the Twilio OpenAPI extract in ../../openapi (never /work/shared).
// Twilio always sends every documented field (null when empty), so the resource and list schemas are
// tightened here: every documented property required and nothing undocumented allowed. Formats the
// spec names but JSON Schema does not define get checkers that match what Twilio sends.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

const SPEC_FILE = join(__dirname, '..', '..', 'openapi', 'twilio_api_v2010.messages.json');
const LIST_PATH = '/2010-04-01/Accounts/{AccountSid}/Messages.json';
const FETCH_PATH = '/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json';

type Schema = { properties?: Record<string, unknown>; required?: string[]; additionalProperties?: boolean };
interface Operation {
  operationId: string;
  responses: Record<string, { content: { 'application/json': { schema: Schema } } }>;
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

function tighten(schema: Schema): Schema {
  return { ...schema, required: Object.keys(schema.properties ?? {}), additionalProperties: false };
}

function operation(spec: Spec, path: string, method: string): Operation {
  const op = spec.paths[path]?.[method];
  if (!op) throw new Error(`${method} ${path} missing from ${SPEC_FILE}`);
  return op;
}

function build() {
  const spec = JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as Spec;
  // strictTypes off only because the spec puts format "uri-map" on an object (subresource_uris).
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
  addFormats(ajv);
  ajv.addVocabulary(['x-twilio', 'example', 'components']);
  ajv.addFormat('phone-number', /^\+[1-9]\d{1,14}$/);
  ajv.addFormat(
    'date-time-rfc-2822',
    /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/,
  );
  ajv.addFormat('currency', /^[A-Z]{3}$/);
  ajv.addFormat('uri-map', true); // on an object; Ajv formats only check strings
  // Twilio's page URIs are relative ("/2010-04-01/..."), as in the spec's own examples.
  ajv.addFormat('uri', /^\/2010-04-01\/[^\s]*$/);

  const messageSchema = spec.components.schemas['api.v2010.account.message'];
  if (!messageSchema) throw new Error('api.v2010.account.message missing');
  spec.components.schemas['api.v2010.account.message'] = tighten(messageSchema);
  const withComponents = (schema: Schema) => ({ ...schema, components: spec.components });

  const create = operation(spec, LIST_PATH, 'post');
  const list = operation(spec, LIST_PATH, 'get');
  const fetch = operation(spec, FETCH_PATH, 'get');
  const schemaOf = (op: Operation, status: string): Schema => {
    const schema = op.responses[status]?.content['application/json'].schema;
    if (!schema) throw new Error(`${op.operationId} has no ${status} JSON schema`);
    return schema;
  };
  return {
    spec,
    create: ajv.compile(withComponents(schemaOf(create, '201'))),
    fetch: ajv.compile(withComponents(schemaOf(fetch, '200'))),
    list: ajv.compile(withComponents(tighten(schemaOf(list, '200')))),
    // The spec has no error responses; this is the legacy body twilio-node parses into RestException.
    error: ajv.compile({
      type: 'object',
      properties: {
        code: { type: 'integer' },
        message: { type: 'string', minLength: 1 },
        more_info: { type: 'string', pattern: '^https://www\\.twilio\\.com/docs/errors/\\d+$' },
        status: { type: 'integer', minimum: 400, maximum: 599 },
      },
      required: ['code', 'message', 'more_info', 'status'],
      additionalProperties: false,
    }),
  };
}

let validators: ReturnType<typeof build> | undefined;

function check(validate: ValidateFunction, body: unknown, what: string): void {
  if (!validate(body)) {
    throw new Error(`${what} does not match the OpenAPI schema:\n${JSON.stringify(validate.errors, null, 2)}`);
  }
}

export type OperationName = 'create' | 'fetch' | 'list' | 'error';

/** Throws with the Ajv errors unless `body` matches the schema of that operation's response. */
export function assertMatchesSpec(operationName: OperationName, body: unknown): void {
  validators ??= build();
  check(validators[operationName], body, `${operationName} response`);
}

export function specOperationIds(): string[] {
  validators ??= build();
  return Object.values(validators.spec.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
}
