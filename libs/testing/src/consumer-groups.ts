import { AssignerProtocol, type Admin, type Kafka } from 'kafkajs';
import { waitFor } from './wait-for';

/** How long moving a group or waiting for one may take before the wait fails with what it saw. */
const GROUP_TIMEOUT_MS = 60_000;

export interface PartitionBacklog {
  topic: string;
  partition: number;
  /** Messages past the group's committed offset (all of them when nothing is committed). */
  lag: number;
  committed: boolean;
}

/** How far `groupId` is behind the end of each partition of `topics`. */
export async function groupBacklog(admin: Admin, groupId: string, topics: string[]): Promise<PartitionBacklog[]> {
  const [committed, ends] = await Promise.all([
    admin.fetchOffsets({ groupId, topics }),
    Promise.all(topics.map(async (topic) => ({ topic, partitions: await admin.fetchTopicOffsets(topic) }))),
  ]);
  return ends.flatMap(({ topic, partitions }) => {
    const done = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
    return partitions.map(({ partition, high }) => {
      const offset = Number(done.find((entry) => entry.partition === partition)?.offset ?? -1);
      return { topic, partition, lag: Math.max(0, Number(high) - Math.max(offset, 0)), committed: offset >= 0 };
    });
  });
}

export interface LiveMember {
  clientId: string;
  clientHost: string;
  /** The partitions it holds, per topic (empty before its first assignment). */
  assignment: Record<string, number[]>;
}

export interface GroupMembers {
  state: string;
  members: LiveMember[];
}

/** "bench@/127.0.0.1 holding breach.events.v1[0,1,2]", as `kafka-consumer-groups --describe --members` shows one. */
export function formatMember({ clientId, clientHost, assignment }: LiveMember): string {
  const held = Object.entries(assignment)
    .map(([topic, partitions]) => `${topic}[${partitions.join(',')}]`)
    .join(' ');
  return `${clientId}@${clientHost}${held ? ` holding ${held}` : ' (no assignment yet)'}`;
}

/** The group's state and its live members with the partitions each holds. */
export async function groupMembers(admin: Admin, groupId: string): Promise<GroupMembers> {
  const { groups } = await admin.describeGroups([groupId]);
  const group = groups[0];
  const members = (group?.members ?? []).map(({ clientId, clientHost, memberAssignment }) => {
    let assignment: Record<string, number[]> = {};
    try {
      assignment = AssignerProtocol.MemberAssignment.decode(memberAssignment)?.assignment ?? {};
    } catch {
      // Not a consumer-protocol assignment (or none yet): the member is still worth naming.
    }
    return { clientId, clientHost, assignment };
  });
  return { state: group?.state ?? 'Unknown', members };
}

/**
 * What a consumer group has not consumed yet, per partition with a backlog, its state and members:
 * "group g Stable, 1 member (exposure@/127.0.0.1 holding exposure.v1[0,1]); exposure.v1[3] 2 behind".
 * For the message of a wait that timed out.
 */
export async function describeGroup(admin: Admin, groupId: string, topics: string[]): Promise<string> {
  const [backlog, { state, members }] = await Promise.all([
    groupBacklog(admin, groupId, topics),
    groupMembers(admin, groupId),
  ]);
  const behind = backlog
    .filter(({ lag }) => lag > 0)
    .map(
      ({ topic, partition, lag, committed }) =>
        `${topic}[${partition}] ${lag} behind${committed ? '' : ' (nothing committed)'}`,
    );
  const who = members.length > 0 ? ` (${members.map(formatMember).join('; ')})` : '';
  return `group ${groupId} ${state}, ${members.length} member(s)${who}; ${behind.length > 0 ? behind.join(', ') : 'no backlog'}`;
}

/** describeGroup with an admin client of its own. */
export async function describeLag(kafka: Kafka, groupId: string, topics: string[]): Promise<string> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await describeGroup(admin, groupId, topics);
  } finally {
    await admin.disconnect();
  }
}

/** Waits until a group has no live member (a service stopped, an offset tool gone), or fails naming those left. */
export async function waitForEmptyGroup(admin: Admin, groupId: string, timeoutMs = GROUP_TIMEOUT_MS): Promise<void> {
  let seen: GroupMembers = { state: 'not described yet', members: [] };
  await waitFor(
    async () => {
      seen = await groupMembers(admin, groupId);
      return seen.members.length === 0;
    },
    `consumer group ${groupId} to have no members`,
    {
      timeoutMs,
      intervalMs: 200,
      explain: async () => `it is ${seen.state} with ${seen.members.map(formatMember).join('; ') || 'no members'}`,
    },
  );
}

/**
 * Commits the current end of `topics` for a consumer group that has no live members, so a service
 * under test (or benchmark, or the demo) reads only what is produced from now on, not other runs'
 * history. Uses the admin API on the empty group (never a consumer of our own that could stay behind
 * holding partitions), then waits until the group is empty again and reads the offsets back.
 */
export async function startGroupAtEnd(
  kafka: Kafka,
  groupId: string,
  topics: string[],
  timeoutMs = GROUP_TIMEOUT_MS,
): Promise<void> {
  if (topics.length === 0) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const wanted = new Map<string, string>();
    // A fresh broker answers NOT_COORDINATOR while it loads __consumer_offsets: asked again until the deadline.
    const committed = await answered(
      () => admin.fetchOffsets({ groupId, topics }),
      `the coordinator of group ${groupId} to answer`,
      timeoutMs,
    );
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      const done = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
      // Each setOffsets costs a join and kafkajs's fetch wait (about 5 s): a topic where the group would
      // start at the end anyway (committed there, or nothing committed and nothing in the log for our
      // consumers, which all start from the beginning) is left alone.
      const startsAt = (partition: number, low: string) => {
        const offset = done.find((entry) => entry.partition === partition)?.offset ?? '-1';
        return Number(offset) >= 0 ? offset : low;
      };
      if (ends.every(({ partition, high, low }) => startsAt(partition, low) === high)) continue;
      const partitions = ends.map(({ partition, high }) => ({ partition, offset: high }));
      for (const { partition, offset } of partitions) wanted.set(`${topic}[${partition}]`, offset);
      // setOffsets refuses a group with members; and it joins once per topic, leaving when done.
      await waitForEmptyGroup(admin, groupId, timeoutMs);
      await withDeadline(
        admin.setOffsets({ groupId, topic, partitions }),
        timeoutMs,
        () => `admin.setOffsets of group ${groupId} on ${topic}`,
        () => describeGroup(admin, groupId, [topic]),
      );
    }
    await waitForEmptyGroup(admin, groupId, timeoutMs);
    const after = await answered(
      () => admin.fetchOffsets({ groupId, topics }),
      `the committed offsets of group ${groupId}`,
      timeoutMs,
    );
    const wrong = after.flatMap(({ topic, partitions }) =>
      partitions
        .filter(({ partition, offset }) => {
          const target = wanted.get(`${topic}[${partition}]`);
          return target !== undefined && target !== offset;
        })
        .map(
          ({ partition, offset }) => `${topic}[${partition}] at ${offset}, not ${wanted.get(`${topic}[${partition}]`)}`,
        ),
    );
    if (wrong.length > 0) throw new Error(`group ${groupId} was not moved to the end: ${wrong.join(', ')}`);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until `groupId` has committed an offset past `offset` on `topic[partition]`: the consumer has
 * handled that message (kafkajs commits only what the handler finished). The positive marker a check
 * that "nothing happened" waits for before it asserts.
 */
export async function waitForCommittedPast(
  admin: Admin,
  groupId: string,
  topic: string,
  partition: number,
  offset: string | number,
  timeoutMs = 20_000,
): Promise<void> {
  const target = BigInt(offset);
  await waitFor(
    async () => {
      const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const committed = entry?.partitions.find((candidate) => candidate.partition === partition)?.offset ?? '-1';
      return BigInt(committed) > target;
    },
    `consumer group ${groupId} to commit past ${topic}[${partition}]@${String(offset)}`,
    { timeoutMs, intervalMs: 100, explain: () => describeGroup(admin, groupId, [topic]) },
  );
}

/** Waits until `groupId` has committed past every record in `sent` (what KafkaTestClient.send returns). */
export async function waitForConsumed(
  admin: Admin,
  groupId: string,
  sent: { topic: string; partition: number; offset: string }[],
  timeoutMs = 20_000,
): Promise<void> {
  for (const { topic, partition, offset } of sent) {
    await waitForCommittedPast(admin, groupId, topic, partition, offset, timeoutMs);
  }
}

/** Asks until `ask` answers (retrying errors such as a coordinator still loading), or fails with its last error. */
async function answered<T extends object>(ask: () => Promise<T>, what: string, timeoutMs: number): Promise<T> {
  return waitFor(ask, what, { timeoutMs, intervalMs: 250 });
}

async function withDeadline<T>(
  work: Promise<T>,
  timeoutMs: number,
  what: () => string,
  explain: () => Promise<string>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void explain()
        .catch((error: unknown) => `state unknown: ${String(error)}`)
        .then((state) => reject(new Error(`${what()} did not finish within ${timeoutMs} ms; ${state}`)));
    }, timeoutMs);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
