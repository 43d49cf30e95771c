import { fenxEvents } from './fenx-events';

describe('fenxEvents', () => {
  it('should work', () => {
    expect(fenxEvents()).toEqual('fenx-events');
  });
});
