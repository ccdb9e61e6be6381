import { Module } from '@nestjs/common';
import { ProtectionAckConsumer } from './protection-ack.consumer';
import { ProtectionRepository } from './protection.repository';
import { ProtectionService } from './protection.service';

@Module({
  controllers: [ProtectionAckConsumer],
  providers: [ProtectionRepository, ProtectionService],
  exports: [ProtectionService],
})
export class ProtectionModule {}
