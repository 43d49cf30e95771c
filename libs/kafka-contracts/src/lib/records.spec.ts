import { parsePosition, positionText } from './records';

describe('record positions', () => {
  it("parses a dead letter's source header", () => {
    expect(parsePosition('fenx.webhook.events.v1/4/1234')).toEqual({
      topic: 'fenx.webhook.events.v1',
      partition: 4,
      offset: '1234',
    });
    expect(parsePosition('garbage')).toBeUndefined();
    expect(parsePosition(undefined)).toBeUndefined();
  });

  it('writes what it parses', () => {
    const p = { topic: 'fenx.webhook.events.v1', partition: 4, offset: '1234' };
    expect(parsePosition(positionText(p))).toEqual(p);
  });
});
