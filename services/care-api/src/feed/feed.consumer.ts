import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics } from '@bnp/contracts';
import type { InboundMessage } from '@bnp/messaging';
import { CareKafkaExceptionFilter } from '../shared/care-kafka-exception.filter';
import { ContactKeys } from '../shared/contact-keys';
import { decodeControl, decodeEnrollment, decodeExposure, decodeLogEntry } from './feed.decoders';
import { FeedRepository } from './feed.repository';

/**
 * Feeds care's read model from the events the owning services already publish. A malformed event is
 * dead-lettered with its reason; a database outage is retried (never dead-lettered).
 */
@Controller()
@UseFilters(CareKafkaExceptionFilter)
export class FeedConsumer {
  constructor(
    private readonly feed: FeedRepository,
    private readonly keys: ContactKeys,
  ) {}

  @EventPattern(Topics.exposure)
  exposure(@Payload() message: InboundMessage): Promise<boolean> {
    const { exposure, numbers } = decodeExposure(message, this.keys);
    return this.feed.saveExposure(exposure, numbers);
  }

  @EventPattern(Topics.notificationLog)
  logEntry(@Payload() message: InboundMessage): Promise<boolean> {
    return this.feed.saveLogEntry(decodeLogEntry(message));
  }

  @EventPattern(Topics.fraudEnrollments)
  enrollment(@Payload() message: InboundMessage): Promise<boolean> {
    return this.feed.saveEnrollment(decodeEnrollment(message));
  }

  @EventPattern(Topics.incidentControl)
  control(@Payload() message: InboundMessage): Promise<boolean> {
    return this.feed.saveControl(decodeControl(message));
  }
}
