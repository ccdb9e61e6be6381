import { Module } from '@nestjs/common';
import { FeedConsumer } from './feed.consumer';
import { FeedRepository } from './feed.repository';

@Module({ controllers: [FeedConsumer], providers: [FeedRepository] })
export class FeedModule {}
