/** C2SP tlog-tiles entry bundles: entries one after another, each prefixed by its big-endian uint16 length. */
export const MAX_ENTRY_BYTES = 0xffff;

export function encodeEntryBundle(entries: readonly Uint8Array[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    if (entry.length > MAX_ENTRY_BYTES) throw new RangeError(`entry of ${entry.length} bytes does not fit a bundle`);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(entry.length);
    parts.push(length, Buffer.from(entry));
  }
  return Buffer.concat(parts);
}

export function decodeEntryBundle(bundle: Uint8Array): Buffer[] {
  const bytes = Buffer.from(bundle);
  const entries: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 2 > bytes.length) throw new RangeError(`entry bundle truncated at byte ${at}`);
    const length = bytes.readUInt16BE(at);
    if (at + 2 + length > bytes.length) throw new RangeError(`entry bundle truncated in entry ${entries.length}`);
    entries.push(bytes.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return entries;
}
