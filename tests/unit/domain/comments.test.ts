import { type Actor, QUOTAS, type Comment, commentPage, commentView, type DomainEvent } from '@yishi/shared';
import { describe, expect, it } from 'vitest';
import { chair, guest, member1, member2, observer, openRoom, type Room, secretary } from '../../support/domain.js';

function post(
  room: Room,
  actor: Actor,
  text: string,
  extra: { replyTo?: string; stance?: Comment['stance'] } = {},
  id?: string,
) {
  const [event] = room.run({ type: 'comment.post', text, ...extra, ...(id ? { id } : {}) }, actor);
  if (event?.type !== 'comment.posted') throw new Error('no comment posted');
  return event.data.comment;
}

const reacted = (events: DomainEvent[]) => events.map((e) => e.type);

describe('posting comments', () => {
  it('posts trimmed text with author, agenda item and time', () => {
    const room = openRoom({ stage: 'agenda' });
    const item = room.state.agenda.find((i) => i.status === 'current')!;
    const comment = post(room, member1, '  建议增加村级养老服务站。\n', { stance: 'support' });
    expect(comment).toEqual({
      id: expect.any(String),
      agendaItemId: item.id,
      author: { id: member1.id, name: member1.name, role: 'member', sector: member1.sector },
      text: '建议增加村级养老服务站。',
      stance: 'support',
      reactions: {},
      createdAt: room.now,
    });
    expect(room.state.comments).toEqual([comment]);
    expect(room.state.commentIndex).toEqual({ [comment.id]: 0 });
  });

  it('refuses an empty or blank comment', () => {
    const room = openRoom({ stage: 'agenda' });
    room.refuse({ type: 'comment.post', text: '' }, member1, 'INVALID_REQUEST');
    room.refuse({ type: 'comment.post', text: ' \n\t\u3000' }, member1, 'INVALID_REQUEST');
  });

  it('can be posted in the lobby, not before opening nor after closing', () => {
    const room = openRoom({ stage: 'created' });
    room.refuse({ type: 'comment.post', text: '早' }, member1, 'CONFLICT');
    room.run({ type: 'session.open' }, { id: 'org', name: 'org', role: 'organiser' });
    post(room, member1, '早');
    room.run({ type: 'session.close' }, chair);
    room.refuse({ type: 'comment.post', text: '晚' }, member1, 'CONFLICT');
  });

  it('keeps threads shallow: a reply to a reply attaches to the root', () => {
    const room = openRoom({ stage: 'agenda' });
    const root = post(room, member1, '根');
    const reply = post(room, member2, '回复', { replyTo: root.id });
    const nested = post(room, guest, '再回复', { replyTo: reply.id });
    expect(reply.replyTo).toBe(root.id);
    expect(nested.replyTo).toBe(root.id);
    expect(root.replyTo).toBeUndefined();
    room.refuse({ type: 'comment.post', text: 'x', replyTo: 'nope' }, member1, 'NOT_FOUND');
  });

  it('observers comment and react only when the settings allow it', () => {
    const room = openRoom({ stage: 'agenda' });
    const c = post(room, member1, '意见');
    room.refuse({ type: 'comment.post', text: '旁听意见' }, observer, 'NOT_ALLOWED');
    room.refuse({ type: 'comment.react', commentId: c.id, reaction: 'agree', on: true }, observer, 'NOT_ALLOWED');
    room.run({ type: 'settings.update', settings: { observersMayComment: true } }, chair);
    expect(post(room, observer, '旁听意见').author.role).toBe('observer');
    room.run({ type: 'comment.react', commentId: c.id, reaction: 'agree', on: true }, observer);
  });
});

describe('comment rate limit', () => {
  const [short, long] = QUOTAS.comment;

  it(`allows ${short.max} comments per ${short.windowMs} ms per author, then RATE_LIMITED`, () => {
    const room = openRoom({ stage: 'agenda' });
    for (let i = 0; i < short.max; i++) {
      post(room, member1, `第${i}条`);
      room.advance(100);
    }
    room.refuse({ type: 'comment.post', text: '太快' }, member1, 'RATE_LIMITED');
    // Someone else is not limited by member1's comments.
    post(room, member2, '我也说一句');
    // Once the oldest comment leaves the window, member1 may post again.
    room.advance(short.windowMs - short.max * 100);
    post(room, member1, '可以了');
  });

  it(`also limits to ${long.max} per ${long.windowMs} ms, computed from timestamps`, () => {
    const room = openRoom({ stage: 'agenda' });
    const spacing = Math.ceil(short.windowMs / short.max) + 1; // never hits the short limit
    expect(spacing * (long.max - 1)).toBeLessThan(long.windowMs);
    const first = room.now;
    for (let i = 0; i < long.max; i++) {
      post(room, member1, `第${i}条`);
      room.advance(spacing);
    }
    room.refuse({ type: 'comment.post', text: '太多' }, member1, 'RATE_LIMITED');
    room.clock.now = first + long.windowMs - 1;
    room.refuse({ type: 'comment.post', text: '还是太多' }, member1, 'RATE_LIMITED');
    room.clock.now = first + long.windowMs;
    post(room, member1, '可以了');
  });
});

describe('reactions', () => {
  it('toggle per person and reaction, idempotently', () => {
    const room = openRoom({ stage: 'agenda' });
    const c = post(room, member1, '意见');
    const react = (actor: Actor, on: boolean, reaction: 'agree' | 'applause' = 'agree') =>
      reacted(room.run({ type: 'comment.react', commentId: c.id, reaction, on }, actor));
    expect(react(member2, true)).toEqual(['comment.reacted']);
    expect(react(member2, true)).toEqual([]);
    expect(react(guest, true)).toEqual(['comment.reacted']);
    expect(react(member2, true, 'applause')).toEqual(['comment.reacted']);
    expect(room.state.comments[0]!.reactions).toEqual({ agree: [member2.id, guest.id], applause: [member2.id] });
    expect(react(member2, false)).toEqual(['comment.reacted']);
    expect(react(member2, false)).toEqual([]);
    expect(react(chair, false)).toEqual([]);
    expect(room.state.comments[0]!.reactions).toEqual({ agree: [guest.id], applause: [member2.id] });
    room.refuse({ type: 'comment.react', commentId: 'nope', reaction: 'agree', on: true }, member2, 'NOT_FOUND');
  });
});

describe('hiding comments', () => {
  it('chair or secretary hide with a reason; the comment is kept with who/why/when', () => {
    const room = openRoom({ stage: 'agenda' });
    const a = post(room, member1, '不当言论');
    const b = post(room, member2, '另一条');
    room.refuse({ type: 'comment.hide', commentId: a.id, reason: 'x' }, member2, 'NOT_ALLOWED');
    room.refuse({ type: 'comment.hide', commentId: a.id, reason: '   ' }, chair, 'INVALID_REQUEST');
    room.refuse({ type: 'comment.hide', commentId: 'nope', reason: 'x' }, chair, 'NOT_FOUND');
    room.advance(1000);
    room.run({ type: 'comment.hide', commentId: a.id, reason: ' 人身攻击 ' }, chair);
    room.run({ type: 'comment.hide', commentId: b.id, reason: '离题' }, secretary);
    room.refuse({ type: 'comment.hide', commentId: a.id, reason: '再藏' }, secretary, 'CONFLICT');
    expect(room.state.comments[0]).toMatchObject({
      text: '不当言论',
      hidden: { by: chair.id, byName: chair.name, reason: '人身攻击', at: room.now },
    });
    expect(room.state.comments).toHaveLength(2);
  });

  it('views show a hidden comment’s text to moderators only, and who hid it and why to all', () => {
    const room = openRoom({ stage: 'agenda' });
    const a = post(room, member1, '不当言论');
    room.run({ type: 'comment.hide', commentId: a.id, reason: '人身攻击' }, chair);
    const hidden = room.state.comments[0]!;
    const forMember = commentView(hidden, false);
    expect(forMember.text).toBe('');
    expect(forMember.hidden).toEqual({ byName: chair.name, reason: '人身攻击', at: room.now });
    expect(forMember).not.toHaveProperty('hidden.by');
    expect(commentView(hidden, true).text).toBe('不当言论');
    const visible = post(room, member2, '正常');
    expect(commentView(visible, false)).toEqual(visible);
  });
});

describe('comment pages', () => {
  it('pages back from the newest, oldest first', () => {
    const room = openRoom({ stage: 'agenda' });
    const ids = Array.from({ length: 5 }, (_, i) => {
      room.advance(3000);
      return post(room, i % 2 ? member1 : member2, `c${i}`).id;
    });
    expect(commentPage(room.state, { limit: 2 }).map((c) => c.id)).toEqual(ids.slice(3));
    expect(commentPage(room.state, { before: ids[3], limit: 2 }).map((c) => c.id)).toEqual(ids.slice(1, 3));
    expect(commentPage(room.state, { before: ids[1], limit: 5 }).map((c) => c.id)).toEqual(ids.slice(0, 1));
    expect(commentPage(room.state, { before: ids[0], limit: 5 })).toEqual([]);
  });
});

describe('a client-chosen id makes a retried post count once', () => {
  const id = '0b7e4c2a-5d1f-4e8a-9c3b-2f6d8e1a7b45';

  it('stores the comment under that id, and a retry stores nothing more', () => {
    const room = openRoom({ stage: 'agenda' });
    const comment = post(room, member1, '建议增加村级养老服务站。', {}, id);
    expect(comment.id).toBe(id);
    expect(room.run({ type: 'comment.post', id, text: '建议增加村级养老服务站。' }, member1)).toEqual([]);
    expect(room.state.comments).toEqual([comment]);
  });

  it('lets a retry through even when the author has since reached the rate limit', () => {
    const room = openRoom({ stage: 'agenda' });
    post(room, member1, '第一条', {}, id);
    const [{ max }] = QUOTAS.comment as unknown as [{ max: number }];
    for (let i = 1; i < max; i++) post(room, member1, `第${i + 1}条`);
    room.refuse({ type: 'comment.post', text: '再来一条' }, member1, 'RATE_LIMITED');
    expect(room.run({ type: 'comment.post', id, text: '第一条' }, member1)).toEqual([]);
  });

  it('refuses an id another author already used', () => {
    const room = openRoom({ stage: 'agenda' });
    post(room, member1, '我的', {}, id);
    room.refuse({ type: 'comment.post', id, text: '冒用' }, member2, 'CONFLICT');
  });
});
