import { Controller, Get, Inject, Param, Res, UseFilters } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { RequirePermission } from '@bnp/auth';
import { LOGGER } from '@bnp/observability';
import { LogHttpExceptionFilter } from '../http/log-http-exception.filter';
import { ExportService } from './export.service';

/**
 * GET /export/incidents/:incident: the incident's bundle (NDJSON) for offline verification with
 * tools/verify-log. Read-only and PII-free like the rest of the log. Its entries are an incident's, so
 * `log:entries`: auditors and regulator-api's relay, which hands each regulator only the incidents of
 * its jurisdiction (ADR 0024).
 */
@Controller('export')
@UseFilters(LogHttpExceptionFilter)
@RequirePermission('log:entries')
export class ExportController {
  constructor(
    private readonly exporter: ExportService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get('incidents/:incidentId')
  async incident(@Param('incidentId') incident: string, @Res() res: Response): Promise<void> {
    const lines = this.exporter.incidentBundle(incident);
    // The first line is produced before anything is sent, so "no checkpoint yet" is still a clean 404.
    const first = await lines.next();
    res.set({ 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
    if (!first.done) res.write(first.value);
    try {
      for await (const chunk of lines) {
        if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
      }
    } catch (error) {
      // Headers are gone: abort the transfer so the client sees a failed download, never a clean short file.
      this.logger.error({ err: error, incident }, 'incident bundle export failed mid-stream');
      res.destroy(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    res.end();
  }
}
