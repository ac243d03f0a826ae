import { inflateSync } from 'node:zlib';

/**
 * The texts a PDF shows, in drawing order: each `TJ`/`Tj` of each page's content decoded through
 * its font's ToUnicode map. Enough for what pdfkit writes (Identity-H fonts with a ToUnicode CMap,
 * direct /Length, FlateDecode streams); not a general PDF reader.
 */
export function pdfTexts(pdf: Buffer): string[] {
  const text = pdf.toString('latin1');
  const objects = new Map<number, { dict: string; stream: Buffer | null }>();
  const header = /(\d+) 0 obj\s*/g;
  for (let m = header.exec(text); m; m = header.exec(text)) {
    const start = m.index + m[0].length;
    const streamAt = text.indexOf('stream', start);
    const endAt = text.indexOf('endobj', start);
    if (streamAt !== -1 && streamAt < endAt) {
      const dict = text.slice(start, streamAt);
      const length = Number(/\/Length (\d+)/.exec(dict)?.[1]);
      const from = text.startsWith('\r\n', streamAt + 6) ? streamAt + 8 : streamAt + 7;
      const raw = pdf.subarray(from, from + length);
      objects.set(Number(m[1]), { dict, stream: /FlateDecode/.test(dict) ? inflateSync(raw) : raw });
      header.lastIndex = from + length;
    } else {
      objects.set(Number(m[1]), { dict: text.slice(start, endAt), stream: null });
    }
  }
  const ref = (dict: string, key: string) => Number(new RegExp(`/${key} (\\d+) 0 R`).exec(dict)?.[1]);
  const out: string[] = [];
  for (const page of objects.values()) {
    if (!/\/Type \/Page\b/.test(page.dict)) continue;
    const resources = objects.get(ref(page.dict, 'Resources'))?.dict ?? '';
    const fonts = new Map<string, Map<number, string>>();
    for (const f of resources.matchAll(/\/(F\d+) (\d+) 0 R/g)) {
      const font = objects.get(Number(f[2]))?.dict ?? '';
      const cmap = objects.get(ref(font, 'ToUnicode'))?.stream;
      fonts.set(f[1] ?? '', cmap ? toUnicode(cmap.toString('latin1')) : new Map());
    }
    const content = objects.get(ref(page.dict, 'Contents'))?.stream?.toString('latin1') ?? '';
    let current = new Map<number, string>();
    for (const op of content.matchAll(/\/(F\d+) [\d.]+ Tf|\[([^\]]*)\] TJ|<([0-9a-fA-F]*)> Tj/g)) {
      if (op[1]) current = fonts.get(op[1]) ?? new Map();
      else {
        const hex = [...(op[2] ?? `<${op[3]}>`).matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]).join('');
        let decoded = '';
        for (let i = 0; i + 4 <= hex.length; i += 4)
          decoded += current.get(Number.parseInt(hex.slice(i, i + 4), 16)) ?? '\uFFFD';
        out.push(decoded);
      }
    }
  }
  return out;
}

/** A ToUnicode CMap's codes (bfchar, and bfrange in both its forms). */
function toUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  const hex = (h: string) => Number.parseInt(h, 16);
  const chars = (h: string) => String.fromCharCode(...(h.match(/.{4}/g) ?? []).map(hex));
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const r of (block[1] ?? '').matchAll(/<(\w+)>\s*<(\w+)>\s*(?:\[([^\]]*)\]|<(\w+)>)/g)) {
      const start = hex(r[1] ?? '');
      if (r[3] !== undefined) {
        for (const [i, u] of [...r[3].matchAll(/<(\w+)>/g)].entries()) map.set(start + i, chars(u[1] ?? ''));
      } else
        for (let c = start; c <= hex(r[2] ?? ''); c++) map.set(c, String.fromCharCode(hex(r[4] ?? '') + c - start));
    }
  }
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const c of (block[1] ?? '').matchAll(/<(\w+)>\s*<(\w+)>/g)) map.set(hex(c[1] ?? ''), chars(c[2] ?? ''));
  }
  return map;
}
