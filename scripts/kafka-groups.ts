// Moves local consumer groups past everything already on the broker (`npm run demo` does this before it
// starts the stack): a dev broker also carries what tests and benchmarks produced, encrypted with other
// keys, and a service would otherwise read and dead-letter all of it before the demo's own events.
// The groups must have no live members (stop the services first): the move waits, with a deadline, until
// they have none, sets their offsets with the admin API and checks that no member is left.
//   node -r @swc-node/register scripts/kafka-groups.ts group [group...]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { retryTopic } from '@bnp/messaging';
import { groupBacklog, startGroupAtEnd } from '@bnp/testing';

const contractTopics = readFileSync(join(__dirname, '..', 'deploy', 'local', 'kafka', 'topics.txt'), 'utf8')
  .split('\n')
  .map((line) => line.replace(/#.*/, '').trim().split(/\s+/)[0] ?? '')
  .filter(Boolean);

async function main(): Promise<void> {
  const groups = process.argv.slice(2);
  if (groups.length === 0) throw new Error('usage: kafka-groups.ts group [group...]');
  const kafka = new Kafka({
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    clientId: 'bnp-kafka-groups',
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    // Groups are moved side by side: each topic of a group costs the admin API a join of a few seconds.
    await Promise.all(
      groups.map(async (group) => {
        const retryTopics = [1, 2, 3, 4, 5]
          .map((tier) => retryTopic(group, tier))
          .filter((topic) => existing.has(topic));
        const plan: [string, string[]][] = [
          [group, contractTopics.filter((topic) => existing.has(topic))],
          [`${group}.retry`, retryTopics],
        ];
        let skipped = 0;
        for (const [groupId, topics] of plan) {
          for (const { lag } of await groupBacklog(admin, groupId, topics)) skipped += lag;
          await startGroupAtEnd(kafka, groupId, topics);
        }
        console.log(
          `[bnp] consumer group ${group}: moved to the end of every contract topic (${skipped.toLocaleString('en')} messages it had not committed)`,
        );
      }),
    );
  } finally {
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
