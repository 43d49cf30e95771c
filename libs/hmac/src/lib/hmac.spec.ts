import { hmac } from './hmac';

describe('hmac', () => {
  it('should work', () => {
    expect(hmac()).toEqual('hmac');
  });
});
