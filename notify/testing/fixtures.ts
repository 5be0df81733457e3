import type { Recipient, TaskEvent } from '../events';

// Sample data shared by the notify tests: one community, its people, one task.

export const COMMUNITY = 'c-longquan';

/** SMS template codes per event, as an Aliyun or Tencent account would have them filed (the loopback servers accept any). */
export const SMS_TEMPLATES = {
  reminder: 'SMS_1',
  'due-today': 'SMS_2',
  overdue: 'SMS_3',
  escalation: 'SMS_4',
  'evidence-rejected': 'SMS_5',
  digest: 'SMS_6',
};

export function sampleEvent(overrides: Partial<TaskEvent> = {}): TaskEvent {
  return {
    id: 'ob-2022-03-fraud-longquan',
    type: 'reminder',
    urgency: 'routine',
    // 2022-03-28 10:00 Asia/Shanghai
    at: '2022-03-28T02:00:00.000Z',
    communityId: COMMUNITY,
    task: {
      communityName: '龙泉社区',
      ruleTitle: '防电信诈骗宣传',
      clause: '第一条第1款',
      period: '2022年3月',
      // 2022-04-01 00:00 Asia/Shanghai = "3月31日 24:00"
      deadline: '2022-03-31T16:00:00.000Z',
      points: 1,
      link: 'https://duban.example.gov.cn/tasks/ob-2022-03-fraud-longquan?tab=evidence&x=1',
    },
    ...overrides,
  };
}

export const STAFF: Recipient = {
  userId: 'u-staff-1',
  name: '王小红',
  role: 'staff',
  mobile: '13800138000',
  email: 'wxh@example.cn',
  communityId: COMMUNITY,
};

export const SECRETARY: Recipient = {
  userId: 'u-sec-1',
  name: '李书记',
  role: 'secretary',
  mobile: '13900139000',
  email: 'li@example.cn',
  communityId: COMMUNITY,
};

export const AREA_LEADER: Recipient = {
  userId: 'u-area-1',
  name: '张挂片',
  role: 'area_leader',
  mobile: '13700137000',
  email: 'zhang@example.gov.cn',
};
