import { Module } from '@nestjs/common';
import { LogEntryConsumer } from './log-entry.consumer';
import { AppendService } from './append.service';

@Module({
  controllers: [LogEntryConsumer],
  providers: [AppendService],
  exports: [AppendService],
})
export class AppendModule {}
