import { Command } from 'commander';
import { decimal, integer, isoTime } from './options';
import { runProgram, UsageError } from './program';

describe('option parsers', () => {
  it('integer takes whole numbers in range and names the range otherwise', () => {
    const n = integer({ min: 1, max: 10 });
    expect(n('7')).toBe(7);
    expect(() => n('abc')).toThrow('expected a whole number from 1 to 10, got "abc".');
    expect(() => n('0')).toThrow('from 1 to 10');
    expect(() => n('2.5')).toThrow('whole number');
    expect(() => n('')).toThrow('got ""');
    expect(() => integer({ min: 0 })('-1')).toThrow('of at least 0');
    expect(() => integer({ max: 3 })('4')).toThrow('of at most 3');
    expect(integer()('-4')).toBe(-4);
  });

  it('decimal takes finite numbers in range', () => {
    expect(decimal({ min: 0, max: 1 })('0.25')).toBe(0.25);
    expect(() => decimal({ min: 0, max: 1 })('1.5')).toThrow('expected a number from 0 to 1, got "1.5".');
    expect(() => decimal()('Infinity')).toThrow('expected a number');
  });

  it('isoTime takes ISO-8601 times', () => {
    expect(isoTime('2026-01-31T00:00:00Z').toISOString()).toBe('2026-01-31T00:00:00.000Z');
    expect(() => isoTime('yesterday')).toThrow('expected an ISO-8601 time');
  });
});

describe('runProgram', () => {
  function program(out: string[]) {
    const p = new Command('tool').configureOutput({
      writeOut: (s) => out.push(s),
      writeErr: (s) => out.push(s),
    });
    p.command('go')
      .option('--rate <n>', 'per second', integer({ min: 1 }), 5)
      .action((o: { rate: number }) => {
        if (o.rate === 13) throw new Error('unlucky rate');
        if (o.rate === 7) throw new UsageError('--rate 7 needs --lucky');
        out.push(`rate ${o.rate}`);
      });
    return p;
  }
  const run = async (...args: string[]) => {
    const out: string[] = [];
    const code = await runProgram(program(out), ['node', 'tool', ...args], { err: (s) => out.push(s) });
    return { code, out: out.join('') };
  };

  it('runs the action and resolves 0', async () => {
    expect(await run('go', '--rate', '3')).toEqual({ code: 0, out: 'rate 3' });
  });

  it('answers --help with 0, without running anything', async () => {
    const { code, out } = await run('go', '--help');
    expect(code).toBe(0);
    expect(out).toContain('Usage: tool go [options]');
    expect(out).not.toContain('rate 5');
  });

  it('exits 2 with the reason for a bad option value or an unknown option', async () => {
    const bad = await run('go', '--rate', 'fast');
    expect(bad.code).toBe(2);
    expect(bad.out).toContain(
      `option '--rate <n>' argument 'fast' is invalid. expected a whole number of at least 1`,
    );
    expect((await run('go', '--speed', '1')).code).toBe(2);
    expect((await run('fly')).code).toBe(2);
  });

  it('exits 2 with the message for a UsageError', async () => {
    expect(await run('go', '--rate', '7')).toEqual({ code: 2, out: 'tool: --rate 7 needs --lucky' });
  });

  it('exits 1 with the message when the action throws', async () => {
    expect(await run('go', '--rate', '13')).toEqual({ code: 1, out: 'tool: unlucky rate' });
  });
});
