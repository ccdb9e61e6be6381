import { Module } from '@nestjs/common';
import type { FraudGuardConfig } from '../config';
import { FRAUD_CONFIG } from '../tokens';
import { HttpMonitoringPartner } from './http-monitoring-partner';
import { MONITORING_PARTNER } from './monitoring-partner';
import { PartnerRepository } from './partner.repository';
import { PartnerService } from './partner.service';

@Module({
  providers: [
    PartnerRepository,
    PartnerService,
    {
      provide: MONITORING_PARTNER,
      inject: [FRAUD_CONFIG],
      useFactory: (config: FraudGuardConfig) =>
        new HttpMonitoringPartner({
          baseUrl: config.MONITORING_PARTNER_URL,
          apiKey: config.MONITORING_PARTNER_API_KEY,
          timeoutMs: config.MONITORING_PARTNER_TIMEOUT_MS,
        }),
    },
  ],
  exports: [PartnerService],
})
export class PartnerModule {}
