import fs from 'node:fs';

/**
 * DATA_DIR holds the minutes and the JWT secret: only the server's own user may read it, whatever
 * the umask, and whatever an older version (which did not care) left behind.
 */

/** Creates `dir` (and missing parents) 0700; an existing one open to others is made 0700. */
export function privateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  tighten(dir, 0o700);
}

/** Makes `file`, when it exists, 0600 if others may read or write it. */
export function privateFile(file: string): void {
  tighten(file, 0o600);
}

function tighten(target: string, mode: number): void {
  let current: number;
  try {
    current = fs.statSync(target).mode;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if ((current & 0o077) !== 0) fs.chmodSync(target, mode);
}
