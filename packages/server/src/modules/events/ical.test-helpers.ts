/**
 * A strict reader of the iCalendar the server writes, for tests: unfolds (§3.1), checks every
 * physical line is CRLF-terminated and at most 75 octets, that components nest, that every VEVENT
 * has the properties RFC 5545 requires (UID, DTSTAMP, DTSTART) and no DTEND beside DURATION, and
 * unescapes TEXT values. Throws on anything else.
 */
export interface ParsedCalendar {
  props: Record<string, string>;
  events: Record<string, string>[];
}

const TEXT_PROPS = new Set(['SUMMARY', 'DESCRIPTION', 'X-WR-CALNAME', 'LOCATION']);

function unescapeText(v: string): string {
  return v.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

export function parseCalendar(text: string): ParsedCalendar {
  if (!text.endsWith('\r\n')) throw new Error('the file must end with CRLF');
  const physical = text.slice(0, -2).split('\r\n');
  for (const l of physical) {
    if (l.includes('\n') || l.includes('\r')) throw new Error(`bare line break in ${JSON.stringify(l)}`);
    if (Buffer.byteLength(l, 'utf8') > 75) throw new Error(`line longer than 75 octets: ${l}`);
  }
  const lines: string[] = [];
  for (const l of physical) {
    if (l.startsWith(' ') || l.startsWith('\t')) {
      if (lines.length === 0) throw new Error('continuation without a line');
      lines[lines.length - 1] += l.slice(1);
    } else lines.push(l);
  }
  const stack: string[] = [];
  const props: Record<string, string> = {};
  const events: Record<string, string>[] = [];
  let current: Record<string, string> | null = null;
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`not a content line: ${line}`);
    const name = line.slice(0, colon).split(';')[0]!.toUpperCase();
    const raw = line.slice(colon + 1);
    if (!/^[A-Z0-9-]+$/.test(name)) throw new Error(`bad property name ${name}`);
    if (name === 'BEGIN') {
      stack.push(raw);
      if (raw === 'VEVENT') current = {};
      continue;
    }
    if (name === 'END') {
      if (stack.pop() !== raw) throw new Error(`END:${raw} does not close what was open`);
      if (raw === 'VEVENT' && current) {
        for (const required of ['UID', 'DTSTAMP', 'DTSTART'])
          if (!current[required]) throw new Error(`VEVENT without ${required}`);
        if (current.DTEND && current.DURATION) throw new Error('VEVENT with both DTEND and DURATION');
        events.push(current);
        current = null;
      }
      continue;
    }
    if (TEXT_PROPS.has(name) && /(^|[^\\])(\\\\)*[;,]/.test(raw))
      throw new Error(`unescaped ; or , in ${name}`);
    const value = TEXT_PROPS.has(name) ? unescapeText(raw) : raw;
    if (current) current[name] = value;
    else props[name] = value;
  }
  if (stack.length > 0) throw new Error(`unclosed ${stack.join(', ')}`);
  if (props.VERSION !== '2.0' || !props.PRODID) throw new Error('VCALENDAR without VERSION:2.0 and PRODID');
  return { props, events };
}
