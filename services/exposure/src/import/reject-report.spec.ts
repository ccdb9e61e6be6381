import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RejectReport, REJECTS_HEADER } from './reject-report';
import { RejectCode } from './row-validation';

describe(RejectReport.name, () => {
  let dir: string;
  let path: string;
  const printed: string[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rejects-'));
    path = join(dir, 'subscribers.csv.rejects.csv');
    printed.length = 0;
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one quoted CSV line per row and prints only the first rows', async () => {
    const sut = new RejectReport(path, 'subscribers.csv', (line) => printed.push(line), 1);
    await sut.start();
    sut.add({
      line: 4,
      key: 'SUB-1',
      problems: [
        { field: 'cnic', code: RejectCode.InvalidCnic, message: 'CNIC 35*******45 has 10 digits, expected 13' },
        {
          field: 'region',
          code: RejectCode.UnknownValue,
          message: "unknown region 'MARS'; expected one of PUNJAB, SINDH",
        },
      ],
    });
    sut.add({ line: 9, problems: [{ field: '', code: RejectCode.MalformedCsv, message: 'a "quote" problem' }] });
    await sut.close();

    expect(await readFile(path, 'utf8')).toBe(
      `${REJECTS_HEADER}\n` +
        `4,SUB-1,cnic|region,INVALID_CNIC|UNKNOWN_VALUE,"cnic: CNIC 35*******45 has 10 digits, expected 13; region: unknown region 'MARS'; expected one of PUNJAB, SINDH"\n` +
        `9,,,MALFORMED_CSV,": a ""quote"" problem"\n`,
    );
    expect(sut.count).toBe(2);
    expect(printed).toEqual([
      "subscribers.csv:4: INVALID_CNIC|UNKNOWN_VALUE cnic: CNIC 35*******45 has 10 digits, expected 13; region: unknown region 'MARS'; expected one of PUNJAB, SINDH",
      `subscribers.csv: ... 1 more rejected rows, see ${path}`,
    ]);
  });

  it('removes the report of an earlier run and writes none when nothing is rejected', async () => {
    await writeFile(path, 'stale');
    const sut = new RejectReport(path, 'subscribers.csv', (line) => printed.push(line));
    await sut.start();
    await sut.close();
    await sut.close(); // idempotent
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(printed).toEqual([]);
  });
});
