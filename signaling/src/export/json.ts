import type { MinutesDocument } from '@yishi/shared';
import type { ExportMeta } from './format.js';

/**
 * The machine-readable export: the document as pretty-printed JSON (UTF-8, Chinese unescaped),
 * versioned by its own `schema` field, with the finalized version's `hash` added when given. The
 * hash sits beside the document's own fields, so dropping `hash` gives back the document exactly.
 */
export function minutesJson(doc: MinutesDocument, meta: ExportMeta = {}): string {
  const value = meta.hash ? { ...doc, hash: meta.hash } : doc;
  return `${JSON.stringify(value, null, 2)}\n`;
}
