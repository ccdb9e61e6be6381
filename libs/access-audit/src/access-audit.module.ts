import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { ACCESS_DENIAL_LISTENER } from '@bnp/auth';
import { AccessAuditInterceptor } from './access-audit.interceptor';
import { AccessAuditWriter } from './access-audit.writer';
import { AccessDenialRecorder } from './access-denial.recorder';

/** The access log of one service: its writer, the interceptor that records every admitted call, and the guard's refusals. */
@Global()
@Module({})
export class AccessAuditModule {
  static forService(options: { service: string; schema: string }): DynamicModule {
    return {
      module: AccessAuditModule,
      providers: [
        {
          provide: AccessAuditWriter,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => new AccessAuditWriter(options.service, options.schema, dataSource),
        },
        { provide: ACCESS_DENIAL_LISTENER, useClass: AccessDenialRecorder },
        { provide: APP_INTERCEPTOR, useClass: AccessAuditInterceptor },
      ],
      exports: [AccessAuditWriter, ACCESS_DENIAL_LISTENER],
    };
  }
}
