import { Module } from '@nestjs/common';
import { EnrollmentModule } from '../enrollment/enrollment.module';
import { PartnerModule } from '../partner/partner.module';
import { ProtectionModule } from '../protection/protection.module';
import { BacklogMetrics } from './backlog-metrics';
import { FraudScheduler } from './fraud-scheduler';

@Module({
  imports: [EnrollmentModule, ProtectionModule, PartnerModule],
  providers: [FraudScheduler, BacklogMetrics],
})
export class SchedulerModule {}
