// Makes the group coordinator ready, then exits: run by the integration global setup in a process of its
// own. A fresh broker creates __consumer_offsets at the first group request and loads its partitions
// while that first suite runs; one group joined (by the admin API's setOffsets, which leaves again) and
// committed here leaves the coordinator ready before any suite starts. A process that exits takes any
// consumer kafkajs restarted with it, and the group is checked to be empty before it does.
import { Kafka, logLevel } from 'kafkajs';
import { Topics } from '../libs/contracts/src/topics';
import { groupMembers, waitForEmptyGroup } from '../libs/testing/src/consumer-groups';

const GROUP = 'bnp-test-warm-up';

async function main(): Promise<void> {
  const kafka = new Kafka({
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    clientId: 'bnp-test-setup',
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await waitForEmptyGroup(admin, GROUP);
    await admin.resetOffsets({ groupId: GROUP, topic: Topics.exposure, earliest: false });
    await waitForEmptyGroup(admin, GROUP);
    const { state } = await groupMembers(admin, GROUP);
    if (state !== 'Empty') throw new Error(`warm-up group ${GROUP} is ${state} after its offsets were set`);
  } finally {
    await admin.disconnect();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('[bnp] warm-up group failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
