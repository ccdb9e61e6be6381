import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics } from '@bnp/contracts';
import type { InboundMessage } from '@bnp/messaging';
import { NotifierKafkaExceptionFilter } from '../shared/notifier-exception.filter';
import { ActivationNoticeService, type ActivationOutcome } from './activation-notice.service';
import { NoticeEventsDecoder } from './notice-events.decoder';
import { EnrollmentRecorder, type EnrollmentOutcome } from './enrollment-recorder';
import { ExposureRecorder, type RecordOutcome } from './exposure-recorder';
import { IncidentControlService } from './incident-control.service';

/** Thin adapters: decode, validate, hand to the recorder of that event. None of them sends anything. */
@Controller()
@UseFilters(NotifierKafkaExceptionFilter)
export class NoticeConsumers {
  constructor(
    private readonly decoder: NoticeEventsDecoder,
    private readonly exposures: ExposureRecorder,
    private readonly enrollments: EnrollmentRecorder,
    private readonly activations: ActivationNoticeService,
    private readonly controls: IncidentControlService,
  ) {}

  @EventPattern(Topics.exposure)
  exposure(@Payload() message: InboundMessage): Promise<RecordOutcome> {
    return this.exposures.record(this.decoder.exposure(message), {
      partition: message.partition,
      offset: message.offset,
    });
  }

  @EventPattern(Topics.fraudEnrollments)
  enrollment(@Payload() message: InboundMessage): Promise<EnrollmentOutcome> {
    return this.enrollments.record(this.decoder.enrollment(message));
  }

  @EventPattern(Topics.fraudChallenges)
  challenge(@Payload() message: InboundMessage): Promise<ActivationOutcome> {
    return this.activations.record(this.decoder.challenge(message));
  }

  @EventPattern(Topics.careChallenges)
  careChallenge(@Payload() message: InboundMessage): Promise<ActivationOutcome> {
    return this.activations.record(this.decoder.careChallenge(message));
  }

  @EventPattern(Topics.incidentControl)
  control(@Payload() message: InboundMessage): Promise<'applied' | 'stale'> {
    return this.controls.record(this.decoder.control(message));
  }
}
