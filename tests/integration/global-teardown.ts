export default async function globalTeardown(): Promise<void> {
  globalThis.localStack?.stop();
}
