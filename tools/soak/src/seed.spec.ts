import { soakSeed } from './seed';

describe('soakSeed', () => {
  it('replays SOAK_SEED when it is set', () => {
    expect(soakSeed({ SOAK_SEED: '777001' })).toEqual({ value: 777001, drawn: false });
    expect(soakSeed({ SOAK_SEED: ' 0 ' })).toEqual({ value: 0, drawn: false });
  });

  it('draws a whole number per run otherwise', () => {
    expect(soakSeed({}, () => 0.5)).toEqual({ value: 2 ** 30, drawn: true });
    expect(soakSeed({ SOAK_SEED: '' }, () => 0)).toEqual({ value: 0, drawn: true });
  });

  it('refuses a seed that is not a whole number, naming the variable', () => {
    expect(() => soakSeed({ SOAK_SEED: 'abc' })).toThrow(
      'SOAK_SEED must be a whole number of at least 0, got "abc"',
    );
    expect(() => soakSeed({ SOAK_SEED: '-1' })).toThrow(/SOAK_SEED/);
  });
});
