import { Module } from '@nestjs/common';
import { NotificationLogConsumer } from './notification-log.consumer';
import { NotificationLogRepository } from './notification-log.repository';
import { NotificationLogWriter } from './notification-log.writer';

@Module({
  controllers: [NotificationLogConsumer],
  providers: [NotificationLogRepository, NotificationLogWriter],
})
export class NotificationLogModule {}
