import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { AuthGuard } from './auth.guard';
import { AUTH_CONFIG } from './auth.tokens';
import { AUTH_CLOCK, systemClock, type Clock } from './clock';
import type { AuthConfig } from './auth-config';
import { PermissionMap } from './permissions';
import { RouteDeclarationCheck } from './route-declarations';
import { TokenVerifier } from './token-verifier';

/**
 * Every service imports this once: the token verifier for the configured issuer, the permissions file,
 * the global guard, and the boot check that refuses an app with an undeclared route.
 */
@Global()
@Module({})
export class AuthModule {
  static forRoot(config: AuthConfig): DynamicModule {
    return {
      module: AuthModule,
      imports: [DiscoveryModule],
      providers: [
        { provide: AUTH_CONFIG, useValue: config },
        { provide: AUTH_CLOCK, useValue: systemClock },
        {
          provide: TokenVerifier,
          inject: [AUTH_CLOCK],
          useFactory: (clock: Clock) => new TokenVerifier(config, clock),
        },
        { provide: PermissionMap, useValue: PermissionMap.load() },
        { provide: APP_GUARD, useClass: AuthGuard },
        RouteDeclarationCheck,
      ],
      exports: [AUTH_CONFIG, AUTH_CLOCK, TokenVerifier, PermissionMap],
    };
  }
}
