import { Counter, Histogram, type Registry } from 'prom-client';
import { secondsSince } from '@bnp/observability';

/** `outage`: the handler met an outage and the message is held until the dependency is back. */
export type ConsumeOutcome = 'handled' | 'retried' | 'dead_lettered' | 'outage';

/** Prometheus metrics for consumed messages, labelled by topic and outcome (never by key: keys can be personal). */
export class KafkaConsumerMetrics {
  private readonly messages: Counter<'topic' | 'outcome'>;
  private readonly duration: Histogram<'topic' | 'outcome'>;

  constructor(registry: Registry) {
    this.messages = new Counter({
      name: 'bnp_kafka_messages_total',
      help: 'Kafka messages consumed, by outcome',
      labelNames: ['topic', 'outcome'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'bnp_kafka_handler_seconds',
      help: 'Time spent handling one Kafka message',
      labelNames: ['topic', 'outcome'],
      buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 2, 10],
      registers: [registry],
    });
  }

  observe(topic: string, outcome: ConsumeOutcome, startedNs: bigint): void {
    this.messages.inc({ topic, outcome });
    this.duration.observe({ topic, outcome }, secondsSince(startedNs));
  }
}
