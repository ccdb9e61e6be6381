import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';

export interface KafkaConnectionConfig {
  KAFKA_BROKERS: string[];
  KAFKA_CLIENT_ID?: string | undefined;
  KAFKA_SSL: boolean;
  KAFKA_SSL_CA_FILE?: string | undefined;
  KAFKA_SASL_MECHANISM: 'none' | 'plain' | 'scram-sha-256' | 'scram-sha-512';
  KAFKA_SASL_USERNAME?: string | undefined;
  KAFKA_SASL_PASSWORD?: string | undefined;
}

/** Builds kafkajs settings from configuration, so the same code runs against a local broker or a secured cluster. */
export function kafkaClientConfig(config: KafkaConnectionConfig, clientId: string, logger?: Logger): KafkaConfig {
  const result: KafkaConfig = {
    clientId: config.KAFKA_CLIENT_ID ?? clientId,
    brokers: config.KAFKA_BROKERS,
    connectionTimeout: 5000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 200, retries: 8 },
    logLevel: logLevel.WARN,
  };
  if (config.KAFKA_SSL) {
    result.ssl = config.KAFKA_SSL_CA_FILE ? { ca: [readFileSync(config.KAFKA_SSL_CA_FILE, 'utf8')] } : true;
  }
  if (config.KAFKA_SASL_MECHANISM !== 'none') {
    if (!config.KAFKA_SASL_USERNAME || !config.KAFKA_SASL_PASSWORD) {
      throw new Error('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required when KAFKA_SASL_MECHANISM is set');
    }
    result.sasl = {
      mechanism: config.KAFKA_SASL_MECHANISM,
      username: config.KAFKA_SASL_USERNAME,
      password: config.KAFKA_SASL_PASSWORD,
    } as SASLOptions;
  }
  if (logger) {
    result.logCreator = () => (entry: LogEntry) => logKafkaEntry(logger, entry);
  }
  return result;
}

function logKafkaEntry(logger: Logger, { namespace, level, log }: LogEntry): void {
  const { message, ...extra } = log;
  const fields = { kafka: { namespace, ...extra } };
  switch (level) {
    case logLevel.ERROR:
    case logLevel.NOTHING:
      logger.error(fields, message);
      break;
    case logLevel.WARN:
      logger.warn(fields, message);
      break;
    case logLevel.INFO:
      logger.info(fields, message);
      break;
    case logLevel.DEBUG:
      logger.debug(fields, message);
      break;
  }
}

export function createKafka(config: KafkaConnectionConfig, clientId: string, logger?: Logger): Kafka {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  return new Kafka(kafkaClientConfig(config, clientId, logger));
}
