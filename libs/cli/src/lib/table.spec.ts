import { displayWidth, formatTable, tableLines } from './table';

describe('formatTable', () => {
  it('pads every column but the last to its widest cell', () => {
    expect(
      formatTable(
        ['id', 'status'],
        [
          ['1', 'ok'],
          ['12345', 'failed'],
        ],
      ),
    ).toBe(['id     status', '1      ok', '12345  failed'].join('\n'));
  });

  it('measures non-ASCII text in terminal columns: wide CJK, combining marks, accented letters', () => {
    const rows = [
      ['北京', 'CN'],
      ['Zoe\u0308', 'IE'], // e + combining diaeresis: 3 columns, 4 code units
      ['Müller', 'DE'],
      ['x', 'US'],
    ];
    const lines = formatTable(['name', 'country'], rows).split('\n');
    // Every second column starts at the same terminal column.
    const starts = lines.map((l) => displayWidth(l.slice(0, l.lastIndexOf(' ') + 1)));
    expect(new Set(starts)).toEqual(new Set([displayWidth('Müller  ')]));
    expect(displayWidth('北京')).toBe(4);
    expect(displayWidth('Zoe\u0308')).toBe(3);
  });

  it('draws a rule under the header when asked', () => {
    expect(formatTable(['a', 'bb'], [['xyz', '1']], { rule: true })).toBe(
      ['a    bb', '---  --', 'xyz  1'].join('\n'),
    );
  });

  it('keeps each row on one line and fills missing cells', () => {
    expect(formatTable(['a', 'b', 'c'], [['line\nbreak'], ['x', 'y', 'z']])).toBe(
      ['a            b  c', 'line\\nbreak', 'x            y  z'].join('\n'),
    );
  });

  it('formats 130,000 rows (a spread over that many cells overflows the stack)', () => {
    const rows = Array.from({ length: 130_000 }, (_, i) => [
      String(i),
      `entity ${i} 北`,
      i % 2 ? 'IE' : 'DE',
    ]);
    const lines = [...tableLines(['id', 'name', 'country'], rows, { rule: true })];
    expect(lines).toHaveLength(130_002);
    expect(lines[0]).toBe('id      name              country');
    expect(lines[130_001]).toBe('129999  entity 129999 北  IE');
    expect(lines[2]).toBe('0       entity 0 北       DE');
  });
});
