import { Counter, Histogram, type Registry } from 'prom-client';

/** What operators watch while an incident's notices go out. Labels carry no personal data. */
export class DispatchMetrics {
  readonly transitions: Counter<'channel' | 'state'>;
  readonly smsSegments: Counter;
  readonly providerCalls: Histogram<'call' | 'outcome'>;
  readonly duplicateSuspected: Counter;
  readonly reconciliations: Counter<'outcome'>;

  constructor(registry: Registry) {
    this.transitions = new Counter({
      name: 'notifier_delivery_transitions_total',
      help: 'Deliveries entering each state',
      labelNames: ['channel', 'state'],
      registers: [registry],
    });
    this.smsSegments = new Counter({
      name: 'notifier_sms_segments_sent_total',
      help: 'SMS segments handed to the provider',
      registers: [registry],
    });
    this.providerCalls = new Histogram({
      name: 'notifier_provider_call_seconds',
      help: 'Provider call latency',
      labelNames: ['call', 'outcome'],
      buckets: [0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
    this.duplicateSuspected = new Counter({
      name: 'notifier_duplicate_suspected_total',
      help: 'Provider reports for a second message of one delivery (should stay 0)',
      registers: [registry],
    });
    this.reconciliations = new Counter({
      name: 'notifier_reconciliations_total',
      help: 'Attempts with an unknown outcome, settled from the provider message list',
      labelNames: ['outcome'],
      registers: [registry],
    });
  }
}
