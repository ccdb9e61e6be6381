import type { DescEnum, DescField, DescMessage } from '@bufbuild/protobuf';

/**
 * proto3 enums are open: a decoder keeps any number it reads, so `PiiCategory 47` decodes without
 * complaint and later code gives it a meaning. Our contracts are closed: a value the enum does not
 * declare is refused here, naming the field path and the number (never any other field's value).
 * Returns why the message is refused, or undefined when every enum value is declared.
 */
export function undeclaredEnumValue(schema: DescMessage, message: object): string | undefined {
  return checkMessage(schema, message as Record<string, unknown>, '');
}

function checkMessage(schema: DescMessage, message: Record<string, unknown>, path: string): string | undefined {
  for (const field of schema.fields) {
    const value = fieldValue(field, message);
    if (value === undefined || value === null) continue;
    const where = `${path}${field.name}`;
    const problem = checkField(field, value, where);
    if (problem) return problem;
  }
  return undefined;
}

/** A oneof member lives under the oneof's name as `{ case, value }`; every other field under its own. */
function fieldValue(field: DescField, message: Record<string, unknown>): unknown {
  if (!field.oneof) return message[field.localName];
  const selected = message[field.oneof.localName] as { case?: string; value?: unknown } | undefined;
  return selected?.case === field.localName ? selected.value : undefined;
}

function checkField(field: DescField, value: unknown, where: string): string | undefined {
  switch (field.fieldKind) {
    case 'scalar':
      return undefined;
    case 'enum':
      return checkEnum(field.enum, value, where);
    case 'message':
      return checkMessage(field.message, value as Record<string, unknown>, `${where}.`);
    case 'list':
      return checkEach(
        value as unknown[],
        (_item, index) => `${where}[${index}]`,
        (item, at) => listItem(field, item, at),
      );
    case 'map':
      return checkEach(
        Object.entries(value as Record<string, unknown>),
        ([key]) => `${where}[${JSON.stringify(key)}]`,
        ([, item], at) => mapItem(field, item, at),
      );
  }
}

function listItem(field: DescField & { fieldKind: 'list' }, item: unknown, at: string): string | undefined {
  switch (field.listKind) {
    case 'scalar':
      return undefined;
    case 'enum':
      return checkEnum(field.enum, item, at);
    case 'message':
      return checkMessage(field.message, item as Record<string, unknown>, `${at}.`);
  }
}

function mapItem(field: DescField & { fieldKind: 'map' }, item: unknown, at: string): string | undefined {
  switch (field.mapKind) {
    case 'scalar':
      return undefined;
    case 'enum':
      return checkEnum(field.enum, item, at);
    case 'message':
      return checkMessage(field.message, item as Record<string, unknown>, `${at}.`);
  }
}

function checkEach<T>(
  items: T[],
  pathOf: (item: T, index: number) => string,
  check: (item: T, at: string) => string | undefined,
): string | undefined {
  for (let index = 0; index < items.length; index++) {
    const item = items[index] as T;
    const problem = check(item, pathOf(item, index));
    if (problem) return problem;
  }
  return undefined;
}

const declared = new WeakMap<DescEnum, Set<number>>();

function checkEnum(schema: DescEnum, value: unknown, where: string): string | undefined {
  let numbers = declared.get(schema);
  if (!numbers) declared.set(schema, (numbers = new Set(schema.values.map((entry) => entry.number))));
  if (typeof value === 'number' && numbers.has(value)) return undefined;
  return `${where} = ${String(value)} is not a value of ${schema.typeName}`;
}
