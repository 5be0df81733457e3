import type { NotifyConfig, RobotConfig } from '../config';
import type { RoutingPolicy } from '../routing';
import type { Channel } from '../types';
import { createAliyunSmsChannel } from './aliyun-sms';
import { createDingtalkRobotChannel } from './dingtalk-robot';
import { createEmailChannel } from './email';
import { createFeishuRobotChannel } from './feishu-robot';
import { createTencentSmsChannel } from './tencent-sms';
import { createWecomRobotChannel } from './wecom-robot';

export function createRobotChannel(robot: RobotConfig): Channel {
  if (robot.kind === 'dingtalk') return createDingtalkRobotChannel(robot);
  if (robot.kind === 'feishu') return createFeishuRobotChannel(robot);
  return createWecomRobotChannel(robot);
}

/** Builds every configured channel, keyed by the ids routing uses ("email", "sms", "robot:<community>"). */
export function createChannels(config: NotifyConfig): Record<string, Channel> {
  const channels: Record<string, Channel> = {};
  if (config.smtp) channels.email = createEmailChannel(config.smtp);
  if (config.sms?.provider === 'aliyun') channels.sms = createAliyunSmsChannel(config.sms.aliyun);
  if (config.sms?.provider === 'tencent') channels.sms = createTencentSmsChannel(config.sms.tencent);
  for (const robot of config.robots) {
    const channel = createRobotChannel(robot);
    channels[channel.id] = channel;
  }
  return channels;
}

/** The routing policy that matches the configuration: unconfigured channels are skipped. */
export function routingPolicyFrom(config: NotifyConfig): RoutingPolicy {
  return {
    quietHours: config.quietHours,
    available: {
      email: Boolean(config.smtp),
      sms: Boolean(config.sms),
      robotCommunities: config.robots.map((r) => r.communityId),
    },
  };
}
