/**
 * Whether an MQTT topic filter matches a topic name: `+` matches one level, a final `#` the rest
 * (including the parent level itself, as MQTT says `a/#` matches `a`). Topics starting with `$` are
 * never matched by a filter starting with a wildcard.
 */
export function filterMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const level = f[i]!;
    if (level === '#') return i === f.length - 1;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}
