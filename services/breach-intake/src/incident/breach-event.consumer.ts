import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics } from '@bnp/contracts';
import type { InboundMessage } from '@bnp/messaging';
import { BreachEventDecoder } from './breach-event.decoder';
import { IncidentService, type RecordOutcome } from './incident.service';
import { IntakeKafkaExceptionFilter } from './intake-exception.filter';

/** Decodes breach events and hands them to the incident service; failures are mapped by the filter. */
@Controller()
@UseFilters(IntakeKafkaExceptionFilter)
export class BreachEventConsumer {
  constructor(
    private readonly decoder: BreachEventDecoder,
    private readonly incidents: IncidentService,
  ) {}

  @EventPattern(Topics.breachEvents)
  handle(@Payload() message: InboundMessage): Promise<RecordOutcome> {
    const revision = this.decoder.decode(message);
    return this.incidents.record(revision, { partition: message.partition, offset: message.offset });
  }
}
