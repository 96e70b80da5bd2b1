// Block Kit to HTML, as Slack draws it: https://docs.slack.dev/reference/block-kit/blocks and
// mrkdwn as https://docs.slack.dev/messaging/formatting-message-text describes it. Everything a
// message says is escaped before it becomes HTML.

const escapeHtml = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
// mrkdwn escapes these three itself; what it means is the character
const decodeSlack = (text) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const safeUrl = (url) => (/^(https?:|mailto:)/i.test(url) ? url : undefined);

function anchor(url, label) {
  const href = safeUrl(url);
  return href ? `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${label}</a>` : label;
}

/** `<url|label>`, `<url>`, `<@U123>`, `<#C123|name>`, `<!here>`. */
function controlSequence(inner) {
  const [target, label] = inner.split('|', 2);
  const shown = escapeHtml(decodeSlack(label ?? ''));
  if (target.startsWith('@')) return `<span class="sk-mention">@${shown || escapeHtml(target.slice(1))}</span>`;
  if (target.startsWith('#')) return `<span class="sk-mention">#${shown || escapeHtml(target.slice(1))}</span>`;
  if (target.startsWith('!')) return `<span class="sk-mention">@${escapeHtml(target.slice(1).split('^')[0])}</span>`;
  return anchor(decodeSlack(target), shown || escapeHtml(decodeSlack(target)));
}

function inlineFormat(html) {
  const span = (mark) => new RegExp(`(^|[^\\w${mark}])\\${mark}(?!\\s)([^${mark}\\n]+?)\\${mark}(?![\\w${mark}])`, 'g');
  return html.replace(span('*'), '$1<b>$2</b>').replace(span('_'), '$1<i>$2</i>').replace(span('~'), '$1<s>$2</s>');
}

/** mrkdwn text as HTML. */
export function mrkdwn(text) {
  const stash = [];
  // private-use characters mark where stashed HTML goes back
  const put = (html) => `\uE000${stash.push(html) - 1}\uE001`;
  const source = String(text)
    .replace(/```([\s\S]*?)```/g, (_, code) => put(`<pre class="sk-pre">${escapeHtml(decodeSlack(code.replace(/^\n/, '')))}</pre>`))
    .replace(/`([^`\n]+)`/g, (_, code) => put(`<code class="sk-code">${escapeHtml(decodeSlack(code))}</code>`))
    .replace(/<([^<>\n]+)>/g, (_, inner) => put(controlSequence(inner)));
  // a line that starts with a bare > is a quote; a > the sender meant to show is &gt;
  const lines = source.split('\n').map((line) => ({ quote: line.startsWith('>'), html: inlineFormat(escapeHtml(decodeSlack(line.replace(/^>\s?/, '')))) }));
  const html = [];
  for (const line of lines) {
    const last = html.at(-1);
    if (line.quote && last?.quote) last.lines.push(line.html);
    else html.push({ quote: line.quote, lines: [line.html] });
  }
  return html
    .map((group) => (group.quote ? `<blockquote class="sk-quote">${group.lines.join('<br>')}</blockquote>` : group.lines.join('<br>')))
    .join('<br>')
    .replace(/<\/blockquote><br>|<br>(?=<blockquote)/g, (match) => (match.startsWith('<br>') ? '' : '</blockquote>'))
    .replace(/\uE000(\d+)\uE001/g, (_, index) => stash[Number(index)]);
}

const textObject = (object) => (object?.type === 'mrkdwn' ? mrkdwn(object.text) : escapeHtml(object?.text ?? ''));

function imagePlaceholder(alt, className) {
  return `<span class="${className}" role="img" aria-label="${escapeHtml(alt)}" title="${escapeHtml(alt)}">${escapeHtml(alt)}</span>`;
}

function element(item) {
  switch (item.type) {
    case 'button': {
      const style = item.style === 'primary' || item.style === 'danger' ? ` sk-button-${item.style}` : '';
      const label = escapeHtml(item.text?.text ?? '');
      return item.url && safeUrl(item.url)
        ? `<a class="sk-button${style}" href="${escapeHtml(item.url)}" target="_blank" rel="noopener noreferrer">${label}</a>`
        : `<button type="button" class="sk-button${style}" data-action-id="${escapeHtml(item.action_id ?? '')}" data-value="${escapeHtml(item.value ?? '')}"${item.confirm ? ` data-confirm="${escapeHtml(item.confirm.text?.text ?? '')}"` : ''} title="Sends a signed interaction to the local endpoint, as Slack would (action_id ${escapeHtml(item.action_id ?? '')})">${label}</button>`;
    }
    case 'image':
      return imagePlaceholder(item.alt_text ?? '', 'sk-image-small');
    case 'overflow':
      return '<span class="sk-overflow" aria-label="more actions">⋮</span>';
    default: {
      const placeholder = item.placeholder?.text ?? item.initial_date ?? item.type.replace(/_/g, ' ');
      return `<span class="sk-select">${escapeHtml(placeholder)}<span class="sk-caret">▾</span></span>`;
    }
  }
}

function richText(elements = []) {
  const inline = (item) => {
    if (item.type === 'link') return anchor(item.url, escapeHtml(item.text ?? item.url));
    if (item.type === 'emoji') return item.unicode ? String.fromCodePoint(...item.unicode.split('-').map((hex) => parseInt(hex, 16))) : `:${escapeHtml(item.name)}:`;
    if (item.type === 'user') return `<span class="sk-mention">@${escapeHtml(item.user_id)}</span>`;
    if (item.type === 'channel') return `<span class="sk-mention">#${escapeHtml(item.channel_id)}</span>`;
    let html = escapeHtml(item.text ?? '').replace(/\n/g, '<br>');
    const style = item.style ?? {};
    if (style.code) html = `<code class="sk-code">${html}</code>`;
    if (style.bold) html = `<b>${html}</b>`;
    if (style.italic) html = `<i>${html}</i>`;
    if (style.strike) html = `<s>${html}</s>`;
    return html;
  };
  return elements
    .map((part) => {
      const content = (part.elements ?? []).map((child) => (child.type === 'rich_text_section' ? `<li>${(child.elements ?? []).map(inline).join('')}</li>` : inline(child))).join('');
      if (part.type === 'rich_text_list') return part.style === 'ordered' ? `<ol>${content}</ol>` : `<ul>${content}</ul>`;
      if (part.type === 'rich_text_quote') return `<blockquote class="sk-quote">${content}</blockquote>`;
      if (part.type === 'rich_text_preformatted') return `<pre class="sk-pre">${content}</pre>`;
      return `<div>${content}</div>`;
    })
    .join('');
}

function block(item) {
  switch (item.type) {
    case 'header':
      return `<div class="sk-block sk-header">${escapeHtml(item.text?.text ?? '')}</div>`;
    case 'section': {
      const text = item.text ? `<div class="sk-text">${textObject(item.text)}</div>` : '';
      const fields = item.fields?.length ? `<div class="sk-fields">${item.fields.map((field) => `<div class="sk-field">${textObject(field)}</div>`).join('')}</div>` : '';
      const accessory = item.accessory
        ? `<div class="sk-accessory">${item.accessory.type === 'image' ? imagePlaceholder(item.accessory.alt_text ?? '', 'sk-image-accessory') : element(item.accessory)}</div>`
        : '';
      return `<div class="sk-block sk-section"><div class="sk-section-main">${text}${fields}</div>${accessory}</div>`;
    }
    case 'context':
      return `<div class="sk-block sk-context">${item.elements.map((part) => (part.type === 'image' ? imagePlaceholder(part.alt_text ?? '', 'sk-image-small') : `<span class="sk-context-text">${textObject(part)}</span>`)).join('')}</div>`;
    case 'actions':
      return `<div class="sk-block sk-actions">${item.elements.map(element).join('')}</div>`;
    case 'divider':
      return '<hr class="sk-block sk-divider">';
    case 'image': {
      const title = item.title ? `<div class="sk-image-title">${escapeHtml(item.title.text)}</div>` : '';
      return `<div class="sk-block sk-image">${title}${imagePlaceholder(item.alt_text ?? '', 'sk-image-large')}</div>`;
    }
    case 'rich_text':
      return `<div class="sk-block sk-rich-text">${richText(item.elements)}</div>`;
    default:
      return `<div class="sk-block sk-unknown">[${escapeHtml(item.type)} block]</div>`;
  }
}

/** A message's content: its blocks, or its text where it has none (as Slack shows it). */
export function messageContent(message) {
  return message.blocks?.length ? message.blocks.map(block).join('') : `<div class="sk-block sk-text">${mrkdwn(message.text ?? '')}</div>`;
}
