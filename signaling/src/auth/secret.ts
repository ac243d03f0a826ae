import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { privateDir, privateFile } from '../privateFiles.js';

/**
 * The configured JWT secret, or the local one kept in `<dataDir>/jwt-secret` (created on first use,
 * readable by the owner only). The data directory is outside git, so the secret never gets committed.
 */
export function resolveJwtSecret(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const file = path.join(dataDir, 'jwt-secret');
  privateDir(dataDir);
  privateFile(file);
  try {
    return stored(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secret = randomBytes(32).toString('base64url');
  try {
    // 'wx': if another process created it first, use theirs.
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return stored(file);
  }
}

/** Same floor as a configured JWT_SECRET. */
const MIN_SECRET_LENGTH = 32;

/**
 * The secret kept in `file`. An empty or short one (a write cut short, a hand edit) would sign
 * guessable tokens or none at all, so it stops the server with a message saying what to do.
 */
function stored(file: string): string {
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(
      `${file} holds a JWT secret shorter than ${MIN_SECRET_LENGTH} characters; delete it to generate a new one, or set JWT_SECRET`,
    );
  }
  return secret;
}
