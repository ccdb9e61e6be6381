import { Module } from '@nestjs/common';
import { ActivationModule } from '../activation/activation.module';
import { DevController } from './dev.controller';

/** Local-only endpoints; app.ts imports this module only when FRAUD_DEV_ENDPOINTS=true. */
@Module({
  imports: [ActivationModule],
  controllers: [DevController],
})
export class DevModule {}
