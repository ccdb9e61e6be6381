import { Controller, Get, Global, Module, Post, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { Actor, type AccessActor } from './access-actor';
import { AuthGuard } from './auth.guard';
import { AuthModule } from './auth.module';
import { authConfigShape } from './auth-config';
import { HOLDER_PROOF_VERIFIER } from './hooks';
import { Public, RequirePermission } from './route-policy';
import { LocalIssuer } from './testing/local-issuer';
import { loadConfig } from '@bnp/config';

@Controller('things')
class ThingsController {
  @Get('open')
  @Public('a fixture route that needs no token')
  open() {
    return { open: true };
  }

  @Post(':id/release')
  @RequirePermission('incident:release')
  release(@Actor() actor: AccessActor) {
    return actor;
  }

  @Get(':id')
  @RequirePermission('enrollment:read', { reasonRequired: true, orHolderProof: true })
  read(@Actor() actor: AccessActor) {
    return actor;
  }
}

/** Services provide their verifier from a global module, where the guard can see it. */
@Global()
@Module({
  providers: [
    {
      provide: HOLDER_PROOF_VERIFIER,
      useValue: {
        presented: (req: { headers: Record<string, string> }) => req.headers['x-proof'] !== undefined,
        verify: (req: { headers: Record<string, string> }) =>
          req.headers['x-proof'] === 'good' ? Promise.resolve('enrollment-7') : Promise.reject(new Error('no proof')),
      },
    },
  ],
  exports: [HOLDER_PROOF_VERIFIER],
})
class HolderProofModule {}

@Controller('forgotten')
class ForgottenController {
  @Get()
  forgotten() {
    return 'anyone';
  }
}

describe(AuthGuard.name, () => {
  let issuer: LocalIssuer;
  let key: Awaited<ReturnType<typeof LocalIssuer.key>>;
  let sut: INestApplication;

  const authModule = () =>
    AuthModule.forRoot(
      loadConfig(authConfigShape, {
        OIDC_ISSUER: issuer.issuer,
        OIDC_AUDIENCE: 'bnp-api',
        OIDC_JWKS_URL: issuer.jwksUrl,
      }),
    );

  beforeAll(async () => {
    issuer = await LocalIssuer.start();
    key = await LocalIssuer.key('k1');
    issuer.publish(key);
    @Module({ imports: [authModule(), HolderProofModule], controllers: [ThingsController] })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    sut = moduleRef.createNestApplication({ logger: false });
    await sut.init();
  });
  afterAll(async () => {
    await sut?.close();
    await issuer?.close();
  });

  const token = (roles: string[], extra: Record<string, unknown> = {}) =>
    issuer.sign(key, { sub: 'alice-id', preferred_username: 'alice', realm_access: { roles }, ...extra });

  it('lets anyone call a @Public route', async () => {
    await request(sut.getHttpServer()).get('/things/open').expect(200, { open: true });
  });

  it('answers 401 with WWW-Authenticate when the token is missing or invalid', async () => {
    const missing = await request(sut.getHttpServer()).post('/things/1/release');
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    await request(sut.getHttpServer()).post('/things/1/release').set('Authorization', 'Bearer x.y.z').expect(401);
  });

  it('answers 403 when the roles grant no permission the route needs', async () => {
    await request(sut.getHttpServer())
      .post('/things/1/release')
      .set('Authorization', `Bearer ${await token(['incident-responder'])}`)
      .expect(403);
  });

  it('admits a role that grants the permission and hands the route the principal', async () => {
    const response = await request(sut.getHttpServer())
      .post('/things/1/release')
      .set('Authorization', `Bearer ${await token(['privacy-officer'], { auth_time: 1234, amr: ['pwd', 'otp'] })}`)
      .expect(201);
    expect(response.body).toMatchObject({
      kind: 'staff',
      principal: { subject: 'alice-id', displayName: 'alice', secondFactor: true, authTime: 1234 },
    });
  });

  it('needs a reason from staff on a route that reads a person’s data', async () => {
    const bearer = `Bearer ${await token(['care-agent'])}`;
    await request(sut.getHttpServer()).get('/things/1').set('Authorization', bearer).expect(400);
    await request(sut.getHttpServer())
      .get('/things/1')
      .set('Authorization', bearer)
      .set('X-Access-Reason', 'x'.repeat(501))
      .expect(400);
    const response = await request(sut.getHttpServer())
      .get('/things/1')
      .set('Authorization', bearer)
      .set('X-Access-Reason', 'caller asked about their SIM lock')
      .expect(200);
    expect(response.body).toMatchObject({ kind: 'staff', reason: 'caller asked about their SIM lock' });
  });

  it('admits the holder’s proof instead of a token where the route allows it, and only then', async () => {
    const response = await request(sut.getHttpServer()).get('/things/1').set('X-Proof', 'good').expect(200);
    expect(response.body).toEqual({ kind: 'holder', reference: 'enrollment-7' });
    await request(sut.getHttpServer()).post('/things/1/release').set('X-Proof', 'good').expect(401);
    await request(sut.getHttpServer()).get('/things/1').expect(401);
  });

  it('refuses to boot an app with a route that declares neither a permission nor @Public', async () => {
    @Module({ imports: [authModule(), HolderProofModule], controllers: [ThingsController, ForgottenController] })
    class LeakyModule {}
    const moduleRef = await Test.createTestingModule({ imports: [LeakyModule] }).compile();
    const leaky = moduleRef.createNestApplication({ logger: false });
    await expect(leaky.init()).rejects.toThrow(
      'GET /forgotten (ForgottenController.forgotten) declares neither @RequirePermission nor @Public',
    );
    await leaky.close();
  });

  it('refuses to boot an app whose holder-proof route has no verifier', async () => {
    @Module({ imports: [authModule()], controllers: [ThingsController] })
    class NoVerifierModule {}
    const moduleRef = await Test.createTestingModule({ imports: [NoVerifierModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await expect(app.init()).rejects.toThrow('GET /things/:id (ThingsController.read) accepts proof of possession');
    await app.close();
  });
});
