/** What a Kafka handler receives: the raw bytes and headers, never a text-decoded value. */
export interface InboundMessage {
  /** The topic the message was first published to (a retried message keeps its original topic). */
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: string;
  /** 0 on first delivery, n on the n-th retry. */
  attempt: number;
}
