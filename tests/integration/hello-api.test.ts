const api = () => process.env.RC_TEST_HTTP_URL as string;

async function get(path: string) {
  const response = await fetch(`${api()}${path}`);
  const body = (await response.json()) as Record<string, string>;
  return { status: response.status, type: response.headers.get('content-type'), body };
}

describe('hello API on the local stack', () => {
  it('greets /hello/mincloud', async () => {
    const response = await fetch(`${api()}/hello/mincloud`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"output":"Hello mincloud"}');
  });

  it('answers / with Hello World and an ISO-8601 timestamp', async () => {
    const { status, type, body } = await get('/');
    expect(status).toBe(200);
    expect(type).toMatch(/^application\/json/);
    expect(body.output).toBe('Hello World');
    expect(Date.now() - Date.parse(body.timestamp ?? '')).toBeLessThan(60_000);
  });

  it('decodes a Unicode name', async () => {
    expect((await get(`/hello/${encodeURIComponent('민클라우드 Zoë')}`)).body).toEqual({ output: 'Hello 민클라우드 Zoë' });
  });

  it.each([
    ['a 65-character name', `/hello/${'x'.repeat(65)}`],
    ['a <script> name', `/hello/${encodeURIComponent('<script>')}`],
    ['a name with a quote', `/hello/${encodeURIComponent('a"b')}`],
    ['a name with an emoji', `/hello/${encodeURIComponent('hi😀')}`],
  ])('answers %s with 400 JSON that says what is allowed', async (_, path) => {
    const { status, type, body } = await get(path);
    expect(status).toBe(400);
    expect(type).toMatch(/^application\/json/);
    expect(body.error).toBe('InvalidName');
    expect(body.message).toContain('letters or digits in any script');
  });
});
