import { Controller, Get, HttpCode, HttpStatus, Injectable, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '@bnp/auth';

export interface HealthIndicator {
  readonly name: string;
  /** Resolves when the dependency answers; rejects with a reason otherwise. */
  check(): Promise<void>;
}

/** Dependencies register their readiness checks here (Kafka, PostgreSQL, providers). */
@Injectable()
export class HealthRegistry {
  private readonly indicators: HealthIndicator[] = [];

  register(indicator: HealthIndicator): void {
    this.indicators.push(indicator);
  }

  async readiness(timeoutMs = 3000): Promise<{ ready: boolean; checks: Record<string, string> }> {
    const results = await Promise.all(
      this.indicators.map(async (indicator) => {
        try {
          await withTimeout(indicator.check(), timeoutMs);
          return [indicator.name, 'up'] as const;
        } catch (error) {
          return [indicator.name, `down: ${error instanceof Error ? error.message : String(error)}`] as const;
        }
      }),
    );
    return { ready: results.every(([, state]) => state === 'up'), checks: Object.fromEntries(results) };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

@Controller('health')
@Public('liveness and readiness for the orchestrator: no data, only up or down per dependency')
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  /** Liveness: the process runs its event loop. */
  @Get('live')
  @HttpCode(HttpStatus.OK)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: every dependency answers. 503 otherwise, so a load balancer stops sending traffic. */
  @Get()
  async ready(
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ status: string; checks: Record<string, string> }> {
    const { ready, checks } = await this.registry.readiness();
    response.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ready ? 'ok' : 'unavailable', checks };
  }
}
