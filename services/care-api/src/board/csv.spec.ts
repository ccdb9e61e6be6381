import { csvOf } from './csv';

describe(csvOf.name, () => {
  const sut = csvOf;

  it('quotes cells with commas and quotes, and defuses formulas', () => {
    expect(
      sut(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          ['=1+1', '+92 3** *** **67'],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n\'=1+1,\'+92 3** *** **67\r\n');
  });
});
