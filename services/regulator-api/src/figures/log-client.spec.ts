import { parseCheckpoint } from './log-client';

describe(parseCheckpoint.name, () => {
  const sut = parseCheckpoint;

  it('reads origin, size and root hash from a signed checkpoint note', () => {
    const note = 'bnp.local/transparency-log\n48211\nQm9vdA==\n\n— bnp.local/transparency-log AbCdEf==\n';
    expect(sut(note)).toEqual({ origin: 'bnp.local/transparency-log', treeSize: 48211, rootHash: 'Qm9vdA==' });
  });

  it('refuses anything that is not a checkpoint', () => {
    expect(sut('not found')).toBeNull();
    expect(sut('origin\nlots\nroot')).toBeNull();
  });
});
