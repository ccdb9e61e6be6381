// Joins and commits one consumer group, then exits: run by the integration global setup in a process
// of its own. kafkajs can restart a consumer after disconnect() when a crash it retries (a coordinator
// still loading on a fresh broker) scheduled the restart first; in Jest's main process that consumer
// kept the run from ever exiting. A process that exits takes such a consumer with it.
import { Kafka, logLevel } from 'kafkajs';
import { Topics } from '../libs/contracts/src/topics';
import { startGroupAtEnd } from '../libs/testing/src/kafka-test-client';

async function main(): Promise<void> {
  const kafka = new Kafka({
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    clientId: 'bnp-test-setup',
    logLevel: logLevel.NOTHING,
  });
  await startGroupAtEnd(kafka, 'bnp-test-warm-up', [Topics.exposure]);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('[bnp] warm-up group failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
