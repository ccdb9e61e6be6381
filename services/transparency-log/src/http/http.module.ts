import { Module } from '@nestjs/common';
import { ExportController } from '../export/export.controller';
import { ExportService } from '../export/export.service';
import { LogController } from './log.controller';
import { LogReadService } from './log-read.service';

@Module({
  controllers: [LogController, ExportController],
  providers: [LogReadService, ExportService],
})
export class HttpModule {}
