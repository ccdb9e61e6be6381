/** One CSV record. `line` is the physical line it starts on (the header is line 1), as an editor shows it. */
export interface CsvRecord {
  line: number;
  fields: string[];
  /** Set when the record is malformed; the rest of its line was skipped and `fields` is empty. */
  error?: string;
}

/** Long enough for any real row; stops an unbalanced quote from swallowing the rest of a 10 GB file into memory. */
export const DEFAULT_MAX_RECORD_CHARS = 64 * 1024;

const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const BOM = 0xfeff;

const enum State {
  /** Before the first character of a field. */
  FieldStart,
  Unquoted,
  Quoted,
  /** Just read a quote inside a quoted field: either the closing quote or the first half of `""`. */
  QuoteInQuoted,
  /** The record is malformed: ignore everything up to the next line break. */
  SkipLine,
}

/**
 * Streaming RFC 4180 parser: comma-separated, fields optionally enclosed in double quotes, `""` for a quote inside
 * one, line breaks (CRLF, LF or CR) inside quoted fields. Feed it decoded text in chunks of any size (split anywhere,
 * even between CR and LF) and it returns the records completed so far. Blank lines are skipped. A malformed record is
 * returned with `error` set and parsing resumes on the next line, so one bad row never stops a file.
 * It does not trim fields or interpret values; that is validation's job.
 */
export class CsvParser {
  #state = State.FieldStart;
  #fields: string[] = [];
  /** The part of the current field completed in earlier chunks or before an escaped quote. */
  #field = '';
  #line = 1;
  #recordLine = 1;
  #recordChars = 0;
  #previousWasCr = false;
  #bomChecked = false;
  #error: string | undefined;

  constructor(private readonly maxRecordChars = DEFAULT_MAX_RECORD_CHARS) {}

  push(text: string): CsvRecord[] {
    const records: CsvRecord[] = [];
    let i = 0;
    if (!this.#bomChecked && text.length > 0) {
      this.#bomChecked = true;
      if (text.charCodeAt(0) === BOM) i = 1;
    }
    // Start of the current field's text inside this chunk, for the states that copy by slicing.
    let segmentStart = i;
    const length = text.length;
    for (; i < length; i++) {
      const c = text.charCodeAt(i);
      if (++this.#recordChars > this.maxRecordChars && this.#state !== State.SkipLine) {
        this.#fail(`record is longer than ${this.maxRecordChars} characters (is a quote unbalanced?)`);
      }
      switch (this.#state) {
        case State.FieldStart:
          if (c === QUOTE) {
            this.#state = State.Quoted;
            segmentStart = i + 1;
          } else if (c === COMMA) {
            this.#fields.push('');
          } else if (c === LF || c === CR) {
            this.#endRecord(records, c);
          } else {
            this.#state = State.Unquoted;
            segmentStart = i;
          }
          break;
        case State.Unquoted:
          if (c === COMMA) {
            this.#fields.push(this.#field + text.slice(segmentStart, i));
            this.#field = '';
            this.#state = State.FieldStart;
          } else if (c === LF || c === CR) {
            this.#fields.push(this.#field + text.slice(segmentStart, i));
            this.#field = '';
            this.#endRecord(records, c);
          } else if (c === QUOTE) {
            this.#fail('a quote inside an unquoted field (enclose the whole field in quotes and double the quote)');
          }
          break;
        case State.Quoted:
          if (c === QUOTE) {
            this.#field += text.slice(segmentStart, i);
            this.#state = State.QuoteInQuoted;
          } else if (c === LF || c === CR) {
            this.#countLineBreak(c);
          }
          break;
        case State.QuoteInQuoted:
          if (c === QUOTE) {
            this.#field += '"';
            this.#state = State.Quoted;
            segmentStart = i + 1;
          } else if (c === COMMA) {
            this.#fields.push(this.#field);
            this.#field = '';
            this.#state = State.FieldStart;
          } else if (c === LF || c === CR) {
            this.#fields.push(this.#field);
            this.#field = '';
            this.#endRecord(records, c);
          } else {
            this.#fail('a character other than a comma or a line break after a closing quote');
          }
          break;
        case State.SkipLine:
          if (c === LF || c === CR) this.#endRecord(records, c);
          break;
      }
      if (c !== CR) this.#previousWasCr = false;
    }
    if (this.#state === State.Unquoted || this.#state === State.Quoted) this.#field += text.slice(segmentStart);
    return records;
  }

  /** Call once after the last chunk: returns the last record if the file does not end with a line break. */
  end(): CsvRecord[] {
    const records: CsvRecord[] = [];
    switch (this.#state) {
      case State.Quoted:
        this.#fail('a quoted field is not closed before the end of the file');
        records.push(this.#takeRecord());
        break;
      case State.SkipLine:
        records.push(this.#takeRecord());
        break;
      case State.Unquoted:
      case State.QuoteInQuoted:
        this.#fields.push(this.#field);
        records.push(this.#takeRecord());
        break;
      case State.FieldStart:
        // "a,b," at the very end: the trailing comma opened an empty last field.
        if (this.#fields.length > 0) {
          this.#fields.push('');
          records.push(this.#takeRecord());
        }
        break;
    }
    return records;
  }

  /** Outside quotes: a line break ends the record. A CRLF is one break, so the LF after a CR ends nothing. */
  #endRecord(records: CsvRecord[], c: number): void {
    const lfAfterCr = c === LF && this.#previousWasCr;
    this.#countLineBreak(c);
    if (lfAfterCr && this.#state === State.FieldStart && this.#fields.length === 0) {
      this.#recordLine = this.#line;
      this.#recordChars = 0;
      return;
    }
    const blank = this.#state === State.FieldStart && this.#fields.length === 0;
    if (!blank) {
      if (this.#state === State.FieldStart) this.#fields.push(''); // "a,b,<EOL>": empty last field
      records.push(this.#takeRecord());
    }
    this.#state = State.FieldStart;
    this.#recordLine = this.#line;
    this.#recordChars = 0;
  }

  #countLineBreak(c: number): void {
    if (c === CR) {
      this.#line++;
      this.#previousWasCr = true;
    } else if (!this.#previousWasCr) {
      this.#line++;
    }
  }

  #fail(reason: string): void {
    this.#error ??= reason;
    this.#fields = [];
    this.#field = '';
    this.#state = State.SkipLine;
  }

  #takeRecord(): CsvRecord {
    const record: CsvRecord =
      this.#error === undefined
        ? { line: this.#recordLine, fields: this.#fields }
        : { line: this.#recordLine, fields: [], error: this.#error };
    this.#fields = [];
    this.#field = '';
    this.#error = undefined;
    this.#state = State.FieldStart;
    return record;
  }
}
