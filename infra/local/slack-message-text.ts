import type { KnownBlock } from '@slack/types';

/** A message as a person reads it in Slack, in plain text: what the demo prints. */
export function slackMessageAsText(blocks: KnownBlock[] = []): string {
  const unlink = (text: string) =>
    text.replace(/<([^|>]+)\|([^>]+)>/g, '$2').replace(/\*([^*\n]+)\*/g, '$1').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return blocks
    .flatMap((block) => {
      switch (block.type) {
        case 'section':
          return [
            ...[block.text?.text, ...(block.fields ?? []).map((field) => field.text.replace(/\n/g, ': '))].filter((text) => text !== undefined).map(unlink),
            ...(block.accessory?.type === 'button' ? [`[${block.accessory.text.text}]`] : []),
          ];
        case 'context':
          return [block.elements.map((element) => ('text' in element && typeof element.text === 'string' ? unlink(element.text) : '')).join('   ')];
        case 'actions':
          return [block.elements.map((element) => (element.type === 'button' ? `[${element.text.text}]` : '')).join(' ')];
        default:
          return [];
      }
    })
    .join('\n');
}
