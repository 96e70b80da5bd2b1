import { greet, helloWorld, parseName } from '../../../../functions/hello/greeting';
import { ClientError } from '../../../../shared/http';

describe('helloWorld', () => {
  it('says Hello World with the ISO-8601 time it was asked', () => {
    expect(helloWorld(new Date('2026-11-25T03:04:05.678Z'))).toEqual({
      output: 'Hello World',
      timestamp: '2026-11-25T03:04:05.678Z',
    });
  });
});

describe('parseName', () => {
  it.each([
    ['mincloud', 'mincloud'],
    ['J%C3%BCrgen%20M.', 'Jürgen M.'],
    ['%EB%AF%BC%ED%81%B4%EB%9D%BC%EC%9A%B0%EB%93%9C', '민클라우드'],
    ['Zoë_O-Neil', 'Zoë_O-Neil'],
    ['देवनागरी', 'देवनागरी'],
    ['٣٤٥', '٣٤٥'],
    ['x'.repeat(64), 'x'.repeat(64)],
    ['民'.repeat(64), '民'.repeat(64)],
  ])('accepts %s as %s', (raw, name) => {
    expect(parseName(raw)).toBe(name);
  });

  it.each([
    ['', 'got 0 characters'],
    ['x'.repeat(65), 'got 65 characters'],
    ['<script>', 'got other characters'],
    ['%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'got other characters'],
    ['a/b', 'got other characters'],
    ['emoji😀', 'got other characters'],
    ['tab%09', 'got other characters'],
    ['%E0%A4', 'got a malformed URL escape'],
  ])('rejects %j with a 400 that says what is allowed (%s)', (raw, detail) => {
    const rejection = (() => {
      try {
        parseName(raw);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(rejection).toBeInstanceOf(ClientError);
    expect(rejection).toMatchObject({ statusCode: 400, code: 'InvalidName' });
    expect((rejection as Error).message).toContain("letters or digits in any script, space, '-', '_' or '.'");
    expect((rejection as Error).message).toContain(detail);
  });
});

describe('greet', () => {
  it('greets by name', () => {
    expect(greet('mincloud')).toEqual({ output: 'Hello mincloud' });
  });
});
