import { Module } from '@nestjs/common';
import { DirectoryLookupController } from './directory-lookup.controller';
import { DirectoryLookupRepository } from './directory-lookup.repository';

@Module({ controllers: [DirectoryLookupController], providers: [DirectoryLookupRepository] })
export class DirectoryLookupModule {}
