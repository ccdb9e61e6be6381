import { parseImportArgs, UsageError } from './import-args';

describe(parseImportArgs.name, () => {
  it('reads the kind, the file and the options', () => {
    expect(
      parseImportArgs([
        'subscribers',
        'subs.csv',
        '--database-url',
        'postgres://x/y',
        '--chunk-rows',
        '1000',
        '--workers',
        '2',
      ]),
    ).toEqual({
      kind: 'subscribers',
      file: 'subs.csv',
      databaseUrl: 'postgres://x/y',
      chunkRows: 1000,
      workers: 2,
      quiet: false,
      rejectsFile: undefined,
    });
  });

  it('needs a list id and a list kind for scope lists, and refuses them elsewhere', () => {
    expect(parseImportArgs(['scope-list', 'l.txt', '--list-id', 'INC-7.msisdns', '--kind', 'msisdns'])).toMatchObject({
      kind: 'scope-list',
      list: { listId: 'INC-7.msisdns', kind: 'msisdns' },
    });
    expect(() => parseImportArgs(['scope-list', 'l.txt', '--list-id', 'x'])).toThrow(
      'scope-list needs --list-id and --kind',
    );
    expect(() => parseImportArgs(['scope-list', 'l.txt', '--list-id', 'x', '--kind', 'names'])).toThrow(UsageError);
    expect(() => parseImportArgs(['assets', 'a.csv', '--list-id', 'x'])).toThrow('only apply to scope-list');
  });

  it('turns every malformed command line into a usage error', () => {
    for (const argv of [
      [],
      ['people', 'p.csv'],
      ['assets'],
      ['assets', 'a.csv', 'extra'],
      ['assets', 'a.csv', '--chunk-rows', '0'],
      ['assets', 'a.csv', '--workers', 'many'],
      ['assets', 'a.csv', '--unknown'],
    ]) {
      expect(() => parseImportArgs(argv)).toThrow(UsageError);
    }
  });

  it('returns undefined for --help', () => {
    expect(parseImportArgs(['--help'])).toBeUndefined();
  });
});
