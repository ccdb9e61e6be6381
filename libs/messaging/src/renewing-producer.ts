import type { Kafka, Producer, ProducerBatch, ProducerRecord, RecordMetadata } from 'kafkajs';
import { KeyPartitioner } from './key-partitioner';
import type { Logger } from 'pino';

/**
 * An idempotent kafkajs producer (one request in flight, so each partition keeps its order) that is
 * replaced after a failed send.
 *
 * Why: when a produce request fails after the broker may have appended part of it (a request timeout,
 * a leader change on a broker that is still starting), kafkajs keeps its sequence numbers where they
 * were and the broker answers OUT_OF_ORDER_SEQUENCE_NUMBER to every later send from that producer id:
 * the producer never recovers (tulios/kafkajs#598). A new producer gets a new producer id and starts
 * its sequences at zero. Callers already resend whatever was not acknowledged, so a failed batch may
 * land twice (delivery at least once, consumers are idempotent), and nothing is lost.
 */
export class RenewingProducer {
  private producer?: Producer;
  private connecting?: Promise<Producer>;
  /** How many times a failed producer was replaced; for logs and tests. */
  renewals = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly logger: Logger,
  ) {}

  async connect(): Promise<void> {
    await this.current();
  }

  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    return this.attempt((producer) => producer.send(record));
  }

  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    return this.attempt((producer) => producer.sendBatch(batch));
  }

  async disconnect(): Promise<void> {
    const producer = this.producer ?? (await this.connecting?.catch(() => undefined));
    this.producer = undefined;
    await producer?.disconnect();
  }

  private async attempt(work: (producer: Producer) => Promise<RecordMetadata[]>): Promise<RecordMetadata[]> {
    const producer = await this.current();
    try {
      return await work(producer);
    } catch (error) {
      // Sends that were queued on the same producer fail too; only the first replaces it.
      if (this.producer === producer) {
        this.producer = undefined;
        this.renewals += 1;
        this.logger.warn({ err: error }, 'kafka send failed; the producer is replaced before the next send');
        void producer.disconnect().catch(() => undefined);
      }
      throw error;
    }
  }

  private current(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= (async () => {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: KeyPartitioner,
      });
      try {
        await producer.connect();
        this.producer = producer;
        return producer;
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }
}
