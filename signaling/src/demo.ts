import type { Actor, Role } from '@yishi/shared';
import { signToken, type TokenSettings } from './auth/tokens.js';
import { joinUrl } from './invitations/joinUrl.js';
import type { SessionService } from './sessions/SessionService.js';

/** The people of the ready-made demo room whose links `npm start` prints. */
const DEMO_PEOPLE: Array<{ sub: string; name: string; role: Role; sector?: string; label: string }> = [
  { sub: 'demo-chair', name: '王主席', role: 'chair', label: 'chair / 主持人' },
  { sub: 'demo-secretary', name: '李秘书', role: 'secretary', label: 'secretary / 秘书' },
  { sub: 'demo-member', name: '张委员', role: 'member', sector: '农业界', label: 'member / 委员' },
];

export function demoLinks(base: string, roomId: string, tokens: TokenSettings): Array<{ label: string; url: string }> {
  return DEMO_PEOPLE.map(({ label, ...person }) => ({
    label,
    url: joinUrl(base, roomId, signToken(tokens, { ...person, room: roomId }, '7d')),
  }));
}

const ORGANISER: Actor = { id: 'demo-organiser', name: '政协办公厅', role: 'organiser' };

/**
 * The demo room belongs to a demo topic with two agenda items, opened so the printed links work.
 * Created once; a later start reuses it as it is (if it was closed, it stays closed).
 */
export async function ensureDemoTopic(sessions: SessionService, roomId: string): Promise<'created' | 'exists'> {
  const { state } = await sessions.get(roomId);
  if (state.topic) return 'exists';
  await sessions.execute(
    roomId,
    {
      type: 'topic.create',
      id: roomId,
      fields: {
        title: '关于加强乡村振兴人才队伍建设的协商',
        background: '围绕县域乡村人才引、育、留、用，听取委员和承办单位意见，形成协商意见。',
        materials: [],
        sectors: ['农业界', '教育界', '经济界'],
        proposalNumber: '示例-001',
        organiser: '政协办公厅',
      },
      agenda: [{ title: '承办单位介绍办理情况' }, { title: '委员协商发言' }],
    },
    ORGANISER,
  );
  await sessions.execute(roomId, { type: 'session.open' }, ORGANISER);
  return 'created';
}
