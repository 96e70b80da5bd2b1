declare module 'dynalite' {
  import type { Server } from 'node:http';

  /** An in-memory DynamoDB on an HTTP server (https://github.com/architect/dynalite). */
  export default function dynalite(options?: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number; path?: string }): Server;
}
