import { createServer } from 'node:net';
import { freePort } from '../../infra/local/stack';

describe('freePort', () => {
  it("picks ports below Linux's ephemeral range, each once, that can be bound on every address", async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    expect(new Set(ports).size).toBe(20);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThan(32_768);
    }
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(ports[0], resolve));
    await new Promise((resolve) => server.close(resolve));
  });
});
