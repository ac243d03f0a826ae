import { type CommandType, minutesDocument, PERMISSIONS, SITE_HEADCOUNT_MAX, sitesView } from '@yishi/shared';
import { describe, expect, it } from 'vitest';
import { chair, member1, member2, openRoom, secretary, site, system } from '../../support/domain.js';

/**
 * A site (坝坝会 mode): one device in a village hall or square, many people. It takes the floor like
 * a guest, reports how many are present, and when it holds the floor its operator names who speaks
 * there — the turn and the minutes record that person at the site, not the device.
 */

const COMMAND_TYPES = Object.keys(PERMISSIONS) as CommandType[];

function siteRoom() {
  const room = openRoom({ stage: 'agenda', join: [chair, secretary, member1, member2] });
  room.run(
    { type: 'participant.join', person: { ...site, role: 'site', operator: '李文书' }, resumeWithinMs: 0 },
    system,
  );
  return room;
}

describe('the site role', () => {
  it('may do what a guest may, and report its headcount, name its speaker and enter its show of hands', () => {
    const siteRows = COMMAND_TYPES.filter((type) => PERMISSIONS[type].includes('site'));
    expect(siteRows.sort()).toEqual(
      [
        'comment.post',
        'comment.react',
        'floor.yield',
        'queue.request',
        'queue.withdraw',
        'site.reportHeadcount',
        'site.nameSpeaker',
        'poll.enterSiteCounts',
      ].sort(),
    );
    // Nobody else reports a headcount, names a site's speaker or enters a site's counts.
    for (const type of ['site.reportHeadcount', 'site.nameSpeaker', 'poll.enterSiteCounts'] as const) {
      expect(PERMISSIONS[type]).toEqual(['site']);
    }
  });

  it('reports its headcount during the meeting; attendance keeps every report with its time', () => {
    const room = siteRoom();
    room.run({ type: 'site.reportHeadcount', count: 30 }, site);
    room.advance(600_000);
    room.run({ type: 'site.reportHeadcount', count: 42 }, site);
    // The same number again is nothing new.
    expect(room.run({ type: 'site.reportHeadcount', count: 42 }, site)).toEqual([]);
    expect(sitesView(room.state, 7).sites).toEqual([
      { id: site.id, name: '威远县向义镇水口村', operator: '李文书', headcount: 42, speakers: [] },
    ]);
    const doc = minutesDocument(room.state, room.now);
    expect(doc.sites).toEqual([
      {
        name: '威远县向义镇水口村',
        operator: '李文书',
        headcounts: [
          { at: new Date(room.now - 600_000).toISOString(), count: 30 },
          { at: new Date(room.now).toISOString(), count: 42 },
        ],
        maxHeadcount: 42,
      },
    ]);
    expect(doc.attendance.map((a) => a.name)).toContain('威远县向义镇水口村');
  });

  it("is in the minutes' sites even when it never reported a headcount", () => {
    const doc = minutesDocument(siteRoom().state, 0);
    expect(doc.sites).toEqual([{ name: '威远县向义镇水口村', operator: '李文书', headcounts: [], maxHeadcount: null }]);
  });

  it.each([-1, 2.5, SITE_HEADCOUNT_MAX + 1, Number.NaN])('refuses a headcount of %s (INVALID_REQUEST)', (count) => {
    const room = siteRoom();
    room.refuse({ type: 'site.reportHeadcount', count }, site, 'INVALID_REQUEST');
  });

  it('is refused a headcount for someone else: members and the chair have none to report', () => {
    const room = siteRoom();
    room.refuse({ type: 'site.reportHeadcount', count: 3 }, member1, 'NOT_ALLOWED');
    room.refuse({ type: 'site.reportHeadcount', count: 3 }, chair, 'NOT_ALLOWED');
  });

  it('names who speaks when it holds the floor: the turn and the minutes record that person at the site', () => {
    const room = siteRoom();
    const turn = room.grant(room.request(site));
    room.run({ type: 'site.nameSpeaker', name: '  村民代表 王某 ' }, site);
    expect(room.turn(turn.id).namedSpeaker).toBe('村民代表 王某');
    // Floor control still follows the device: it is the site's turn.
    expect(room.turn(turn.id).speaker.id).toBe(site.id);
    room.run({ type: 'floor.yield' }, site);
    const later = room.grant(room.request(site));
    room.run({ type: 'site.nameSpeaker', name: '妇女主任 刘某' }, site);
    expect(room.turn(later.id).namedSpeaker).toBe('妇女主任 刘某');
    // The quick list: names already used there, latest first.
    expect(sitesView(room.state, 1).sites[0]?.speakers).toEqual(['妇女主任 刘某', '村民代表 王某']);

    const doc = minutesDocument(room.state, room.now);
    expect(doc.speeches.map((s) => [s.speaker.name, s.site])).toEqual([
      ['村民代表 王某', '威远县向义镇水口村'],
      ['妇女主任 刘某', '威远县向义镇水口村'],
    ]);
  });

  it('a site turn whose speaker nobody named is the site itself; members are on their own device', () => {
    const room = siteRoom();
    room.grant(room.request(site));
    room.grant(room.request(member1));
    const doc = minutesDocument(room.state, room.now);
    expect(doc.speeches.map((s) => [s.speaker.name, s.site])).toEqual([
      ['威远县向义镇水口村', '威远县向义镇水口村'],
      ['张委员', null],
    ]);
  });

  it('cannot name a speaker without the floor, nor an empty one', () => {
    const room = siteRoom();
    room.refuse({ type: 'site.nameSpeaker', name: '村民代表 王某' }, site, 'CONFLICT');
    room.grant(room.request(member1));
    room.refuse({ type: 'site.nameSpeaker', name: '村民代表 王某' }, site, 'CONFLICT');
    room.grant(room.request(site));
    room.refuse({ type: 'site.nameSpeaker', name: '   ' }, site, 'INVALID_REQUEST');
    room.refuse({ type: 'site.nameSpeaker', name: '王某' }, member1, 'NOT_ALLOWED');
  });
});
