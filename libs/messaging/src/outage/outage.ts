/**
 * Tells an outage of a dependency (PostgreSQL, Kafka, the network) from a failure of the work itself.
 * An outage says nothing about the message or the row being handled: it must never send either to a
 * dead-letter topic or a parking table, only make the caller wait and try again.
 * See docs/adr/0015-outages-poison-rows-and-sealed-dead-letters.md.
 */

/** PostgreSQL SQLSTATEs (and classes) that mean "the server cannot do it now", never "this statement is wrong". */
const POSTGRES_OUTAGE_CODES: Record<string, string> = {
  '57P01': 'admin shutdown',
  '57P02': 'crash shutdown',
  '57P03': 'cannot connect now',
  '53300': 'too many connections',
  '40001': 'serialization failure',
  '40P01': 'deadlock detected',
  '55P03': 'lock not available',
  '25006': 'read-only transaction (failover)',
};
const POSTGRES_OUTAGE_CLASSES: Record<string, string> = {
  '08': 'connection exception',
  '53': 'insufficient resources',
  '58': 'system error',
};

/** Socket and DNS errors: the other end is not there (yet, or any more). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/** node-postgres and pg-pool report a lost or refused connection by message only. */
const POSTGRES_CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'is not queryable',
  'Cannot use a pool after calling end on the pool',
  'Driver not Connected',
];

/** kafkajs errors that mean the broker or the network, not the record. */
const KAFKA_OUTAGE_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSLockTimeout',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSStaleTopicMetadataAssignment',
]);
/** Broker error codes of the same kind. UNKNOWN_TOPIC_OR_PARTITION and MESSAGE_TOO_LARGE are not among them. */
const KAFKA_OUTAGE_TYPES = new Set([
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'NOT_LEADER_OR_FOLLOWER',
  'NOT_ENOUGH_REPLICAS',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'REQUEST_TIMED_OUT',
  'NETWORK_EXCEPTION',
  'BROKER_NOT_AVAILABLE',
  'COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'NOT_COORDINATOR',
  'KAFKA_STORAGE_ERROR',
  'THROTTLING_QUOTA_EXCEEDED',
]);

const MAX_DEPTH = 8;

/**
 * What outage an error shows (`postgres 57P01 admin shutdown`, `network ECONNREFUSED`, `kafka LEADER_NOT_AVAILABLE`),
 * or undefined when it is not an outage. Looks through wrappers: `cause`, TypeORM's `driverError`, kafkajs's
 * `originalError`, and every error of an AggregateError.
 */
export function describeOutage(error: unknown): string | undefined {
  return visit(error, 0, new Set());
}

export function isOutage(error: unknown): boolean {
  return describeOutage(error) !== undefined;
}

function visit(error: unknown, depth: number, seen: Set<unknown>): string | undefined {
  if (depth > MAX_DEPTH || typeof error !== 'object' || error === null || seen.has(error)) return undefined;
  seen.add(error);
  const own = classify(error as Record<string, unknown>);
  if (own) return own;
  const record = error as Record<string, unknown>;
  const nested = [record['cause'], record['driverError'], record['originalError']];
  if (Array.isArray(record['errors'])) nested.push(...(record['errors'] as unknown[]));
  for (const inner of nested) {
    const found = visit(inner, depth + 1, seen);
    if (found) return found;
  }
  return undefined;
}

function classify(error: Record<string, unknown>): string | undefined {
  const code = typeof error['code'] === 'string' ? error['code'] : undefined;
  if (code && /^[0-9A-Z]{5}$/.test(code)) {
    const known = POSTGRES_OUTAGE_CODES[code] ?? POSTGRES_OUTAGE_CLASSES[code.slice(0, 2)];
    if (known) return `postgres ${code} ${known}`;
  }
  if (code && NETWORK_CODES.has(code)) return `network ${code}`;
  const name = typeof error['name'] === 'string' ? error['name'] : '';
  const type = typeof error['type'] === 'string' ? error['type'] : '';
  if (KAFKA_OUTAGE_TYPES.has(type)) return `kafka ${type}`;
  if (KAFKA_OUTAGE_NAMES.has(name)) return `kafka ${name}`;
  const message = typeof error['message'] === 'string' ? error['message'] : '';
  const lost = POSTGRES_CONNECTION_MESSAGES.find((text) => message.includes(text));
  if (lost) return `postgres connection: ${lost}`;
  return undefined;
}
