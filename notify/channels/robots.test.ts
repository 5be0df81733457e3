import { afterEach, describe, expect, it } from 'vitest';
import { PermanentSendError, TransientSendError, type SendError } from '../errors';
import { renderRobot } from '../templates/render';
import { startDingtalkProviderServer } from '../testing/dingtalk-provider-server';
import { startFeishuProviderServer } from '../testing/feishu-provider-server';
import { STAFF, sampleEvent } from '../testing/fixtures';
import { startWecomProviderServer } from '../testing/wecom-provider-server';
import { createDingtalkRobotChannel } from './dingtalk-robot';
import { createFeishuRobotChannel } from './feishu-robot';
import { createWecomRobotChannel } from './wecom-robot';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});
const fail = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected failure');
    },
    (e: unknown) => e as SendError,
  );
const noLeak = (err: SendError, ...secrets: string[]) => {
  const text = JSON.stringify({ m: err.message, r: err.raw });
  for (const s of secrets) expect(text).not.toContain(s);
};

const DING_TOKEN = 'dingAccessToken0123456789abcdef';
const DING_SECRET = 'SEC0123456789abcdefDingSecret';
const message = () =>
  renderRobot(
    sampleEvent({ task: { ...sampleEvent().task, rejectionReason: undefined, communityName: '龙泉[社区](http://evil)' } }),
    STAFF,
  );

describe('DingTalk custom robot', () => {
  async function setup(secret = DING_SECRET) {
    const server = await startDingtalkProviderServer({ [DING_TOKEN]: DING_SECRET });
    closers.push(server.close);
    const channel = createDingtalkRobotChannel({
      communityId: 'c1',
      kind: 'dingtalk',
      webhookUrl: `${server.url}/robot/send?access_token=${DING_TOKEN}`,
      secret,
    });
    return { server, channel };
  }

  it('sends signed markdown that @-mentions by mobile in text and at.atMobiles', async () => {
    const { server, channel } = await setup();
    const result = await channel.send(message(), { key: 'k' });
    expect(channel.id).toBe('robot:c1');
    expect(JSON.parse(result.raw)).toEqual({ errcode: 0, errmsg: 'ok' });
    const got = server.accepted[0]!;
    expect(got.msgtype).toBe('markdown');
    expect(got.atMobiles).toEqual(['13800138000']);
    expect(got.text).toContain('@13800138000');
    expect(got.text).toContain('[查看任务](https://duban.example.gov.cn/tasks/ob-2022-03-fraud-longquan?tab=evidence&x=1)');
    // User text cannot inject a link: markdown characters become full-width.
    expect(got.text).toContain('龙泉［社区］(http://evil)');
  });

  it('sign mismatch (310000) is permanent and leaks neither the secret nor the token', async () => {
    const { channel } = await setup('SECwrongwrongwrongwrong');
    const err = await fail(channel.send(message(), { key: 'k' }));
    expect(err).toBeInstanceOf(PermanentSendError);
    expect(err.code).toBe('310000');
    noLeak(err, 'SECwrongwrongwrongwrong', DING_TOKEN);
  });

  it('send too fast (130101) and 5xx are transient', async () => {
    const { server, channel } = await setup();
    server.failNext(1, { code: 130101 });
    server.failNext(1, { http: 500 });
    const tooFast = await fail(channel.send(message(), { key: 'k' }));
    expect(tooFast).toBeInstanceOf(TransientSendError);
    expect(tooFast.raw).toContain('send too fast');
    expect(await fail(channel.send(message(), { key: 'k' }))).toBeInstanceOf(TransientSendError);
  });
});

describe('WeCom group robot', () => {
  const KEY = '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';
  async function setup(key = KEY) {
    const server = await startWecomProviderServer([KEY]);
    closers.push(server.close);
    const channel = createWecomRobotChannel({
      communityId: 'c2',
      kind: 'wecom',
      webhookUrl: `${server.url}/cgi-bin/webhook/send?key=${key}`,
    });
    return { server, channel };
  }

  it('mobile-only mentions go as one text message with mentioned_mobile_list', async () => {
    const { server, channel } = await setup();
    await channel.send(message(), { key: 'k' });
    expect(server.accepted[0]).toMatchObject({ msgtype: 'text', mentionedMobileList: ['13800138000'] });
    expect(server.accepted[0]!.content).toContain('查看任务：https://duban.example.gov.cn/tasks/');
  });

  it('mentions with a WeCom userid use markdown and <@userid>', async () => {
    const { server, channel } = await setup();
    await channel.send(renderRobot(sampleEvent(), { ...STAFF, wecomUserId: 'WangXiaoHong' }), { key: 'k' });
    expect(server.accepted[0]).toMatchObject({ msgtype: 'markdown', mentionedMobileList: [] });
    expect(server.accepted[0]!.content).toContain('<@WangXiaoHong>');
    expect(server.accepted[0]!.content).toContain('**督办提醒：防电信诈骗宣传**');
  });

  it('invalid webhook url (93000) is permanent without the key; 45009 is transient', async () => {
    const { channel } = await setup('revoked-key-0000-1111');
    const err = await fail(channel.send(message(), { key: 'k' }));
    expect(err).toBeInstanceOf(PermanentSendError);
    expect(err.code).toBe('93000');
    noLeak(err, 'revoked-key-0000-1111');
    const ok = await setup();
    ok.server.failNext(1, { code: 45009 });
    expect(await fail(ok.channel.send(message(), { key: 'k' }))).toBeInstanceOf(TransientSendError);
  });
});

describe('Feishu custom bot', () => {
  const TOKEN = 'f1e2d3c4-b5a6-4789-9abc-feishuhook01';
  const SECRET = 'feishuSigningSecret0123';
  async function setup(secret = SECRET) {
    const server = await startFeishuProviderServer({ [TOKEN]: SECRET });
    closers.push(server.close);
    const channel = createFeishuRobotChannel({
      communityId: 'c3',
      kind: 'feishu',
      webhookUrl: `${server.url}/open-apis/bot/v2/hook/${TOKEN}`,
      secret,
    });
    return { server, channel };
  }

  it('sends a signed post with a link and an <at> for a known user id', async () => {
    const { server, channel } = await setup();
    const result = await channel.send(renderRobot(sampleEvent(), { ...STAFF, feishuUserId: 'ou_123' }), { key: 'k' });
    expect(JSON.parse(result.raw)).toMatchObject({ code: 0, msg: 'success', StatusCode: 0 });
    const content = server.accepted[0]!.content as { post: { zh_cn: { title: string; content: unknown[][] } } };
    expect(content.post.zh_cn.title).toBe('督办提醒：防电信诈骗宣传');
    expect(content.post.zh_cn.content).toContainEqual([
      { tag: 'a', text: '查看任务', href: 'https://duban.example.gov.cn/tasks/ob-2022-03-fraud-longquan?tab=evidence&x=1' },
    ]);
    expect(content.post.zh_cn.content).toContainEqual([{ tag: 'at', user_id: 'ou_123' }]);
  });

  it('sign failure (19021) is permanent without leaking the hook token; 9499 and 11232 are transient', async () => {
    const bad = await setup('feishuWrongSecret999');
    const err = await fail(bad.channel.send(message(), { key: 'k' }));
    expect(err).toBeInstanceOf(PermanentSendError);
    expect(err.code).toBe('19021');
    noLeak(err, TOKEN, 'feishuWrongSecret999');
    const { server, channel } = await setup();
    server.failNext(1, { code: 9499, message: 'too many request' });
    server.failNext(1, { code: 11232 });
    expect(await fail(channel.send(message(), { key: 'k' }))).toBeInstanceOf(TransientSendError);
    expect(await fail(channel.send(message(), { key: 'k' }))).toBeInstanceOf(TransientSendError);
    await channel.send(message(), { key: 'k' });
    expect(server.accepted).toHaveLength(1);
  });
});
