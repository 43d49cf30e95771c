import { waitFor } from './wait-for';

describe('waitFor', () => {
  it('returns the first truthy value of the probe', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? `after ${calls}` : undefined), { intervalMs: 1 });
    expect(value).toBe('after 3');
  });

  it('keeps polling through errors and reports the last one on timeout', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('not yet');
        },
        { timeoutMs: 30, intervalMs: 5, what: 'the thing' },
      ),
    ).rejects.toThrow(/Timed out after 30 ms waiting for the thing: last error: not yet/);
  });

  it('treats false as not yet', async () => {
    await expect(waitFor(() => false, { timeoutMs: 20, intervalMs: 5 })).rejects.toThrow(/Timed out/);
  });
});
