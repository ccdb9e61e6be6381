import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics } from '@bnp/contracts';
import type { InboundMessage } from '@bnp/messaging';
import { AppendService, type AppendResult } from './append.service';
import { TlogKafkaExceptionFilter } from './tlog-kafka-exception.filter';

/**
 * What the log takes in, in its own consumer group: every notification.log.v1 entry and every
 * per-person exposure decision on exposure.v1. Only the platform's services publish to these topics
 * (broker ACLs in deployment); the log re-validates every message and dead-letters what it refuses.
 */
@Controller()
@UseFilters(TlogKafkaExceptionFilter)
export class LogEntryConsumer {
  constructor(private readonly appender: AppendService) {}

  @EventPattern(Topics.notificationLog)
  notification(@Payload() message: InboundMessage): Promise<AppendResult> {
    return this.appender.appendNotification(message);
  }

  @EventPattern(Topics.exposure)
  exposureDecision(@Payload() message: InboundMessage): Promise<AppendResult> {
    return this.appender.appendExposureDecision(message);
  }
}
