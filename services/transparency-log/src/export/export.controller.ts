import { Controller, Get, Inject, Param, Res, UseFilters } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { LOGGER } from '@bnp/observability';
import { LogHttpExceptionFilter } from '../http/log-http-exception.filter';
import { ExportService } from './export.service';

/**
 * GET /export/incidents/:incident: the incident's bundle (NDJSON) for offline verification with
 * tools/verify-log. Read-only and PII-free like the rest of the log; behind the regulator API, which
 * hands each regulator only the incidents of its jurisdiction.
 */
@Controller('export')
@UseFilters(LogHttpExceptionFilter)
export class ExportController {
  constructor(
    private readonly exporter: ExportService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get('incidents/:incident')
  async incident(@Param('incident') incident: string, @Res() res: Response): Promise<void> {
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
