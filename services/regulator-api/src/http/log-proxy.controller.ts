import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Actor, RequirePermission, staffPrincipal, type AccessActor } from '@bnp/auth';
import { LogClient } from '../figures/log-client';
import { ReportService } from '../report/report.service';

const READ = ['incident:read', 'incident:read-own-jurisdiction'] as const;

/**
 * The transparency log through the regulator API: the checkpoint, hash tiles and proofs for every
 * regulator (they hold no personal data and reveal only hashes); an incident's entries (its bundle) only
 * to a regulator of that incident's jurisdiction. Entry-bundle tiles mix incidents, so they stay closed.
 */
@Controller('log')
export class LogProxyController {
  constructor(
    private readonly log: LogClient,
    private readonly reports: ReportService,
  ) {}

  @Get('checkpoint')
  @RequirePermission([...READ])
  checkpoint(@Res() res: Response): Promise<void> {
    return this.relay('checkpoint', '', res);
  }

  @Get('tile/*path')
  @RequirePermission([...READ])
  async tile(@Req() req: Request, @Res() res: Response): Promise<void> {
    const path = req.path.slice('/log/'.length);
    if (path.startsWith('tile/entries/')) {
      res.status(403).json({ message: 'entry bundles are served per incident: /log/incidents/<id>/bundle' });
      return;
    }
    return this.relay(path, '', res);
  }

  @Get('proof/:kind')
  @RequirePermission([...READ])
  proof(@Param('kind') kind: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (kind !== 'inclusion' && kind !== 'consistency') {
      res.status(404).json({ message: 'proof is inclusion or consistency' });
      return Promise.resolve();
    }
    const search = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
    return this.relay(`proof/${kind}`, search, res);
  }

  @Get('incidents/:incidentId/bundle')
  @RequirePermission([...READ])
  async bundle(@Param('incidentId') incidentId: string, @Actor() actor: AccessActor, @Res() res: Response) {
    await this.reports.visibleJurisdiction(staffPrincipal(actor), incidentId);
    return this.relay(`export/incidents/${encodeURIComponent(incidentId)}`, '', res);
  }

  private async relay(path: string, search: string, res: Response): Promise<void> {
    let upstream: globalThis.Response;
    try {
      upstream = await this.log.get(path, search);
    } catch {
      res.status(503).json({ message: 'the transparency log is unavailable' });
      return;
    }
    if (upstream.status === 401 || upstream.status === 403) {
      // The log refused this service's own token: a misconfigured client (TLOG_CLIENT_ID and its role), never
      // the caller's fault, so never relayed as their 401/403.
      res.status(502).json({ message: 'the transparency log refused regulator-api; see its TLOG_CLIENT_ID' });
      return;
    }
    res.status(upstream.status);
    for (const header of ['content-type', 'cache-control', 'x-tlog-partial']) {
      const value = upstream.headers.get(header);
      if (value) res.set(header, value);
    }
    res.send(Buffer.from(await upstream.arrayBuffer()));
  }
}
