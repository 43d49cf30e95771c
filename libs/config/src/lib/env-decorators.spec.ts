import { IsBoolean, IsInt, IsString } from 'class-validator';
import { EnvBoolean, EnvList, EnvNumber } from './env-decorators';
import { ConfigValidationError, validateEnv, validateEnvAll } from './validate-env';

class Flags {
  @IsBoolean()
  @EnvBoolean()
  FLAG = false;

  @IsInt()
  @EnvNumber()
  COUNT = 1;

  @IsString({ each: true })
  @EnvList()
  ITEMS: string[] = [];
}

describe('env decorators', () => {
  it.each([
    ['yes', true],
    ['1', true],
    [' TRUE ', true],
    ['no', false],
    ['0', false],
  ])('reads %p as %p', (raw, expected) => {
    expect(validateEnv(Flags, { FLAG: raw }).FLAG).toBe(expected);
  });

  it('names a number that is not one, and a list item that is empty is dropped', () => {
    expect(() => validateEnv(Flags, { COUNT: '12abc' })).toThrow(/COUNT: .*got "12abc"/);
    expect(validateEnv(Flags, { ITEMS: ' a ,, b ' }).ITEMS).toEqual(['a', 'b']);
  });

  it('leaves non-string values to validation', () => {
    class Direct {
      @IsBoolean()
      @EnvBoolean()
      B = true;
    }
    expect(validateEnv(Direct, {}).B).toBe(true);
  });
});

describe('validateEnvAll', () => {
  it('rethrows errors that are not configuration errors', () => {
    class Broken {
      @IsString()
      get X(): string {
        throw new TypeError('broken getter');
      }
    }
    expect(() => validateEnvAll([Broken], {})).toThrow(TypeError);
  });

  it('counts problems in the message', () => {
    const error = new ConfigValidationError(['A: bad']);
    expect(error.message).toBe('Invalid configuration (1 problem):\n  - A: bad');
  });
});
