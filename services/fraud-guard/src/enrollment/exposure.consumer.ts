import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics } from '@bnp/contracts';
import type { InboundMessage } from '@bnp/messaging';
import { EnrollmentService, type ProtectOutcome } from './enrollment.service';
import { ExposureDecoder } from './exposure.decoder';
import { ProtectionKafkaExceptionFilter } from './protection-exception.filter';

/** Decodes exposures and hands them to the enrollment service; failures are mapped by the filter. */
@Controller()
@UseFilters(ProtectionKafkaExceptionFilter)
export class ExposureConsumer {
  constructor(
    private readonly decoder: ExposureDecoder,
    private readonly enrollments: EnrollmentService,
  ) {}

  @EventPattern(Topics.exposure)
  handle(@Payload() message: InboundMessage): Promise<ProtectOutcome> {
    return this.enrollments.protect(this.decoder.decode(message));
  }
}
