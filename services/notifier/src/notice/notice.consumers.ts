import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics } from '@bnp/contracts';
import type { InboundMessage } from '@bnp/messaging';
import { NotifierKafkaExceptionFilter } from '../shared/notifier-exception.filter';
import { ActivationNoticeService, type ActivationOutcome } from './activation-notice.service';
import { NoticeEventsDecoder } from './notice-events.decoder';
import { NoticeService, type EnrollmentOutcome, type RecordOutcome } from './notice.service';

/** Thin adapters: decode, validate, hand to the notice service. None of them sends anything. */
@Controller()
@UseFilters(NotifierKafkaExceptionFilter)
export class NoticeConsumers {
  constructor(
    private readonly decoder: NoticeEventsDecoder,
    private readonly notices: NoticeService,
    private readonly activations: ActivationNoticeService,
  ) {}

  @EventPattern(Topics.exposure)
  exposure(@Payload() message: InboundMessage): Promise<RecordOutcome> {
    return this.notices.recordExposure(this.decoder.exposure(message), {
      partition: message.partition,
      offset: message.offset,
    });
  }

  @EventPattern(Topics.fraudEnrollments)
  enrollment(@Payload() message: InboundMessage): Promise<EnrollmentOutcome> {
    return this.notices.recordEnrollment(this.decoder.enrollment(message));
  }

  @EventPattern(Topics.fraudChallenges)
  challenge(@Payload() message: InboundMessage): Promise<ActivationOutcome> {
    return this.activations.record(this.decoder.challenge(message));
  }

  @EventPattern(Topics.incidentControl)
  control(@Payload() message: InboundMessage): Promise<'applied' | 'stale'> {
    return this.notices.recordControl(this.decoder.control(message));
  }
}
