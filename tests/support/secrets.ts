/** What a Slack token looks like (bot, user, app, refresh): no test may see one in any output. */
export const SLACK_TOKEN = /xox[abepr]-[A-Za-z0-9-]{8,}/;

/** Throws, naming where, if `text` holds a Slack token. */
export function assertNoSecret(text: string, where: string): void {
  const found = SLACK_TOKEN.exec(text);
  if (found) throw new Error(`${where} wrote a Slack token (${found[0].slice(0, 9)}...): secrets must never reach a log line`);
}
