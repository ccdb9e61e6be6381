import { StringDecoder } from 'node:string_decoder';
import { CsvParser, CsvRecord } from './csv-parser';

/** Parses `text` fed in pieces of `size` characters, as a stream would deliver it. */
function parse(text: string, size = text.length || 1, maxRecordChars?: number): CsvRecord[] {
  const sut = new CsvParser(maxRecordChars);
  const records: CsvRecord[] = [];
  for (let i = 0; i < text.length; i += size) records.push(...sut.push(text.slice(i, i + size)));
  records.push(...sut.end());
  return records;
}

/** Parses UTF-8 bytes split every `size` bytes, so multi-byte characters are cut in half. */
function parseBytes(bytes: Buffer, size: number): CsvRecord[] {
  const sut = new CsvParser();
  const decoder = new StringDecoder('utf8');
  const records: CsvRecord[] = [];
  for (let i = 0; i < bytes.length; i += size) records.push(...sut.push(decoder.write(bytes.subarray(i, i + size))));
  records.push(...sut.push(decoder.end()), ...sut.end());
  return records;
}

describe(CsvParser.name, () => {
  it('splits plain fields and numbers records by line', () => {
    expect(parse('a,b,c\n1,2,3\n')).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', '2', '3'] },
    ]);
  });

  it('reads quoted fields with commas, escaped quotes and line breaks, counting the physical lines', () => {
    const text = 'id,name\n1,"Khan, Ayesha"\n2,"He said ""hi"""\n3,"two\nlines"\n4,last\n';
    expect(parse(text)).toEqual([
      { line: 1, fields: ['id', 'name'] },
      { line: 2, fields: ['1', 'Khan, Ayesha'] },
      { line: 3, fields: ['2', 'He said "hi"'] },
      { line: 4, fields: ['3', 'two\nlines'] },
      { line: 6, fields: ['4', 'last'] },
    ]);
  });

  it('treats CRLF, LF and lone CR as one line break each', () => {
    expect(parse('a\r\nb\rc\nd\r\n"e\r\nf"\r\ng')).toEqual([
      { line: 1, fields: ['a'] },
      { line: 2, fields: ['b'] },
      { line: 3, fields: ['c'] },
      { line: 4, fields: ['d'] },
      { line: 5, fields: ['e\r\nf'] },
      { line: 7, fields: ['g'] },
    ]);
  });

  it('gives the same records however the input is split, even between CR and LF', () => {
    const text = '\ufeffid,name,note\r\n1,"Khan, ""AK"" Ayesha","x\r\ny"\r\n\r\n2,,\r\n3,plain,"q"\r\n';
    const whole = parse(text);
    for (const size of [1, 2, 3, 5, 7]) expect(parse(text, size)).toEqual(whole);
    expect(whole).toEqual([
      { line: 1, fields: ['id', 'name', 'note'] },
      { line: 2, fields: ['1', 'Khan, "AK" Ayesha', 'x\r\ny'] },
      { line: 5, fields: ['2', '', ''] },
      { line: 6, fields: ['3', 'plain', 'q'] },
    ]);
  });

  it('keeps Urdu names intact when chunks cut UTF-8 characters in half', () => {
    const text = 'id,name\n1,محمد احمد خان\n2,"عائشہ, صدیقی"\n';
    const bytes = Buffer.from(text, 'utf8');
    for (const size of [1, 2, 3, 5]) {
      expect(parseBytes(bytes, size)).toEqual([
        { line: 1, fields: ['id', 'name'] },
        { line: 2, fields: ['1', 'محمد احمد خان'] },
        { line: 3, fields: ['2', 'عائشہ, صدیقی'] },
      ]);
    }
  });

  it('skips blank lines, strips a byte order mark and reads a last line without a line break', () => {
    expect(parse('\ufeffa,b\n\n\n1,2\n\r\n3,4')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 4, fields: ['1', '2'] },
      { line: 6, fields: ['3', '4'] },
    ]);
  });

  it('keeps empty trailing fields', () => {
    expect(parse('a,b,\n,,\n1,')).toEqual([
      { line: 1, fields: ['a', 'b', ''] },
      { line: 2, fields: ['', '', ''] },
      { line: 3, fields: ['1', ''] },
    ]);
  });

  it('reports a quote inside an unquoted field and resumes on the next line', () => {
    expect(parse('1,ab"c,d\n2,ok\n')).toEqual([
      { line: 1, fields: [], error: expect.stringContaining('quote inside an unquoted field') },
      { line: 2, fields: ['2', 'ok'] },
    ]);
  });

  it('reports text after a closing quote', () => {
    expect(parse('1,"ab"c\n2,ok')).toEqual([
      { line: 1, fields: [], error: expect.stringContaining('after a closing quote') },
      { line: 2, fields: ['2', 'ok'] },
    ]);
  });

  it('reports a quoted field left open at the end of the file on the line it started', () => {
    expect(parse('1,ok\n2,"never closed\n3,x\n')).toEqual([
      { line: 1, fields: ['1', 'ok'] },
      { line: 2, fields: [], error: expect.stringContaining('not closed') },
    ]);
  });

  it('bounds a record that runs away and resynchronises on the next line break', () => {
    const records = parse('1,"unbalanced\n2,ok\n3,fine\n', 4, 10);
    expect(records).toEqual([
      { line: 1, fields: [], error: expect.stringContaining('longer than 10 characters') },
      { line: 2, fields: ['2', 'ok'] },
      { line: 3, fields: ['3', 'fine'] },
    ]);
  });
});
