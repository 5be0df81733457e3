import { describe, expect, it } from 'vitest';
import type { DigestEvent } from '../events';
import { STAFF, sampleEvent } from '../testing/fixtures';
import { formatDeadline, shanghaiDay } from './format';
import { renderEmail, renderRobot, renderSms, SMS_PARAM_MAX } from './render';
import { TEMPLATE_TEXTS } from './texts';

const TYPES = Object.keys(TEMPLATE_TEXTS) as Array<keyof typeof TEMPLATE_TEXTS>;

describe('deadline formatting in Asia/Shanghai (tests run with TZ=UTC)', () => {
  it('shows local midnight as 24:00 of the previous day', () => {
    expect(formatDeadline('2022-03-31T16:00:00Z')).toBe('2022年3月31日 24:00');
    expect(formatDeadline('2022-03-31T09:30:00Z')).toBe('2022年3月31日 17:30');
    expect(formatDeadline('2021-12-31T16:00:00Z')).toBe('2021年12月31日 24:00');
    expect(shanghaiDay('2022-03-31T16:00:00Z')).toBe('2022-04-01');
  });
});

describe('templates', () => {
  it.each(TYPES)('%s renders every placeholder for email, SMS and robot', (type) => {
    const event = sampleEvent({
      type,
      urgency: type === 'escalation' ? 'escalation' : 'routine',
      task: { ...sampleEvent().task, rejectionReason: '照片模糊', escalationLevel: 2 },
    });
    const email = renderEmail(event, STAFF);
    const sms = renderSms(event, STAFF);
    const robot = renderRobot(event, STAFF);
    for (const text of [email.subject, email.html, email.text, robot.title, ...robot.lines, ...sms.params.map(([, v]) => v)]) {
      expect(text).not.toMatch(/\{\w+\}|undefined/);
    }
    expect(email.subject).toContain('龙泉社区');
    expect(sms.params.length).toBeGreaterThan(0);
    for (const [, v] of sms.params) expect([...v].length).toBeLessThanOrEqual(SMS_PARAM_MAX);
    for (const [, v] of sms.params) expect(v).not.toMatch(/https?:/);
  });

  it('escalation names the level and rejection carries the reason', () => {
    const esc = renderEmail(sampleEvent({ type: 'escalation', task: { ...sampleEvent().task, escalationLevel: 3 } }), STAFF);
    expect(esc.subject).toBe('【督办升级·政法委员】龙泉社区·防电信诈骗宣传');
    const rej = renderEmail(
      sampleEvent({ type: 'evidence-rejected', task: { ...sampleEvent().task, rejectionReason: '缺少签到表<b>' } }),
      STAFF,
    );
    expect(rej.text).toContain('退回原因：缺少签到表<b>');
    expect(rej.html).toContain('退回原因：缺少签到表&lt;b&gt;');
  });

  it('drops non-http links from email', () => {
    const email = renderEmail(sampleEvent({ task: { ...sampleEvent().task, link: 'javascript:alert(1)' } }), STAFF);
    expect(email.html).not.toContain('javascript:');
    expect(email.text).not.toContain('javascript:');
  });

  it('digest lists every item with status and deadline', () => {
    const digest: DigestEvent = {
      id: 'digest:u:2022-03-28',
      type: 'digest',
      urgency: 'routine',
      at: '2022-03-29T00:00:00Z',
      day: '2022-03-28',
      link: 'https://duban.example.gov.cn/desk',
      items: [
        { eventId: 'a', eventType: 'overdue', task: { ...sampleEvent().task, points: 2 } },
        { eventId: 'b', eventType: 'reminder', task: { ...sampleEvent().task, communityName: '石桥村', ruleTitle: '禁毒宣传' } },
      ],
    };
    const email = renderEmail(digest, STAFF);
    expect(email.subject).toBe('【督办日报】2022年3月28日：共2项待关注');
    expect(email.text).toContain('1. 龙泉社区·防电信诈骗宣传（2022年3月）：已逾期，截止2022年3月31日 24:00，涉及2分');
    expect(email.text).toContain('2. 石桥村·禁毒宣传（2022年3月）：待办');
    expect(renderSms(digest, STAFF).params).toEqual([
      ['day', '2022年3月28日'],
      ['count', '2'],
    ]);
  });
});
