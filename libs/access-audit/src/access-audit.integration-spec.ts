import { randomUUID } from 'node:crypto';
import {
  Controller,
  Get,
  Global,
  Injectable,
  Module,
  Param,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import pino from 'pino';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { RequirePermission, type AuthenticatedRequest, type Permission } from '@bnp/auth';
import { AccessActorKind, AccessLogEntrySchema, AccessOutcome, Topics, decodeBinary } from '@bnp/contracts';
import { createOutboxTableSql } from '@bnp/messaging';
import { LOGGER } from '@bnp/observability';
import { TEST_DATABASE_URL } from '@bnp/testing';
import { AccessAuditInterceptor } from './access-audit.interceptor';
import { AccessAuditModule } from './access-audit.module';
import { createAccessLogTableSql } from './access-log-sql';

const schema = `access_it_${randomUUID().slice(0, 8)}`;

/** Stands in for the platform guard (tested in libs/auth): admits a care agent with a reason. */
@Injectable()
class AdmitCareAgent implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    req.actor = {
      kind: 'staff',
      reason: 'caller 0300-1234567 asked about their lock',
      principal: {
        subject: 'carol-sub',
        displayName: 'carol',
        roles: ['care-agent'],
        permissions: new Set<Permission>(['enrollment:read']),
        serviceAccount: false,
        authTime: null,
        secondFactor: false,
        jurisdiction: null,
        clientId: 'care-web',
      },
    };
    return true;
  }
}

@Controller('people')
class PeopleController {
  @Get(':personId')
  @RequirePermission('enrollment:read', { reasonRequired: true })
  read(@Param('personId') personId: string) {
    return { personId, msisdnMasked: '+92300*****67' };
  }
}

describe(AccessAuditInterceptor.name, () => {
  let dataSource: DataSource;
  let app: INestApplication;

  beforeAll(async () => {
    dataSource = await new DataSource({ type: 'postgres', url: TEST_DATABASE_URL, extra: { max: 3 } }).initialize();
    await dataSource.query(`CREATE SCHEMA "${schema}"`);
    for (const statement of [...createOutboxTableSql(schema), ...createAccessLogTableSql(schema)]) {
      await dataSource.query(statement);
    }
    @Global()
    @Module({
      providers: [
        { provide: DataSource, useValue: dataSource },
        { provide: LOGGER, useValue: pino({ level: 'silent' }) },
      ],
      exports: [DataSource, LOGGER],
    })
    class StoresModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [StoresModule, AccessAuditModule.forService({ service: 'fraud-guard', schema })],
      controllers: [PeopleController],
      providers: [{ provide: APP_GUARD, useClass: AdmitCareAgent }],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await dataSource?.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource?.destroy();
  });

  const rows = () =>
    dataSource.query<Record<string, unknown>[]>(`SELECT * FROM "${schema}"."access_log" ORDER BY "occurred_at"`);

  it('commits the record of a read, and its access.log.v1 event, before the data is returned', async () => {
    const personId = randomUUID();
    const response = await request(app.getHttpServer()).get(`/people/${personId}`).expect(200);
    expect(response.body.personId).toBe(personId);

    const [row] = (await rows()).filter(
      (candidate) => (candidate.target_ids as { personId: string }).personId === personId,
    );
    expect(row).toMatchObject({
      subject: 'carol-sub',
      actor_kind: 'TOKEN',
      roles: ['care-agent'],
      route: 'GET /people/:personId',
      outcome: 'ALLOWED',
      status: 200,
    });
    expect(row!.reason).not.toContain('1234567'); // a number typed into the reason is masked

    const outbox = await dataSource.query<{ topic: string; message_key: string; payload: Buffer }[]>(
      `SELECT "topic", "message_key", "payload" FROM "${schema}"."outbox"`,
    );
    const event = outbox
      .filter((message) => message.topic === Topics.accessLog)
      .map((message) => decodeBinary(AccessLogEntrySchema, message.payload))
      .find((candidate) => candidate.accessId === row!.id);
    expect(event).toMatchObject({
      service: 'fraud-guard',
      subject: 'carol-sub',
      actorKind: AccessActorKind.TOKEN,
      route: 'GET /people/:personId',
      targetIds: { personId },
      outcome: AccessOutcome.ALLOWED,
      status: 200,
    });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of the access log', async () => {
    await request(app.getHttpServer()).get(`/people/${randomUUID()}`).expect(200);
    await expect(dataSource.query(`UPDATE "${schema}"."access_log" SET "outcome" = 'DENIED'`)).rejects.toThrow(
      'append-only: UPDATE refused',
    );
    await expect(dataSource.query(`DELETE FROM "${schema}"."access_log"`)).rejects.toThrow(
      'append-only: DELETE refused',
    );
    await expect(dataSource.query(`TRUNCATE "${schema}"."access_log"`)).rejects.toThrow(
      'append-only: TRUNCATE refused',
    );
  });

  it('answers 503 without the data when the record cannot be written', async () => {
    await dataSource.query(`ALTER TABLE "${schema}"."access_log" RENAME TO "access_log_away"`);
    try {
      const response = await request(app.getHttpServer()).get(`/people/${randomUUID()}`);
      expect(response.status).toBe(503);
      expect(JSON.stringify(response.body)).not.toContain('msisdnMasked');
    } finally {
      await dataSource.query(`ALTER TABLE "${schema}"."access_log_away" RENAME TO "access_log"`);
    }
  });
});
