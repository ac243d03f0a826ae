import type { MessageKey } from '../i18n/messages.js';
import { t } from '../i18n/index.js';
import { RequestError } from '../lib/signaling.js';

/** A refusal in the user's language; the server's own message is kept as the detail. */
export function describeError(err: unknown): string {
  if (err instanceof RequestError) return t(`error.${err.code}` as MessageKey, { detail: err.message });
  if (err && typeof err === 'object' && 'code' in err && 'message' in err) {
    return t(`error.${String(err.code)}` as MessageKey, { detail: String(err.message) });
  }
  return t('error.INTERNAL');
}
