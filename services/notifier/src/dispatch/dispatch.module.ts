import { Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import type { NotifierConfig } from '../config';
import { NoticeModule } from '../notice/notice.module';
import { NOTIFIER_CONFIG } from '../shared/tokens';
import { CallbackApplier } from './callback-applier';
import { CallbackInbox } from './callback-inbox';
import { DeliveryClaimRepository } from './delivery-claim.repository';
import { DeliveryRepository } from './delivery.repository';
import { DeliveryWriter } from './delivery-writer';
import { DispatchMetrics } from './dispatch.metrics';
import { DispatchService } from './dispatch.service';
import { NoticeRenderer } from './notice-renderer';
import { ProviderCallbackRepository } from './provider-callback.repository';
import { Reconciler } from './reconciler';
import { Scheduler } from './scheduler';
import { SendBudget } from './send-budget';
import { SendPermits } from './send-permits';
import { SmtpEmailProvider } from './smtp-email.provider';
import { TwilioSignatureGuard } from './twilio-signature.guard';
import { TwilioSmsProvider } from './twilio-sms.provider';
import { TwilioStatusController } from './twilio-status.controller';

/** Budget bursts up to this much sending time after an idle spell, so the provider's queue never runs dry. */
const BUDGET_BURST_MS = 1000;

@Module({
  imports: [NoticeModule],
  controllers: [TwilioStatusController],
  providers: [
    DeliveryRepository,
    DeliveryClaimRepository,
    DeliveryWriter,
    ProviderCallbackRepository,
    CallbackInbox,
    CallbackApplier,
    SendPermits,
    Reconciler,
    DispatchService,
    Scheduler,
    TwilioSignatureGuard,
    {
      provide: TwilioSmsProvider,
      inject: [NOTIFIER_CONFIG],
      useFactory: (config: NotifierConfig) => new TwilioSmsProvider(config),
    },
    {
      provide: SmtpEmailProvider,
      inject: [NOTIFIER_CONFIG],
      useFactory: (config: NotifierConfig) => new SmtpEmailProvider(config),
    },
    {
      provide: NoticeRenderer,
      inject: [NOTIFIER_CONFIG],
      useFactory: (config: NotifierConfig) => new NoticeRenderer(config),
    },
    { provide: DispatchMetrics, inject: [Registry], useFactory: (registry: Registry) => new DispatchMetrics(registry) },
    {
      provide: SendBudget,
      inject: [DataSource, NOTIFIER_CONFIG],
      useFactory: (dataSource: DataSource, config: NotifierConfig) =>
        new SendBudget(dataSource, config.sender, config.TWILIO_SEGMENTS_PER_SECOND, BUDGET_BURST_MS),
    },
  ],
})
export class DispatchModule {}
