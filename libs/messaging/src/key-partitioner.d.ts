import type { ICustomPartitioner } from 'kafkajs';

// Types of key-partitioner.js (plain JS so that the producer thread can load it; see its header).

/** Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), as the Java client hashes keys. */
export function murmur2(data: Uint8Array): number;

/** The partition kafkajs's DefaultPartitioner (and the Java client) gives a keyed record. */
export function partitionForKey(key: string | Uint8Array, partitions: number): number;

/** kafkajs's DefaultPartitioner for keyed records without its per-record costs. */
export const KeyPartitioner: ICustomPartitioner;
