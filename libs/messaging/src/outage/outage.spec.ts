import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { QueryFailedError } from 'typeorm';
import { MessageFailure } from '../consumer/message-failure';
import { describeOutage, isOutage } from './outage';

const pgError = (code: string, message = 'server said no') => Object.assign(new Error(message), { code });
const socketError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code });
const brokerError = (type: string) =>
  new KafkaJSProtocolError({ message: type, type, code: 1, retriable: true } as never);

describe(describeOutage.name, () => {
  const sut = describeOutage;

  it.each([
    ['57P01', 'admin shutdown'],
    ['57P03', 'cannot connect now'],
    ['53300', 'too many connections'],
    ['40001', 'serialization failure'],
    ['40P01', 'deadlock detected'],
    ['08006', 'connection exception'],
  ])('reads PostgreSQL %s as an outage (%s)', (code, what) => {
    expect(sut(pgError(code))).toBe(`postgres ${code} ${what}`);
  });

  it('looks inside TypeORM QueryFailedError and MessageFailure wrappers', () => {
    const wrapped = new QueryFailedError('INSERT ...', [], pgError('57P01'));
    expect(sut(wrapped)).toBe('postgres 57P01 admin shutdown');
    expect(sut(MessageFailure.retry('UNEXPECTED_ERROR', 'x', wrapped))).toBe('postgres 57P01 admin shutdown');
  });

  it('reads refused and reset sockets, also inside an AggregateError (node tries every address)', () => {
    expect(sut(socketError('ECONNREFUSED'))).toBe('network ECONNREFUSED');
    expect(sut(new AggregateError([socketError('ECONNRESET')], 'all failed'))).toBe('network ECONNRESET');
  });

  it('reads a lost node-postgres connection, reported by message only', () => {
    expect(sut(new Error('Connection terminated unexpectedly'))).toBe('postgres connection: Connection terminated');
    expect(sut(new Error('timeout exceeded when trying to connect'))).toMatch(/^postgres connection/);
  });

  it('reads an unreachable broker and a missing partition leader as outages', () => {
    expect(sut(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'))).toBe(
      'kafka KafkaJSConnectionError',
    );
    expect(sut(brokerError('LEADER_NOT_AVAILABLE'))).toBe('kafka LEADER_NOT_AVAILABLE');
    expect(sut(new KafkaJSNumberOfRetriesExceeded(brokerError('NOT_ENOUGH_REPLICAS'), {} as never))).toBe(
      'kafka NOT_ENOUGH_REPLICAS',
    );
  });

  it.each([
    ['a unique violation', pgError('23505')],
    ['a bad value', pgError('22P02')],
    ['a record too large', brokerError('MESSAGE_TOO_LARGE')],
    ['an unknown topic', brokerError('UNKNOWN_TOPIC_OR_PARTITION')],
    ['a dead-letter decision', MessageFailure.deadLetter('INVALID_FIELD', 'revision must be 1 or more')],
    ['a plain error', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a non-error', 'boom'],
  ])('does not read %s as an outage', (_what, error) => {
    expect(isOutage(error)).toBe(false);
  });

  it('stops at a cycle of causes', () => {
    const a: Error & { cause?: unknown } = new Error('a');
    a.cause = new Error('b', { cause: a });
    expect(sut(a)).toBeUndefined();
  });
});
