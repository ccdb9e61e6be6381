// A local stand-in for the operator's provisioning adapter (the BSS side of fraud.protection.v1): it
// applies each protection command to its in-memory ledger and acknowledges it on
// fraud.protection.acks.v1, as the real adapter would after locking the SIM swap and port-out.
// It never opens the MSISDN envelope: the ledger is keyed by subscriber id, so it needs no PII key.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import {
  ProtectionAckSchema,
  ProtectionCommandSchema,
  ProtectionOutcome,
  Topics,
  decodeBinary,
  encodeMessage,
} from '@bnp/contracts';
import { ProtectionLedger } from './ledger';

export interface OperatorBssStandInOptions {
  brokers: string[];
  groupId?: string;
  /** How long provisioning takes before the acknowledgement goes out (ms). */
  latencyMs?: number;
  /** HTTP port for /health and /stats; 0 picks a free one. */
  port?: number;
}

export interface OperatorBssStats {
  commands: number;
  applied: number;
  alreadyApplied: number;
  rejected: number;
  /** Messages on the topic that were not a ProtectionCommand (answered with nothing). */
  unreadable: number;
  lines: number;
}

export interface OperatorBssStandIn {
  url: string;
  stats(): OperatorBssStats;
  close(): Promise<void>;
}

export async function createOperatorBssStandIn(options: OperatorBssStandInOptions): Promise<OperatorBssStandIn> {
  const kafka = new Kafka({ clientId: 'operator-bss-stand-in', brokers: options.brokers, logLevel: logLevel.WARN });
  const ledger = new ProtectionLedger();
  const counts = { commands: 0, applied: 0, alreadyApplied: 0, rejected: 0, unreadable: 0 };
  const stats = (): OperatorBssStats => ({ ...counts, lines: ledger.lineCount });
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer: Consumer = kafka.consumer({ groupId: options.groupId ?? 'operator-bss-stand-in' });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [Topics.fraudProtection] });
  await consumer.run({
    eachBatch: async (payload) => {
      const { batch } = payload;
      if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
      const acks = [];
      for (const message of batch.messages) {
        let command;
        try {
          command = decodeBinary(ProtectionCommandSchema, message.value ?? Buffer.alloc(0));
        } catch {
          counts.unreadable++;
          continue;
        }
        counts.commands++;
        const decision = ledger.apply(command);
        if (decision.outcome === ProtectionOutcome.APPLIED) counts.applied++;
        else if (decision.outcome === ProtectionOutcome.ALREADY_APPLIED) counts.alreadyApplied++;
        else counts.rejected++;
        acks.push({
          key: command.subscriberId,
          value: encodeMessage(ProtectionAckSchema, {
            commandId: command.commandId,
            outcome: decision.outcome,
            detail: decision.detail,
            acknowledgedAt: timestampFromDate(new Date()),
          }),
        });
      }
      // Acknowledged before the offset moves on: a crash re-applies (ALREADY_APPLIED), never loses an ack.
      if (acks.length > 0) await producer.send({ topic: Topics.fraudProtectionAcks, acks: -1, messages: acks });
      const last = batch.messages.at(-1);
      if (last) payload.resolveOffset(last.offset);
      await payload.heartbeat();
    },
  });
  const server: Server = createServer((request, response) => {
    if (request.url === '/health') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else if (request.url === '/stats') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats()));
    } else {
      response.writeHead(404).end();
    }
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
