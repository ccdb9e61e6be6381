import { encodeEntriesCopy } from './entries-copy';

describe(encodeEntriesCopy.name, () => {
  it('writes PostgreSQL’s binary COPY format: signature, flags, rows of five length-prefixed fields, -1', () => {
    const sut = encodeEntriesCopy([
      { idx: 258, entryId: 'é1', kind: 'notification', incidentId: 'INC-1', data: Buffer.from([0, 1]) },
    ]);
    expect(sut.subarray(0, 11).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0');
    expect(sut.readInt32BE(11)).toBe(0); // flags
    expect(sut.readInt32BE(15)).toBe(0); // header extension
    let at = 19;
    expect(sut.readInt16BE(at)).toBe(5);
    expect(sut.readInt32BE((at += 2))).toBe(8);
    expect(sut.readBigInt64BE((at += 4))).toBe(258n);
    at += 8;
    const fields: Buffer[] = [];
    for (let i = 0; i < 4; i++) {
      const length = sut.readInt32BE(at);
      fields.push(sut.subarray(at + 4, at + 4 + length));
      at += 4 + length;
    }
    expect(fields.map((field) => field.toString('utf8')).slice(0, 3)).toEqual(['é1', 'notification', 'INC-1']);
    expect(fields[3]).toEqual(Buffer.from([0, 1]));
    expect(sut.readInt16BE(at)).toBe(-1);
    expect(sut.length).toBe(at + 2);
  });
});
