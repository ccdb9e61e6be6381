import { ReliableKafkaServer, type ReliableKafkaOptions } from '@bnp/messaging';

/**
 * ReliableKafkaServer whose handlers, declared for the contract topic names, also serve the same
 * topics under a prefix (tests and the benchmark isolate themselves on a shared broker that way).
 */
export class PrefixedKafkaServer extends ReliableKafkaServer {
  constructor(
    options: ReliableKafkaOptions,
    private readonly prefix: string,
  ) {
    super(options);
  }

  override getHandlerByPattern(pattern: string) {
    const canonical = this.prefix && pattern.startsWith(this.prefix) ? pattern.slice(this.prefix.length) : pattern;
    return super.getHandlerByPattern(canonical);
  }
}
