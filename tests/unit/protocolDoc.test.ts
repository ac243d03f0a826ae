import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROTOCOL_DOC, renderProtocolDoc } from '../../tools/docs/protocol.js';

describe('docs/protocol.md', () => {
  it('matches the schemas (run `npm run docs:protocol` after changing the protocol)', () => {
    const doc = renderProtocolDoc();
    expect(fs.readFileSync(PROTOCOL_DOC, 'utf8')).toBe(doc);
    // Every request and notification has its section.
    expect(doc).toContain('### `queue:request`');
    expect(doc).toContain('### `mic:state`');
  });
});
