import type { Role } from '@yishi/shared';
import { signToken, type TokenSettings } from './auth/tokens.js';

/** The people of the ready-made demo room whose links `npm start` prints. */
const DEMO_PEOPLE: Array<{ sub: string; name: string; role: Role; sector?: string; label: string }> = [
  { sub: 'demo-chair', name: '王主席', role: 'chair', label: 'chair / 主持人' },
  { sub: 'demo-secretary', name: '李秘书', role: 'secretary', label: 'secretary / 秘书' },
  { sub: 'demo-member', name: '张委员', role: 'member', sector: '农业界', label: 'member / 委员' },
];

/** Join URLs of the form `<base>/r/<roomId>?token=<jwt>`. */
export function joinUrl(base: string, roomId: string, token: string): string {
  return `${base}/r/${encodeURIComponent(roomId)}?token=${encodeURIComponent(token)}`;
}

export function demoLinks(base: string, roomId: string, tokens: TokenSettings): Array<{ label: string; url: string }> {
  return DEMO_PEOPLE.map(({ label, ...person }) => ({
    label,
    url: joinUrl(base, roomId, signToken(tokens, { ...person, room: roomId }, '7d')),
  }));
}
