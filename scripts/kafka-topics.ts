// Creates the topics listed in deploy/local/kafka/topics.txt (idempotent). With --reset, deletes and
// recreates them first (tests start from empty topics). Waits until the broker serves metadata.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin, type ITopicConfig } from 'kafkajs';
import { ensureTopics, waitUntilTopicsServed } from '@bnp/messaging';

function readTopics(): ITopicConfig[] {
  const text = readFileSync(join(__dirname, '..', 'deploy', 'local', 'kafka', 'topics.txt'), 'utf8');
  return text
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean)
    .map((line) => {
      const [topic, partitions, retention] = line.split(/\s+/);
      return {
        topic: topic!,
        numPartitions: Number(partitions),
        configEntries: retention ? [{ name: 'retention.ms', value: retention }] : [],
      };
    });
}

async function waitForBroker(kafka: Kafka, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      await admin.describeCluster();
      await admin.disconnect();
      return;
    } catch (error) {
      await admin.disconnect().catch(() => undefined);
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** Deletes every topic but Kafka's own and waits until the names are free. */
async function deleteTopics(admin: Admin): Promise<void> {
  const toDelete = (await admin.listTopics()).filter((topic) => !topic.startsWith('__'));
  if (toDelete.length === 0) return;
  await admin.deleteTopics({ topics: toDelete, timeout: 30000 });
  for (let i = 0; i < 150; i++) {
    const left = (await admin.listTopics()).filter((topic) => toDelete.includes(topic));
    if (left.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function main(): Promise<void> {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  const reset = process.argv.includes('--reset');
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const kafka = new Kafka({ brokers, clientId: 'bnp-topics', logLevel: logLevel.NOTHING });
  await waitForBroker(kafka, 60);
  const admin = kafka.admin();
  await admin.connect();
  const wanted = readTopics();
  let created = 0;
  // The controller deletes and creates asynchronously: right after a deletion the broker can answer
  // "does not host this topic-partition" for a name being recreated. Each pass starts from what exists.
  for (let pass = 1; ; pass++) {
    try {
      if (reset) await deleteTopics(admin);
      created += await ensureTopics(kafka, wanted);
      await waitUntilTopicsServed(
        admin,
        wanted.map(({ topic }) => topic),
      );
      break;
    } catch (error) {
      if (pass >= 5) throw error;
      console.log(
        `[bnp] topic setup pass ${pass} failed (${error instanceof Error ? error.message : String(error)}); retrying`,
      );
      await new Promise((resolve) => setTimeout(resolve, 1000 * pass));
    }
  }
  await admin.disconnect();
  console.log(
    `[bnp] kafka topics ready (${wanted.length}${reset ? ', reset' : ''}${created ? `, ${created} created` : ''})`,
  );
}

main().catch((error: unknown) => {
  console.error('[bnp] topic setup failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
