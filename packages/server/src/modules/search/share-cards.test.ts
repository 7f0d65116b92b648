import { describe, expect, it } from 'vitest';
import { escapeHtml, eventTime, type ShareCard, withCard } from './share-cards.ts';

const card: ShareCard = {
  title: 'A "quoted" <b>name</b> & co',
  description: "it's <script>alert(1)</script>",
  image: 'https://img.example/a.png?x=1&y=2',
  url: 'https://onair.example/@a',
  type: 'profile',
};

describe('share card HTML', () => {
  it('puts the tags in the head of a built index.html, replacing its title', () => {
    const built =
      '<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="UTF-8" />\n' +
      '    <meta name="description" content="OnAir: watch and go LIVE." />\n    <title>OnAir</title>\n' +
      '    <script type="module" crossorigin src="/assets/index-abc.js"></script>\n  </head>\n' +
      '  <body>\n    <div id="root"></div>\n  </body>\n</html>\n';
    const html = withCard(built, card);
    const head = html.slice(0, html.indexOf('</head>'));
    expect(head).toContain('<title>A &quot;quoted&quot; &lt;b&gt;name&lt;/b&gt; &amp; co | OnAir</title>');
    expect(head).toContain('<meta property="og:image" content="https://img.example/a.png?x=1&amp;y=2">');
    expect(head).toContain('<meta name="twitter:card" content="summary_large_image">');
    expect(head).toContain(
      '<meta property="og:description" content="it&#39;s &lt;script&gt;alert(1)&lt;/script&gt;">',
    );
    expect(html.match(/<title>/g)).toHaveLength(1);
    expect(html.match(/name="description"/g)).toHaveLength(1);
    expect(html).not.toContain('watch and go LIVE.');
    // The bundle's own script tag is the only script: nothing inline was added.
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('<div id="root"></div>');
  });

  it('escapes every character that could end an attribute or open a tag', () => {
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
  });

  it("formats an event's start in its own zone, and in UTC for a zone it does not know", () => {
    const at = new Date('2030-06-01T18:00:00Z');
    expect(eventTime(at, 'America/New_York')).toBe('Sat, Jun 1, 2030, 2:00 PM EDT');
    expect(eventTime(at, 'Not/AZone')).toBe('Sat, Jun 1, 2030, 6:00 PM UTC');
  });
});
