import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Topics } from '@bnp/contracts';
import type { InboundMessage } from '@bnp/messaging';
import { NotifierKafkaExceptionFilter } from '../shared/notifier-exception.filter';
import { NotificationLogWriter } from './notification-log.writer';

/** notification.log.v1 -> the append-only table, in its own consumer group. */
@Controller()
@UseFilters(NotifierKafkaExceptionFilter)
export class NotificationLogConsumer {
  constructor(private readonly writer: NotificationLogWriter) {}

  @EventPattern(Topics.notificationLog)
  handle(@Payload() message: InboundMessage): Promise<'appended' | 'duplicate'> {
    return this.writer.append(message);
  }
}
