/**
 * A few DOM helpers. Text always goes in as text nodes, never as HTML: payloads
 * from meters are untrusted.
 */

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;

/** Create an element: `h('button', { type: 'button', onclick: go }, 'Go')`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, ...children);
  return el;
}

/** Append children, skipping empty ones. */
export function append(el: Element, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'number' ? String(c) : c);
  }
}

/** Replace an element's content. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, ...children);
}

/** An element of the page that must exist. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page has no #${id}`);
  return el as T;
}

/** A simple table: a caption, column headers, and rows of cells. */
export function table(
  caption: string,
  headers: readonly string[],
  rows: readonly Child[][],
  opts: { numeric?: readonly number[]; captionHidden?: boolean } = {},
): HTMLTableElement {
  const numeric = new Set(opts.numeric ?? []);
  return h(
    'table',
    {},
    h('caption', { class: opts.captionHidden === true ? 'visually-hidden' : undefined }, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...headers.map((t, i) =>
          h('th', { scope: 'col', class: numeric.has(i) ? 'num' : undefined }, t),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      ...rows.map((r) =>
        h(
          'tr',
          {},
          ...r.map((cell, i) =>
            i === 0 && !numeric.has(0)
              ? h('th', { scope: 'row' }, cell)
              : h('td', { class: numeric.has(i) ? 'num' : undefined }, cell),
          ),
        ),
      ),
    ),
  );
}

/** A wide element in a box of its own that scrolls sideways, so the page never does on a phone. */
export function scrollBox(el: HTMLElement): HTMLDivElement {
  return h('div', { class: 'table-scroll' }, el);
}

/** A message line for a section: errors are announced (role=alert), the rest are quiet. */
export function notice(text: string, kind: 'error' | 'info' = 'info'): HTMLParagraphElement {
  return h(
    'p',
    { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : undefined },
    text,
  );
}
