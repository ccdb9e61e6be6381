import { Controller, Get, NotFoundException, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequirePermission } from '@bnp/auth';
import { TILE_WIDTH, TilePathError, parseTilePath } from '@bnp/tlog';
import { LogHttpExceptionFilter } from './log-http-exception.filter';
import { LogReadService, type ConsistencyProofView, type InclusionProofView } from './log-read.service';
import { optionalIndex, requiredIndex } from './query';

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The log, read-only, exactly as C2SP tlog-tiles serves it (/checkpoint, /tile/<L>/<N>[.p/<W>],
 * /tile/entries/<N>[.p/<W>]), plus JSON inclusion and consistency proofs (docs/transparency-log.md).
 * The checkpoint, hash tiles and proofs hold only hashes: `log:read` (regulators, auditors). Entry
 * bundles mix incidents, so they need `log:entries` (auditors, regulator-api's relay, which hands each
 * regulator only the incidents of its jurisdiction). ADR 0024. Nothing here writes: the only way into
 * the log is its Kafka consumer, and any other method is refused with 404.
 */
@Controller()
@UseFilters(LogHttpExceptionFilter)
@RequirePermission('log:read')
export class LogController {
  constructor(private readonly log: LogReadService) {}

  @Get('checkpoint')
  async checkpoint(@Res() res: Response): Promise<void> {
    const checkpoint = await this.log.checkpoint();
    // Mutable: no caching beyond a few seconds.
    res
      .set({ 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'public, max-age=2' })
      .send(checkpoint.note);
  }

  // Declared before tile/*path, which would match it too: entry bundles need the stronger permission.
  @Get('tile/entries/*path')
  @RequirePermission('log:entries')
  entryTile(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.tile(req, res);
  }

  @Get('tile/*path')
  async tile(@Req() req: Request, @Res() res: Response): Promise<void> {
    let address;
    try {
      address = parseTilePath(req.path.slice('/tile/'.length));
    } catch (error) {
      if (error instanceof TilePathError) throw new NotFoundException(error.message);
      throw error;
    }
    const body = await this.log.tile(address);
    // A tile or bundle of a given width never changes: the full one only ever exists complete, and a
    // partial one of width W is the first W hashes of what the tile becomes.
    res.set({ 'content-type': 'application/octet-stream', 'cache-control': IMMUTABLE });
    if (address.width < TILE_WIDTH) res.set('x-tlog-partial', String(address.width));
    res.send(body);
  }

  @Get('proof/inclusion')
  async inclusion(
    @Query('index') index: unknown,
    @Query('entry_id') entryId: unknown,
    @Query('size') size: unknown,
  ): Promise<InclusionProofView> {
    const at =
      typeof entryId === 'string' && entryId.length > 0
        ? await this.log.indexOf(entryId)
        : requiredIndex('index', index);
    return this.log.inclusion(at, optionalIndex('size', size));
  }

  @Get('proof/consistency')
  consistency(@Query('from') from: unknown, @Query('to') to: unknown): Promise<ConsistencyProofView> {
    return this.log.consistency(requiredIndex('from', from), optionalIndex('to', to));
  }
}
